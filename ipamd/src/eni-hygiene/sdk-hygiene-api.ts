// SPDX-License-Identifier: Apache-2.0
import {
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  type Filter,
} from '@aws-sdk/client-ec2';

import { Ec2Error, isEc2Error } from '../ports';
import { CountingEc2Adapter, type Ec2AdapterOptions, toEc2Error } from '../adapters/ec2';
import { TAG_CLUSTER_NAME, TAG_INSTANCE_ID } from './eni-tags';
import type { EniHygieneApi, LeakCandidate } from './hygiene-api';

/** How to reach EC2 (see `Ec2AdapterOptions`). */
export type SdkHygieneApiOptions = Ec2AdapterOptions;

/** `EniHygieneApi` over @aws-sdk/client-ec2, counting calls per action. */
export class SdkHygieneApi extends CountingEc2Adapter implements EniHygieneApi {
  async listLeakCandidates(filter: { vpcId: string; clusterName?: string }): Promise<LeakCandidate[]> {
    const filters: Filter[] = [
      { Name: 'tag-key', Values: [TAG_INSTANCE_ID] },
      { Name: 'status', Values: ['available'] },
      { Name: 'vpc-id', Values: [filter.vpcId] },
    ];
    if (filter.clusterName) filters.push({ Name: `tag:${TAG_CLUSTER_NAME}`, Values: [filter.clusterName] });
    const out: LeakCandidate[] = [];
    let token: string | undefined;
    do {
      const r = await this.call('DescribeNetworkInterfaces', () =>
        this.client.send(
          new DescribeNetworkInterfacesCommand({ Filters: filters, MaxResults: 1000, NextToken: token }),
        ),
      );
      for (const n of r.NetworkInterfaces ?? [])
        out.push({
          id: n.NetworkInterfaceId ?? '',
          description: n.Description ?? '',
          status: n.Status ?? '',
          tags: Object.fromEntries((n.TagSet ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? ''])),
        });
      token = r.NextToken;
    } while (token);
    return out;
  }

  async createTags(eniId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    await this.call('CreateTags', () =>
      this.client.send(
        new CreateTagsCommand({
          Resources: [eniId],
          Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        }),
      ),
    );
  }

  async deleteNetworkInterface(eniId: string): Promise<void> {
    try {
      await this.call('DeleteNetworkInterface', () =>
        this.client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })),
      );
    } catch (e) {
      if (isEc2Error(e, 'not-found')) return;
      throw e instanceof Ec2Error ? e : toEc2Error('DeleteNetworkInterface', e);
    }
  }

  /** Close the client if this object made it. */
}
