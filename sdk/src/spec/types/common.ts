// SPDX-License-Identifier: Apache-2.0
/** DNS settings in results and configs (all fields optional). */
export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

/** A route as 0.x results carry it: destination CIDR and optional gateway. */
export interface Route040 {
  dst: string;
  gw?: string;
}
