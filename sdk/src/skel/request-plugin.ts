// SPDX-License-Identifier: Apache-2.0
/**
 * A narrower handler shape for chained plugins that parse their own configuration: each verb receives a
 * {@link CniRequest} (environment already checked, stdin decoded to an object) instead of a {@link CmdContext},
 * and {@link requestPlugin} turns such handlers into the dispatcher's `PluginHandlers`/`PluginInfo` pair.
 */
import { type AnyResult } from '../spec/types/result';
import { type CmdContext, type PluginHandlers, type PluginInfo } from './dispatcher';

/** One CNI invocation as request handlers see it: environment parsed, stdin decoded to an object. */
export interface CniRequest {
  readonly command: 'ADD' | 'DEL' | 'CHECK';
  readonly containerId: string;
  /** Namespace path; may be empty on DEL (the runtime lost it) — never on ADD/CHECK. */
  readonly netns: string;
  readonly ifName: string;
  /** Raw CNI_ARGS (`K=V;K2=V2`), possibly empty. */
  readonly args: string;
  /** The decoded stdin object (a plugin config), not yet validated by the plugin. */
  readonly config: Record<string, unknown>;
}

/** A plugin's verbs over {@link CniRequest}; {@link requestPlugin} runs them under the SDK dispatcher. */
export interface CniHandlers {
  /** Versions this plugin supports, oldest first (exact strings accepted in `cniVersion`). */
  readonly supportedVersions: readonly string[];
  /** ADD: resolves with the result to print (any version; the dispatcher converts it to the config's). */
  add(req: CniRequest): Promise<unknown>;
  del(req: CniRequest): Promise<void>;
  check(req: CniRequest): Promise<void>;
}

/** The {@link CniRequest} for a dispatcher context. */
export function toCniRequest(ctx: CmdContext): CniRequest {
  return {
    command: ctx.command as CniRequest['command'],
    containerId: ctx.containerId,
    netns: ctx.netns,
    ifName: ctx.ifName,
    args: ctx.env.CNI_ARGS ?? '',
    config: ctx.conf as unknown as Record<string, unknown>,
  };
}

/**
 * Adapts request handlers to `pluginMain`, which keeps owning the CNI protocol: environment checks, stdin
 * decoding, version negotiation (CHECK from 0.4.0), result conversion and error JSON. `knownArgs` are the CNI_ARGS
 * keys the plugin accepts besides K8S_* and IgnoreUnknown. STATUS and GC succeed without doing anything.
 *
 * @example `void pluginMain(...requestPlugin(myHandlers, ['MAC']), processIo(process));`
 */
export function requestPlugin(h: CniHandlers, knownArgs: readonly string[] = []): [PluginHandlers, PluginInfo] {
  return [
    {
      add: async (ctx) => (await h.add(toCniRequest(ctx))) as AnyResult,
      del: (ctx) => h.del(toCniRequest(ctx)),
      check: (ctx) => h.check(toCniRequest(ctx)),
    },
    { supportedVersions: h.supportedVersions, knownArgs },
  ];
}
