// SPDX-License-Identifier: Apache-2.0
import { type IpAddress } from '@vpc-cni-ts/sdk/kernel';

import { type EgressRange } from '../config/egress-config';

/** Address leases for egress interfaces, keyed by (container id, interface name). */
export interface LeaseStore {
  /**
   * Returns the address leased to (containerId, ifName), allocating the next free one if there is none.
   * @throws when the range is exhausted.
   */
  acquire(containerId: string, ifName: string, range: EgressRange): Promise<IpAddress>;
  /** Addresses currently leased to (containerId, ifName). */
  find(containerId: string, ifName: string): Promise<IpAddress[]>;
  /** Releases every lease of (containerId, ifName); returns what was released. Missing is not an error. */
  release(containerId: string, ifName: string): Promise<IpAddress[]>;
}
