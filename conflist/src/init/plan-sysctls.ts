// SPDX-License-Identifier: Apache-2.0
import { type InitConfig } from '../config';

/** One kernel parameter to set; `ifExists` keys are skipped on kernels that lack them. */
export interface SysctlStep {
  readonly key: string;
  readonly value: string;
  readonly ifExists?: boolean;
}

/**
 * The sysctls the init step sets (upstream v1.23.1): loose reverse-path filtering on the primary interface,
 * TCP early demux per `DISABLE_TCP_EARLY_DEMUX`, and for IPv6 (cluster or egress) forwarding and accept_ra=2 on
 * the primary interface (accept RAs while forwarding); an IPv6 cluster also turns IPv6 on.
 */
export function planSysctls(
  cfg: Pick<InitConfig, 'disableTcpEarlyDemux' | 'enableIpv6' | 'v6Egress'>,
  primaryIf: string,
): readonly SysctlStep[] {
  const steps: SysctlStep[] = [
    { key: `net/ipv4/conf/${primaryIf}/rp_filter`, value: '2' },
    { key: 'net/ipv4/tcp_early_demux', value: cfg.disableTcpEarlyDemux ? '0' : '1', ifExists: true },
  ];
  if (cfg.enableIpv6) steps.push({ key: 'net/ipv6/conf/all/disable_ipv6', value: '0' });
  if (cfg.enableIpv6 || cfg.v6Egress) {
    steps.push({ key: 'net/ipv6/conf/all/forwarding', value: '1' });
    steps.push({ key: `net/ipv6/conf/${primaryIf}/accept_ra`, value: '2' });
  }
  return steps;
}
