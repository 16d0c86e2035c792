// SPDX-License-Identifier: Apache-2.0
import { EC2Client } from '@aws-sdk/client-ec2';

import type { Metrics } from '../../ports';
import { toEc2Error } from './ec2-errors';

/** A `Metrics` that can also record the API latency summary (`PromMetrics` can). */
export type LatencyMetrics = Metrics & {
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

/** How to reach EC2: an existing client, or region + endpoint override (+ credentials for tests). */
export interface Ec2AdapterOptions {
  readonly client?: EC2Client;
  readonly region?: string;
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  readonly httpTimeoutMs?: number;
  /** Call counts and errors; with `PromMetrics` also the latency summary. */
  readonly metrics?: LatencyMetrics;
}

/**
 * Base of the small EC2 adapters beside `SdkEc2Api` (subnet discovery, ENI hygiene): owns the client (unless one is
 * given), counts calls per action, and runs each call through `ec2Call`.
 */
export abstract class CountingEc2Adapter {
  protected readonly client: EC2Client;
  private readonly owned: boolean;
  private readonly counts = new Map<string, number>();

  constructor(protected readonly opts: Ec2AdapterOptions) {
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

  protected call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    return ec2Call(action, this.opts.metrics, this.counts, fn);
  }

  destroy(): void {
    if (this.owned) this.client.destroy();
  }
}
