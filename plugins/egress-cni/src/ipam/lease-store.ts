// SPDX-License-Identifier: Apache-2.0
import { type EgressRange } from '../config/egress-config';
import { type Ip } from '../ip/ip-math';

/** Address leases for egress interfaces, keyed by (container id, interface name). */
export interface LeaseStore {
  /**
   * Returns the address leased to (containerId, ifName), allocating the next free one if there is none.
   * @throws when the range is exhausted.
   */
  acquire(containerId: string, ifName: string, range: EgressRange): Promise<Ip>;
  /** Addresses currently leased to (containerId, ifName). */
  find(containerId: string, ifName: string): Promise<Ip[]>;
  /** Releases every lease of (containerId, ifName); returns what was released. Missing is not an error. */
  release(containerId: string, ifName: string): Promise<Ip[]>;
}
