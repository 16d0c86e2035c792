// SPDX-License-Identifier: Apache-2.0
import { lstatSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Clock, Logger } from '../ports';

/** Where an HTTP endpoint listens: TCP (host undefined = all interfaces) or a unix socket. */
export type BindAddress =
  | { readonly kind: 'tcp'; readonly host: string | undefined; readonly port: number }
  | { readonly kind: 'unix'; readonly path: string };

/** Bad bind address (names the variable's value and what is accepted). */
export class BindAddressError extends Error {
  override readonly name = 'BindAddressError';
}

/**
 * Parse a Go-style listen address: `host:port`, `:port` (all interfaces), `[v6]:port`, or `unix:<absolute path>`.
 * Port 0 picks a free port (tests).
 */
export function parseBindAddress(s: string): BindAddress {
  const bad = (why: string) =>
    new BindAddressError(`bind address "${s}" is invalid: ${why} (expected host:port, :port, [v6]:port or unix:/path)`);
  if (s.startsWith('unix:')) {
    const path = s.slice(5);
    if (!path.startsWith('/')) throw bad('a unix socket path must be absolute');
    if (path.length > 107) throw bad('unix socket path longer than 107 bytes');
    return { kind: 'unix', path };
  }
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(s);
  if (!m) throw bad('no port');
  const port = Number(m[3]);
  if (port > 65535) throw bad(`port ${port} is out of range`);
  const host = m[1] ?? m[2];
  return { kind: 'tcp', host: host ? host : undefined, port };
}

/** A request handler that may be async; thrown errors become a 500. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * One small HTTP/1.1 server with read/write timeouts (default 5 s, upstream's), every request logged at debug,
 * listening on a `BindAddress`. A stale unix socket file is removed before listening and after stopping.
 */
export class HttpEndpoint {
  private server: Server | undefined;
  private readonly log: Logger;

  constructor(
    readonly name: string,
    readonly bind: BindAddress,
    private readonly handler: Handler,
    logger: Logger,
    private readonly timeoutMs = 5000,
  ) {
    this.log = logger.child({ component: name });
  }

  /** Start listening; resolves with the address actually bound (`host:port` or `unix:/path`). Rejects on failure. */
  async start(): Promise<string> {
    if (this.server) return this.address();
    const server = createServer((req, res) => {
      const t0 = Date.now();
      res.on('finish', () =>
        this.log.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Date.now() - t0 }, 'request'),
      );
      Promise.resolve()
        .then(() => this.handler(req, res))
        .catch((e: unknown) => {
          this.log.warn({ url: req.url, err: (e as Error).message }, 'handler failed');
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`internal error: ${(e as Error).message}\n`);
        });
    });
    server.requestTimeout = this.timeoutMs;
    server.headersTimeout = this.timeoutMs;
    server.setTimeout(this.timeoutMs, (sock) => sock.destroy());
    server.keepAliveTimeout = this.timeoutMs;
    if (this.bind.kind === 'unix') removeStaleSocket(this.bind.path);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) =>
        reject(new Error(`${this.name}: cannot listen on ${this.describe()}: ${e.message}`));
      server.once('error', onError);
      const done = () => {
        server.off('error', onError);
        resolve();
      };
      if (this.bind.kind === 'unix') server.listen(this.bind.path, done);
      else if (this.bind.host) server.listen(this.bind.port, this.bind.host, done);
      else server.listen(this.bind.port, done);
    });
    server.on('error', (e) => this.log.error({ err: e.message }, 'server error'));
    this.server = server;
    const addr = this.address();
    this.log.info({ address: addr }, `${this.name} listening`);
    return addr;
  }

  /**
   * Keep trying to listen, with backoff 1 s -> 60 s (upstream restarts its servers the same way), until it works or
   * `signal` aborts. Resolves with the bound address, or undefined when aborted first. Never rejects.
   */
  async startWithRetry(clock: Clock, signal: AbortSignal): Promise<string | undefined> {
    let delay = 1000;
    while (!signal.aborted) {
      try {
        return await this.start();
      } catch (e) {
        this.log.warn({ err: (e as Error).message, retryInMs: delay }, `${this.name} cannot listen; retrying`);
        await clock.sleep(delay, signal);
        delay = Math.min(60_000, delay * 2);
      }
    }
    return undefined;
  }

  /** Bound address, `host:port` or `unix:/path`. */
  address(): string {
    const a = this.server?.address();
    if (!a) return this.describe();
    if (typeof a === 'string') return `unix:${a}`;
    const { address, port } = a as AddressInfo;
    return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  }

  /** Stop accepting, close idle connections and wait for in-flight requests (bounded by the timeouts). */
  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeIdleConnections();
    });
    if (this.bind.kind === 'unix') removeStaleSocket(this.bind.path);
  }

  private describe(): string {
    return this.bind.kind === 'unix' ? `unix:${this.bind.path}` : `${this.bind.host ?? ''}:${this.bind.port}`;
  }
}

function removeStaleSocket(path: string): void {
  try {
    if (lstatSync(path).isSocket()) unlinkSync(path);
  } catch {
    /* absent */
  }
}

/** Write a JSON answer (Go's `json.Marshal` shape is the caller's business). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
