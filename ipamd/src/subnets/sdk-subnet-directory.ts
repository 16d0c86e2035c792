// SPDX-License-Identifier: Apache-2.0
import { DescribeSubnetsCommand, type Tag } from '@aws-sdk/client-ec2';

import type { Subnet } from '../domain/types';
import { CountingEc2Adapter, type Ec2AdapterOptions } from '../adapters/ec2';
import type { SubnetDirectory } from './subnet-directory';

/** How to reach EC2 (see `Ec2AdapterOptions`). */
export type SdkSubnetDirectoryOptions = Ec2AdapterOptions;

const tagsOf = (t: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((t ?? []).filter((x) => x.Key).map((x) => [x.Key!, x.Value ?? '']));

/** `SubnetDirectory` over @aws-sdk/client-ec2 (paginated DescribeSubnets), counting calls per action. */
export class SdkSubnetDirectory extends CountingEc2Adapter implements SubnetDirectory {
  async describeSubnetsInAz(vpcId: string, availabilityZone: string): Promise<Subnet[]> {
    const out: Subnet[] = [];
    let token: string | undefined;
    do {
      const r = await this.call('DescribeSubnets', () =>
        this.client.send(
          new DescribeSubnetsCommand({
            Filters: [
              { Name: 'vpc-id', Values: [vpcId] },
              { Name: 'availability-zone', Values: [availabilityZone] },
            ],
            MaxResults: 1000,
            NextToken: token,
          }),
        ),
      );
      for (const s of r.Subnets ?? [])
        out.push({
          id: s.SubnetId ?? '',
          cidr: s.CidrBlock ?? '',
          availabilityZone: s.AvailabilityZone ?? '',
          availableIpAddressCount: s.AvailableIpAddressCount ?? 0,
          vpcId: s.VpcId ?? '',
          tags: tagsOf(s.Tags),
        });
      token = r.NextToken;
    } while (token);
    return out;
  }

  /** Close the client if this object made it. */
}
