// SPDX-License-Identifier: Apache-2.0
import { type Dns } from './common';

/** An interface in a 1.x result (`mtu`, `socketPath`, `pciID` are 1.1.0 additions). */
export interface Interface100 {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
  socketPath?: string;
  pciID?: string;
}

/** An address in a 1.x result: no `version` field. */
export interface IpConfig100 {
  address: string;
  gateway?: string;
  interface?: number;
}

/** A route in a 1.x result (`mtu`, `advmss`, `priority`, `table`, `scope` are 1.1.0 additions). */
export interface Route100 {
  dst: string;
  gw?: string;
  mtu?: number;
  advmss?: number;
  priority?: number;
  table?: number;
  /** 0 global, 253 link, 254 host. */
  scope?: number;
}

/** Result of spec 1.0.0 and 1.1.0. */
export interface Result100 {
  cniVersion: '1.0.0' | '1.1.0';
  interfaces?: Interface100[];
  ips?: IpConfig100[];
  routes?: Route100[];
  dns?: Dns;
}
