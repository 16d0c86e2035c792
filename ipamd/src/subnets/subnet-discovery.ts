// SPDX-License-Identifier: Apache-2.0
import type { Subnet } from '../domain/types';
import { isEc2Error, type Logger } from '../ports';
import type { SubnetDirectory } from './subnet-directory';
import { excludedEniIds, selectEniSubnets, type SubnetSelection } from './subnet-selection';

export interface SubnetDiscoveryDeps {
  readonly directory: SubnetDirectory;
  readonly logger: Logger;
  readonly node: { readonly vpcId: string; readonly availabilityZone: string; readonly primarySubnetId: string };
  /** ENABLE_SUBNET_DISCOVERY and CLUSTER_NAME. */
  readonly config: { readonly enableSubnetDiscovery: boolean; readonly clusterName: string };
}

/**
 * Subnet discovery (notes 4.8): asks EC2 for the node's VPC/AZ subnets on every call (upstream does not cache
 * either) and applies the pure selection. A failed DescribeSubnets is logged and falls back to the primary subnet.
 */
export class SubnetDiscovery {
  private readonly log: Logger;

  constructor(private readonly d: SubnetDiscoveryDeps) {
    this.log = d.logger.child({ component: 'subnets' });
  }

  /** Subnets of the VPC in the node's AZ, or undefined when DescribeSubnets failed. */
  async describe(): Promise<Subnet[] | undefined> {
    try {
      return await this.d.directory.describeSubnetsInAz(this.d.node.vpcId, this.d.node.availabilityZone);
    } catch (e) {
      this.log.warn(
        { err: (e as Error).message, unauthorized: isEc2Error(e, 'unauthorized') },
        'DescribeSubnets failed; using the primary subnet only',
      );
      return undefined;
    }
  }

  /** Subnets to create the next ENI in, best first. One DescribeSubnets call when discovery is on, none when off. */
  async eniSubnets(): Promise<SubnetSelection> {
    const { config, node } = this.d;
    const subnets = config.enableSubnetDiscovery ? await this.describe() : undefined;
    const sel = selectEniSubnets({
      discovery: config.enableSubnetDiscovery,
      primarySubnetId: node.primarySubnetId,
      clusterName: config.clusterName,
      vpcId: node.vpcId,
      availabilityZone: node.availabilityZone,
      subnets,
    });
    this.log.debug({ subnets: sel.subnetIds, source: sel.source }, 'ENI subnets selected');
    return sel;
  }

  /**
   * ENIs (primary included) in a subnet tagged `kubernetes.io/role/cni=0`: no new pod IPs, free CIDRs released.
   * Empty when discovery is off or DescribeSubnets failed.
   */
  async excludedEnis(enis: readonly { readonly id: string; readonly subnetId: string }[]): Promise<string[]> {
    if (!this.d.config.enableSubnetDiscovery) return [];
    return excludedEniIds(enis, await this.describe());
  }
}

/**
 * Try `create` in each subnet in order; a subnet that is full (`subnet-full`, `no-contiguous-cidr`) moves on to
 * the next; any other error stops. Throws the last capacity error when every subnet is full, or an error naming
 * the problem when the list is empty.
 */
export async function inFirstSubnetWithRoom<T>(
  subnetIds: readonly string[],
  create: (subnetId: string) => Promise<T>,
): Promise<{ subnetId: string; result: T }> {
  if (!subnetIds.length)
    throw new Error(
      'no subnet is eligible for new ENIs (every subnet of the AZ is tagged kubernetes.io/role/cni=0 or untagged)',
    );
  let last: unknown;
  for (const id of subnetIds) {
    try {
      return { subnetId: id, result: await create(id) };
    } catch (e) {
      if (!isEc2Error(e, 'subnet-full', 'no-contiguous-cidr')) throw e;
      last = e;
    }
  }
  throw last;
}
