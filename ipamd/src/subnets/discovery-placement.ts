// SPDX-License-Identifier: Apache-2.0
import type { EniPlacement, NewEniPlacement, PlacedEni } from '../ports';
import type { SubnetDiscovery } from './subnet-discovery';

/**
 * Placement by subnet discovery (notes 4.8): new ENIs go in the eligible subnets of the node's AZ, most free addresses
 * first, with the primary ENI's security groups; ENIs in subnets tagged `kubernetes.io/role/cni=0` give no pod
 * addresses. One DescribeSubnets per call; none when ENABLE_SUBNET_DISCOVERY=false.
 */
export class DiscoveryPlacement implements EniPlacement {
  constructor(private readonly discovery: SubnetDiscovery) {}

  async forNewEni(): Promise<NewEniPlacement> {
    const sel = await this.discovery.eniSubnets();
    return { subnetIds: sel.subnetIds, source: sel.source };
  }

  excludedEnis(enis: readonly PlacedEni[]): Promise<readonly string[]> {
    return this.discovery.excludedEnis(enis);
  }
}
