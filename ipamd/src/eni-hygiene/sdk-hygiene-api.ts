// SPDX-License-Identifier: Apache-2.0
import {
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  EC2Client,
  type Filter,
} from '@aws-sdk/client-ec2';

import { Ec2Error, isEc2Error } from '../ports';
import { ec2Call, toEc2Error, type LatencyMetrics } from '../subnets/sdk-subnet-directory';
import { TAG_CLUSTER_NAME, TAG_INSTANCE_ID } from './eni-tags';
import type { EniHygieneApi, LeakCandidate } from './hygiene-api';

export interface SdkHygieneApiOptions {
  readonly client?: EC2Client;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly httpTimeoutMs?: number;
  /** Call counts and errors; with `PromMetrics` also the latency summary. */
  readonly metrics?: LatencyMetrics;
}

/** `EniHygieneApi` over @aws-sdk/client-ec2, counting calls per action. */
export class SdkHygieneApi implements EniHygieneApi {
  private readonly client: EC2Client;
  private readonly owned: boolean;
  private readonly counts = new Map<string, number>();

  constructor(private readonly opts: SdkHygieneApiOptions) {
    this.owned = !opts.client;
    this.client =
      opts.client ??
      new EC2Client({
        region: opts.region,
        endpoint: opts.endpoint,
        credentials: opts.credentials ? { ...opts.credentials } : undefined,
        maxAttempts: 3,
        requestHandler: { requestTimeout: opts.httpTimeoutMs ?? 10_000 },
      });
  }

  /** Calls made per EC2 action. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    return ec2Call(action, this.opts.metrics, this.counts, fn);
  }

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
  destroy(): void {
    if (this.owned) this.client.destroy();
  }
}
