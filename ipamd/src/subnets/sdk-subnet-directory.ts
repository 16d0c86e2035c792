// SPDX-License-Identifier: Apache-2.0
import { DescribeSubnetsCommand, EC2Client, type Tag } from '@aws-sdk/client-ec2';

import type { Subnet } from '../domain/types';
import { Ec2Error, classifyEc2Code, type Metrics } from '../ports';
import type { SubnetDirectory } from './subnet-directory';

/** How to reach EC2: an existing client, or region + endpoint override (+ credentials for tests). */
export type { LatencyMetrics };

export interface SdkSubnetDirectoryOptions {
  readonly client?: EC2Client;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly httpTimeoutMs?: number;
  /** Call counts and errors; with `PromMetrics` also the latency summary. */
  readonly metrics?: LatencyMetrics;
}

const tagsOf = (t: Tag[] | undefined): Record<string, string> =>
  Object.fromEntries((t ?? []).filter((x) => x.Key).map((x) => [x.Key!, x.Value ?? '']));

/** Turn an SDK error into the port's `Ec2Error`. */
export function toEc2Error(action: string, e: unknown): Ec2Error {
  if (e instanceof Ec2Error) return e;
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = err.Code ?? err.name ?? 'UnknownError';
  let kind = classifyEc2Code(code);
  const status = err.$metadata?.httpStatusCode;
  if (kind === 'other' && status !== undefined && status >= 500) kind = 'transient';
  return new Ec2Error(action, code, err.message ?? String(e), kind, { cause: e });
}

/** A `Metrics` that can also record the API latency summary (`PromMetrics` can). */
type LatencyMetrics = Metrics & {
  observe?(name: 'awscni_aws_api_latency_ms', value: number, labels?: Readonly<Record<string, string>>): void;
};

/**
 * Run one EC2 call: count it (`counts`, `awscni_ec2api_req_count{fn}`), time it (`awscni_aws_api_latency_ms{api,
 * error, status}` when the metrics can observe), and turn failures into `Ec2Error` (`awscni_ec2api_error_count`).
 */
export async function ec2Call<T>(
  action: string,
  metrics: LatencyMetrics | undefined,
  counts: Map<string, number>,
  fn: () => Promise<T>,
): Promise<T> {
  counts.set(action, (counts.get(action) ?? 0) + 1);
  metrics?.inc('awscni_ec2api_req_count', { fn: action });
  const t0 = performance.now();
  try {
    const r = await fn();
    const status = String((r as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 200);
    metrics?.observe?.('awscni_aws_api_latency_ms', performance.now() - t0, { api: action, error: 'false', status });
    return r;
  } catch (e) {
    const err = toEc2Error(action, e);
    const status = String((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0);
    metrics?.observe?.('awscni_aws_api_latency_ms', performance.now() - t0, { api: action, error: 'true', status });
    metrics?.inc('awscni_ec2api_error_count', { fn: action, error: err.code });
    throw err;
  }
}

/** `SubnetDirectory` over @aws-sdk/client-ec2 (paginated DescribeSubnets), counting calls per action. */
export class SdkSubnetDirectory implements SubnetDirectory {
  private readonly client: EC2Client;
  private readonly owned: boolean;
  private readonly counts = new Map<string, number>();

  constructor(private readonly opts: SdkSubnetDirectoryOptions) {
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

  async describeSubnetsInAz(vpcId: string, availabilityZone: string): Promise<Subnet[]> {
    const out: Subnet[] = [];
    let token: string | undefined;
    do {
      const r = await ec2Call('DescribeSubnets', this.opts.metrics, this.counts, () =>
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
  destroy(): void {
    if (this.owned) this.client.destroy();
  }
}
