// SPDX-License-Identifier: Apache-2.0
import { type Dns, type Route040 } from './common';

/** An interface in a 0.3.x/0.4.0 result; `sandbox` is set for container-side interfaces only. */
export interface Interface040 {
  name: string;
  mac?: string;
  sandbox?: string;
}

/** An address in a 0.3.x/0.4.0 result; `version` is "4" or "6" ("" is tolerated on input, as in Go). */
export interface IpConfig040 {
  version: '4' | '6' | '';
  address: string;
  gateway?: string;
  /** Index into `interfaces`; 0 is a valid index and is always emitted. */
  interface?: number;
}

/** Result of spec 0.3.0, 0.3.1 and 0.4.0. */
export interface Result040 {
  cniVersion: '0.3.0' | '0.3.1' | '0.4.0';
  interfaces?: Interface040[];
  ips?: IpConfig040[];
  routes?: Route040[];
  dns?: Dns;
}
