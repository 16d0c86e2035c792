// SPDX-License-Identifier: Apache-2.0
import * as http from 'node:http';

import type { InstanceIdentity } from '../../domain/types';
import type { Clock, Imds, ImdsInterface } from '../../ports';

/** IMDS failure (transport, status or malformed answer). */
export class ImdsError extends Error {
  override readonly name = 'ImdsError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ImdsClientOptions {
  /** e.g. http://169.254.169.254 */
  readonly endpoint: string;
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly tokenTtlSeconds?: number;
}

/**
 * IMDSv2 client over node:http: PUT /latest/api/token, then GETs with the token header. The token is cached and
 * refreshed before expiry or on 401. Transport errors and 5xx are retried with backoff; 404 means "absent".
 */
export class ImdsClient implements Imds {
  private token: { value: string; expires: number } | undefined;
  private readonly url: URL;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(
    private readonly opts: ImdsClientOptions,
    private readonly clock: Clock,
  ) {
    this.url = new URL(opts.endpoint);
    if (this.url.protocol !== 'http:') throw new ImdsError(`IMDS endpoint must be http://, got ${opts.endpoint}`);
  }

  private request(
    method: 'GET' | 'PUT',
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.url.hostname,
          port: this.url.port || 80,
          method,
          path,
          headers,
          agent: this.agent,
          timeout: this.opts.timeoutMs ?? 5000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new ImdsError(`IMDS ${method} ${path} timed out`)));
      req.on('error', reject);
      req.end();
    });
  }

  private async withRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const attempts = this.opts.attempts ?? 5;
    let last: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        return await fn();
      } catch (e) {
        last = e;
        if (e instanceof ImdsError && e.status !== undefined && e.status < 500) throw e;
        if (i < attempts - 1) await this.clock.sleep(Math.min(2000, 100 * 2 ** i) * (1 + 0.3 * this.clock.random()));
      }
    }
    throw new ImdsError(`IMDS ${what} failed after ${attempts} attempts: ${(last as Error)?.message ?? String(last)}`);
  }

  private tokenInFlight: Promise<string> | undefined;

  /** Cached token; concurrent callers share one PUT. */
  private getToken(force = false): Promise<string> {
    const now = this.clock.now();
    if (!force && this.token && now < this.token.expires) return Promise.resolve(this.token.value);
    if (!this.tokenInFlight) this.tokenInFlight = this.fetchToken(now).finally(() => (this.tokenInFlight = undefined));
    return this.tokenInFlight;
  }

  private async fetchToken(now: number): Promise<string> {
    const ttl = this.opts.tokenTtlSeconds ?? 21600;
    const r = await this.request('PUT', '/latest/api/token', { 'X-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
    if (r.status !== 200 || !r.body)
      throw new ImdsError(`IMDS token request answered ${r.status}`, r.status >= 500 ? undefined : r.status);
    this.token = { value: r.body.trim(), expires: now + (ttl - 60) * 1000 };
    return this.token.value;
  }

  /** GET a metadata path (relative to /latest/meta-data/); undefined on 404. */
  async get(path: string): Promise<string | undefined> {
    return this.withRetry(path, async () => {
      let token = await this.getToken();
      let r = await this.request('GET', `/latest/meta-data/${path}`, { 'X-aws-ec2-metadata-token': token });
      if (r.status === 401) {
        token = await this.getToken(true);
        r = await this.request('GET', `/latest/meta-data/${path}`, { 'X-aws-ec2-metadata-token': token });
      }
      if (r.status === 404) return undefined;
      if (r.status >= 500) throw new ImdsError(`IMDS GET ${path} answered ${r.status}`);
      if (r.status !== 200) throw new ImdsError(`IMDS GET ${path} answered ${r.status}`, r.status);
      return r.body;
    });
  }

  private async must(path: string): Promise<string> {
    const v = await this.get(path);
    if (v === undefined || v.trim() === '') throw new ImdsError(`IMDS has no ${path}`, 404);
    return v.trim();
  }

  private static lines(v: string | undefined): string[] {
    return (v ?? '')
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  async identity(): Promise<InstanceIdentity> {
    const [instanceId, instanceType, availabilityZone, region, localIpv4, primaryMac] = await Promise.all([
      this.must('instance-id'),
      this.must('instance-type'),
      this.must('placement/availability-zone'),
      this.get('placement/region'),
      this.must('local-ipv4'),
      this.must('mac'),
    ]);
    return {
      instanceId,
      instanceType,
      availabilityZone,
      region: region?.trim() || availabilityZone.replace(/[a-z]$/, ''),
      localIpv4,
      primaryMac,
    };
  }

  async interfaces(): Promise<ImdsInterface[]> {
    const primaryMac = await this.must('mac');
    const macs = ImdsClient.lines(await this.get('network/interfaces/macs/')).map((m) => m.replace(/\/$/, ''));
    const out = await Promise.all(
      macs.map(async (mac) => {
        const p = `network/interfaces/macs/${mac}/`;
        const [eniId, dev, card, subnetId, vpcId, sgs, ips, prefixes, subnetCidr, vpcCidrs] = await Promise.all([
          this.must(`${p}interface-id`),
          this.get(`${p}device-number`),
          this.get(`${p}network-card`),
          this.must(`${p}subnet-id`),
          this.must(`${p}vpc-id`),
          this.get(`${p}security-group-ids`),
          this.get(`${p}local-ipv4s`),
          this.get(`${p}ipv4-prefix`),
          this.get(`${p}subnet-ipv4-cidr-block`),
          this.get(`${p}vpc-ipv4-cidr-blocks`),
        ]);
        const iface: ImdsInterface = {
          mac,
          eniId,
          deviceNumber: mac === primaryMac ? 0 : Number(dev ?? 0),
          networkCard: Number(card ?? 0),
          subnetId,
          vpcId,
          subnetCidr: subnetCidr?.trim() || undefined,
          vpcCidrs: ImdsClient.lines(vpcCidrs),
          securityGroupIds: ImdsClient.lines(sgs),
          localIpv4s: ImdsClient.lines(ips),
          ipv4Prefixes: ImdsClient.lines(prefixes),
        };
        return iface;
      }),
    );
    return out.sort((a, b) => a.networkCard - b.networkCard || a.deviceNumber - b.deviceNumber);
  }

  close(): void {
    this.agent.destroy();
  }
}
