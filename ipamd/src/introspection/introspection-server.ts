// SPDX-License-Identifier: Apache-2.0
import type { Clock, Logger } from '../ports';
import type { DatastoreView } from './datastore-view';
import { HttpEndpoint, parseBindAddress, sendJson } from './http-endpoint';
import {
  availableCommandsJson,
  enisJson,
  ipamdEnvJson,
  networkEnvJson,
  podsJson,
  poolJson,
  type IpamdEnvInput,
  type NetworkEnvInput,
  type PoolStatusSource,
} from './views';

/** Upstream's default introspection address (loopback only). */
export const DEFAULT_INTROSPECTION_BIND = '127.0.0.1:61679';

/** Upstream's four paths; `/v1/pods` and `/v1/pool` are ours. */
export const UPSTREAM_INTROSPECTION_PATHS = [
  '/v1/enis',
  '/v1/eni-configs',
  '/v1/networkutils-env-settings',
  '/v1/ipamd-env-settings',
] as const;

export interface IntrospectionSources {
  /** A fresh view of the datastore(s) per request. */
  readonly datastore: () => DatastoreView;
  /** Settings for the two env-settings paths (an `IpamdConfig` fits). */
  readonly config: IpamdEnvInput & { readonly hostNetwork: NetworkEnvInput };
  /** This node's ENIConfig name; undefined or a throw answers 404 (upstream: the Node cannot be read). */
  readonly eniConfigName?: () => Promise<string | undefined>;
  /** Warm-pool state for `/v1/pool`; without it the path answers 404. */
  readonly pool?: PoolStatusSource;
}

export interface IntrospectionServerOptions extends IntrospectionSources {
  /** INTROSPECTION_BIND_ADDRESS: `host:port`, `:port` or `unix:/path`; default `127.0.0.1:61679`. */
  readonly bindAddress?: string;
  /** DISABLE_INTROSPECTION=true: `start()` does nothing. */
  readonly disabled?: boolean;
  readonly logger: Logger;
  /** Read/write timeout per request, default 5000 ms (upstream's). */
  readonly timeoutMs?: number;
}

/**
 * Answer one introspection request: `{status, body}` for a path (query string ignored). Every unknown path gives
 * upstream's `AvailableCommands` list with 200.
 */
export async function introspect(path: string, src: IntrospectionSources): Promise<{ status: number; body: unknown }> {
  const p = path.split('?')[0] ?? '/';
  switch (p) {
    case '/v1/enis':
      return { status: 200, body: enisJson(src.datastore()) };
    case '/v1/pods':
      return { status: 200, body: podsJson(src.datastore()) };
    case '/v1/networkutils-env-settings':
      return { status: 200, body: networkEnvJson(src.config.hostNetwork) };
    case '/v1/ipamd-env-settings':
      return { status: 200, body: ipamdEnvJson(src.config) };
    case '/v1/eni-configs': {
      const name = await src.eniConfigName?.().catch(() => undefined);
      return name === undefined
        ? { status: 404, body: { error: 'cannot read the ENIConfig name of this node (Node not readable)' } }
        : { status: 200, body: name };
    }
    case '/v1/pool':
      if (src.pool) return { status: 200, body: poolJson(src.pool) };
      return { status: 404, body: { error: 'pool status is not available' } };
    default:
      return { status: 200, body: availableCommandsJson(pathsServed(src)) };
  }
}

function pathsServed(src: IntrospectionSources): string[] {
  return [...UPSTREAM_INTROSPECTION_PATHS, '/v1/pods', ...(src.pool ? ['/v1/pool'] : [])];
}

/**
 * The introspection HTTP server (notes 6.1). Construction validates the bind address (throws
 * `BindAddressError`); nothing listens before `start()`.
 */
export class IntrospectionServer {
  private readonly endpoint: HttpEndpoint | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly opts: IntrospectionServerOptions) {
    if (opts.disabled) return;
    this.endpoint = new HttpEndpoint(
      'introspection',
      parseBindAddress(opts.bindAddress ?? DEFAULT_INTROSPECTION_BIND),
      async (req, res) => {
        const r = await introspect(req.url ?? '/', opts);
        sendJson(res, r.status, r.body);
      },
      opts.logger,
      opts.timeoutMs ?? 5000,
    );
  }

  /** Listen; resolves with the bound address, or undefined when disabled. */
  async start(): Promise<string | undefined> {
    if (!this.endpoint) {
      this.opts.logger.info('introspection server disabled (DISABLE_INTROSPECTION=true)');
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
