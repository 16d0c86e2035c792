// SPDX-License-Identifier: Apache-2.0
import { HttpEndpoint, parseBindAddress } from '../introspection/http-endpoint';
import type { Clock, Logger } from '../ports';
import type { PromMetrics } from './prom-metrics';

/** Upstream's metrics listen address: port 61678 on all interfaces. */
export const DEFAULT_METRICS_BIND = ':61678';

export interface MetricsServerOptions {
  readonly metrics: PromMetrics;
  /** `host:port`, `:port` or `unix:/path`; default `:61678`. */
  readonly bindAddress?: string;
  /** DISABLE_METRICS=true: `start()` does nothing. */
  readonly disabled?: boolean;
  readonly logger: Logger;
}

/**
 * Serves `GET /metrics` (Prometheus text exposition of the adapter's own registry); every other path is 404.
 * Construction validates the bind address (throws `BindAddressError`); nothing listens before `start()`.
 */
export class MetricsServer {
  private readonly endpoint: HttpEndpoint | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly opts: MetricsServerOptions) {
    if (opts.disabled) return;
    this.endpoint = new HttpEndpoint(
      'metrics',
      parseBindAddress(opts.bindAddress ?? DEFAULT_METRICS_BIND),
      async (req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path !== '/metrics') {
          res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('404 page not found\n');
          return;
        }
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.writeHead(405, { allow: 'GET, HEAD' });
          res.end();
          return;
        }
        const body = await opts.metrics.exposition();
        res.writeHead(200, { 'content-type': opts.metrics.contentType, 'content-length': Buffer.byteLength(body) });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      opts.logger,
    );
  }

  /** Listen; resolves with the bound address, or undefined when disabled. */
  async start(): Promise<string | undefined> {
    if (!this.endpoint) {
      this.opts.logger.info('metrics server disabled (DISABLE_METRICS=true)');
      return undefined;
    }
    return this.endpoint.start();
  }

  /**
   * Listen in the background, retrying with backoff 1 s -> 60 s until it works or `stop()` (a busy port does not stop
   * ipamd). Resolves with the bound address (undefined when disabled or stopped first).
   */
  startInBackground(clock: Clock): Promise<string | undefined> {
    if (!this.endpoint) return this.start();
    return this.endpoint.startWithRetry(clock, this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.endpoint?.stop();
  }
}
