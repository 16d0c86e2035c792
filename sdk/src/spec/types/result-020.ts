// SPDX-License-Identifier: Apache-2.0
import { type Dns, type Route040 } from './common';

/** One address family's config in a 0.1.0/0.2.0 result. */
export interface IpConfig020 {
  /** CIDR keeping host bits, e.g. "10.1.0.5/16". */
  ip: string;
  gateway?: string;
  routes?: Route040[];
}

/** Result of spec 0.1.0 and 0.2.0 (identical shape). */
export interface Result020 {
  cniVersion: '0.1.0' | '0.2.0';
  ip4?: IpConfig020;
  ip6?: IpConfig020;
  dns?: Dns;
}
