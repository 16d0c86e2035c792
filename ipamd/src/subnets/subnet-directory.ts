// SPDX-License-Identifier: Apache-2.0
import type { Subnet } from '../domain/types';

/**
 * Port: the subnets of a VPC in one availability zone (DescribeSubnets filtered by `vpc-id` and
 * `availability-zone`, all pages). Throws `Ec2Error` on failure. The shared `Ec2Api` port only describes one subnet
 * by id, hence this small port of its own.
 */
export interface SubnetDirectory {
  describeSubnetsInAz(vpcId: string, availabilityZone: string): Promise<Subnet[]>;
}

/** In-memory directory for tests: holds subnets, counts calls, can be told to fail. */
export class MemorySubnetDirectory implements SubnetDirectory {
  calls = 0;
  failWith: Error | undefined;
  constructor(public subnets: Subnet[] = []) {}
  async describeSubnetsInAz(vpcId: string, az: string): Promise<Subnet[]> {
    this.calls++;
    if (this.failWith) throw this.failWith;
    return this.subnets.filter((s) => s.vpcId === vpcId && s.availabilityZone === az);
  }
}
