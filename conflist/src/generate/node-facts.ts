// SPDX-License-Identifier: Apache-2.0
import { type ConflistConfig } from '../config';

/** What the conflist needs to know about the node (from IMDS); only the looked-up fields are set. */
export interface NodeFacts {
  /** IMDS `local-ipv4`: the egress SNAT address in an IPv6 cluster. */
  readonly localIpv4?: string;
  /** IMDS `ipv6` of the primary ENI: the egress SNAT address in an IPv4 cluster; undefined when it has none. */
  readonly primaryIpv6?: string;
}

/** Which node facts the conflist needs, decided from configuration alone (so disabled features cost no IMDS call). */
export function neededNodeFacts(cfg: ConflistConfig): readonly (keyof NodeFacts)[] {
  if (cfg.ipFamily === 'ipv6') return ['localIpv4'];
  return cfg.v6Egress ? ['primaryIpv6'] : [];
}
