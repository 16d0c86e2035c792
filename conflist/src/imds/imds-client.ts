// SPDX-License-Identifier: Apache-2.0
import { ImdsError, type NodeMetadata } from './node-metadata';

export interface ImdsClientOptions {
  /** Base URL, e.g. `http://169.254.169.254`. */
  readonly endpoint: string;
  /** Attempts per request for network errors and 5xx (default 5). */
  readonly attempts?: number;
  /** Timeout of one HTTP exchange in ms (default 2000). */
  readonly timeoutMs?: number;
  /** Delay before retry n (1-based), ms; default 100 * 2^(n-1), at most 2 s. */
  readonly backoffMs?: (attempt: number) => number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * IMDSv2 adapter: a session token (PUT `/latest/api/token`), then GET `/latest/meta-data/<path>`. A 404 means
 * "absent" (undefined); network errors and 5xx are retried; a 401 refreshes the token once.
 */
export class ImdsClient implements NodeMetadata {
  private token?: string;

  constructor(private readonly opts: ImdsClientOptions) {}

  localIpv4(): Promise<string | undefined> {
    return this.get('local-ipv4');
  }

  primaryIpv6(): Promise<string | undefined> {
    return this.get('ipv6');
  }

  async primaryMac(): Promise<string> {
    const mac = await this.get('mac');
    if (!mac) throw new ImdsError('IMDS has no mac for this instance');
    return mac.toLowerCase();
  }

  /** GET a meta-data path; undefined on 404. */
  async get(path: string): Promise<string | undefined> {
    const attempts = this.opts.attempts ?? 5;
    let last: unknown;
    for (let i = 1; i <= attempts; i++) {
      try {
        return await this.getOnce(path);
      } catch (err) {
        last = err;
        if (err instanceof ImdsError && !/\b5\d\d\b|network/.test(err.message)) throw err;
        if (i < attempts) await sleep(this.opts.backoffMs?.(i) ?? Math.min(2000, 100 * 2 ** (i - 1)));
      }
    }
    throw last instanceof Error ? last : new ImdsError(String(last));
  }

  private async getOnce(path: string, retriedAuth = false): Promise<string | undefined> {
    const token = await this.sessionToken();
    const res = await this.fetch(`/latest/meta-data/${path}`, { headers: { 'x-aws-ec2-metadata-token': token } });
    if (res.status === 404) return undefined;
    if (res.status === 401 && !retriedAuth) {
      this.token = undefined;
      return this.getOnce(path, true);
    }
    if (res.status !== 200) throw new ImdsError(`IMDS GET ${path}: HTTP ${res.status}`);
    return (await res.text()).trim();
  }

  private async sessionToken(): Promise<string> {
    if (this.token) return this.token;
    const res = await this.fetch('/latest/api/token', {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' },
    });
    if (res.status !== 200) throw new ImdsError(`IMDS token: HTTP ${res.status}`);
    this.token = (await res.text()).trim();
    return this.token;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.opts.endpoint}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 2000),
      });
    } catch (err) {
      throw new ImdsError(`IMDS ${path}: network error: ${(err as Error).message}`);
    }
  }
}
