import {
  ALL_VERSIONS,
  CniError,
  CniErrorCode,
  type CmdContext,
  type PluginHandlers,
  type PluginInfo,
} from '@vpc-cni-ts/sdk';
import { type Kernel } from '@vpc-cni-ts/sdk/kernel';

import { type AwsCniNetConf, NetConfError, parseNetConf } from './config/net-conf';
import { type AwsCniDeps } from './handlers/deps';
import { type IpamdClient } from './ipamd/ipamd-client';
import { type NpAgentClient } from './ipamd/np-agent-client';
import { createLogger, openLogSink } from './log/plugin-logger';
// type-only (erased): the modules themselves are required lazily below
import type * as AddModule from './handlers/add';
import type * as CheckModule from './handlers/check';
import type * as DelModule from './handlers/del';
import type * as IpamdModule from './ipamd/ipamd-client';
import type * as NpModule from './ipamd/np-agent-client';
import type * as RandomMacModule from './plan/random-mac';
import type * as SdkKernel from '@vpc-cni-ts/sdk/kernel';

/** Default ipamd socket (kept here so VERSION and config errors load no gRPC code). */
const DEFAULT_IPAMD_SOCKET = '/var/run/aws-node/ipamd.sock';

// Start-up budget (architecture decision 5): the handlers, the gRPC client (node:http2, which pulls in tls) and the
// kernel adapter (child_process) are loaded on first use, so VERSION and bad-config answers never pay for them.
/* eslint-disable @typescript-eslint/no-require-imports */
const lazy = {
  add: () => (require('./handlers/add') as typeof AddModule).cmdAdd,
  del: () => (require('./handlers/del') as typeof DelModule).cmdDel,
  check: () => (require('./handlers/check') as typeof CheckModule).cmdCheck,
  kernel: (warm: boolean): Kernel =>
    deferredKernel(() => new (require('@vpc-cni-ts/sdk/kernel') as typeof SdkKernel).IpRoute2Kernel(), warm),
  ipamd: (socketPath: string): IpamdClient =>
    new (require('./ipamd/ipamd-client') as typeof IpamdModule).LeanIpamdClient({ socketPath }),
  randomMac: (): string => (require('./plan/random-mac') as typeof RandomMacModule).randomLocalMac(),
  npAgent: (socketPath: string): NpAgentClient =>
    new (require('./ipamd/np-agent-client') as typeof NpModule).LeanNpAgentClient(socketPath),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The kernel adapter, built on first use or (`warm`) on the next turn of the event loop, whichever comes first.
 * Building it loads child_process, crypto and fs/promises (several ms): on DEL that turn comes once the DelNetwork
 * request has been written, so the loading overlaps ipamd's work instead of delaying the request. STATUS never
 * uses it and does not warm it.
 */
function deferredKernel(make: () => Kernel, warm: boolean): Kernel {
  let real: Kernel | undefined;
  const get = (): Kernel => (real ??= make());
  if (warm) setImmediate(get);
  return new Proxy({} as Kernel, {
    get: (_target, key) => {
      const k = get();
      const v: unknown = Reflect.get(k, key, k);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(k) : v;
    },
  });
}

/** Environment variable (shared with ipamd) overriding the socket path; upstream has none. */
export const IPAMD_SOCKET_ENV = 'IPAMD_SOCKET_PATH';
/** Environment variable overriding the network policy agent socket (ours; default /var/run/aws-node/npa.sock). */
export const NPA_SOCKET_ENV = 'NPA_SOCKET_PATH';

/**
 * Static facts: every spec version (upstream declares version.All), K8S_* CNI_ARGS, and config parsing with the
 * hand-written validator (no schema compiler at start-up). Bad config is code 7 naming the field.
 */
export const AWS_CNI_INFO: PluginInfo<AwsCniNetConf> = {
  supportedVersions: [...ALL_VERSIONS],
  about: 'aws-cni: wires pods into the AWS VPC through ipamd (vpc-cni-ts)',
  parseConfig: (raw) => {
    try {
      return parseNetConf(raw);
    } catch (e) {
      if (e instanceof NetConfError)
        throw new CniError(CniErrorCode.InvalidNetworkConfig, `invalid aws-cni config: ${e.message}`);
      throw e;
    }
  },
};

/** Overridable parts of the composition root (tests inject fakes). */
export interface AwsCniFactories {
  readonly kernel?: () => Kernel;
  readonly ipamd?: (socketPath: string) => IpamdClient;
  readonly randomMac?: () => string;
  readonly npAgent?: (socketPath: string) => NpAgentClient;
}

/**
 * The composition root of the aws-cni executable: a plain factory, no DI container (architecture decision 5:
 * nothing heavy on the hot path). Dependencies are built per invocation from the parsed config (log file and
 * level) and the environment (IPAMD_SOCKET_PATH), and closed afterwards.
 */
export function createAwsCniHandlers(f: AwsCniFactories = {}): PluginHandlers<AwsCniNetConf> {
  const withDeps = async <T>(
    ctx: CmdContext<AwsCniNetConf>,
    fn: (d: AwsCniDeps) => Promise<T>,
    usesKernel = true,
  ): Promise<T> => {
    const sink = openLogSink(ctx.conf.pluginLogFile);
    const log = createLogger(sink, ctx.conf.pluginLogLevel, { plugin: 'aws-cni', command: ctx.command });
    const socket = ctx.env[IPAMD_SOCKET_ENV] || DEFAULT_IPAMD_SOCKET;
    const ipamd = (f.ipamd ?? lazy.ipamd)(socket);
    // connect while the rest loads: the connection is up (and HTTP/2 settings exchanged) by the first call
    ipamd.preconnect?.();
    const deps: AwsCniDeps = {
      kernel: f.kernel ? f.kernel() : lazy.kernel(usesKernel),
      ipamd,
      log,
      randomMac: f.randomMac ?? lazy.randomMac,
      npAgent: () => (f.npAgent ?? lazy.npAgent)(ctx.env[NPA_SOCKET_ENV] || '/var/run/aws-node/npa.sock'),
      clientVersion: '',
    };
    try {
      return await fn(deps);
    } catch (e) {
      log.error(`${ctx.command} failed`, { err: (e as Error).message });
      throw e;
    } finally {
      ipamd.close();
      log.close();
    }
  };
  return {
    add: (ctx) => withDeps(ctx, (d) => lazy.add()(d, ctx)),
    del: (ctx) => withDeps(ctx, (d) => lazy.del()(d, ctx)),
    check: (ctx) => withDeps(ctx, (d) => lazy.check()(d, ctx)),
    status: (ctx) =>
      withDeps(
        ctx,
        async (d) => {
          try {
            const s = await d.ipamd.health();
            if (s !== 1) throw new Error(`health status ${s}`);
          } catch (e) {
            throw new CniError(
              CniErrorCode.PluginNotAvailable,
              `ipamd is not serving on ${d.ipamd.target}: ${(e as Error).message}`,
            );
          }
        },
        false,
      ),
  };
}
