// SPDX-License-Identifier: Apache-2.0
import { type CmdContext, type PluginHandlers, type PluginInfo } from '@vpc-cni-ts/sdk/skel';
import { type AnyResult } from '@vpc-cni-ts/sdk/spec';

import { type CniHandlers, type CniRequest } from './request';

function toRequest(ctx: CmdContext): CniRequest {
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
 * Runs this plugin's handlers under the SDK dispatcher (`pluginMain`), which owns the CNI protocol: environment
 * checks, stdin decoding, version negotiation (CHECK from 0.4.0), result encoding and error JSON.
 */
export function sdkPlugin(h: CniHandlers, knownArgs: readonly string[] = []): [PluginHandlers, PluginInfo] {
  return [
    {
      add: async (ctx) => (await h.add(toRequest(ctx))) as AnyResult,
      del: (ctx) => h.del(toRequest(ctx)),
      check: (ctx) => h.check(toRequest(ctx)),
    },
    { supportedVersions: h.supportedVersions, knownArgs },
  ];
}
