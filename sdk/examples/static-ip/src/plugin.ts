// SPDX-License-Identifier: Apache-2.0
import {
  CniError,
  CniErrorCode,
  type CmdContext,
  type IpConfig100,
  parsePrevResult,
  type PluginHandlers,
  type PluginInfo,
  type Result100,
  toCurrentResult,
  versionsStartingFrom,
} from '@vpc-cni-ts/sdk';
import type * as LogModule from '@vpc-cni-ts/sdk/log';
import { type PluginLogger } from '@vpc-cni-ts/sdk/log';

import { type StaticIpConf, staticIpConfValidator } from './config/static-ip-conf';

/** Static facts: every version from 0.3.0 on, the CNI_ARGS key it reads, and config parsing. */
export const STATIC_IP_INFO: PluginInfo<StaticIpConf> = {
  supportedVersions: versionsStartingFrom('0.3.0'),
  about: 'static-ip: example plugin of @vpc-cni-ts/sdk (hands out configured addresses, touches nothing)',
  knownArgs: ['IP'],
  parseConfig: (raw) => staticIpConfValidator().parse(raw),
};

/** Which addresses to hand out: runtimeConfig.ips, else CNI_ARGS IP (comma separated), else the config. */
export function chooseAddresses(ctx: CmdContext<StaticIpConf>): IpConfig100[] {
  const rc = ctx.conf.runtimeConfig?.ips;
  if (rc?.length) return rc.map((address) => ({ address }));
  const fromArgs = ctx.args.values.get('IP');
  if (fromArgs) return fromArgs.split(',').map((address) => ({ address: address.trim() }));
  return (ctx.conf.addresses ?? []).map((a) => ({ ...a }));
}

/** A lazily created logger so VERSION and config errors never load pino. */
function loggerFor(conf: StaticIpConf, ctx: CmdContext<StaticIpConf>): PluginLogger | undefined {
  if (!conf.logFile) return undefined;
  // required here, not imported at the top, to keep start-up lean
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: VERSION never loads pino
  const { createPluginLogger } = require('@vpc-cni-ts/sdk/log') as typeof LogModule;
  return createPluginLogger({ file: conf.logFile, level: conf.logLevel, name: 'static-ip' }).child({
    containerId: ctx.containerId,
    ifName: ctx.ifName,
    netns: ctx.netns,
  });
}

/**
 * The verbs. ADD returns the addresses as a result (appended to prevResult when chained); nothing else is
 * touched, so DEL, CHECK, STATUS and GC only validate.
 */
export const staticIpHandlers: PluginHandlers<StaticIpConf> = {
  add(ctx) {
    const ips = chooseAddresses(ctx);
    if (ips.length === 0) {
      throw new CniError(
        CniErrorCode.InvalidNetworkConfig,
        'no addresses: set "addresses", runtimeConfig.ips or CNI_ARGS IP',
      );
    }
    const prev = parsePrevResult(ctx.conf);
    const base: Result100 = prev ? toCurrentResult(prev) : { cniVersion: '1.1.0' };
    const result: Result100 = { ...base, ips: [...(base.ips ?? []), ...ips] };
    const routes = [...(base.routes ?? []), ...(ctx.conf.routes ?? [])];
    if (routes.length) result.routes = routes;
    if (ctx.conf.dns) result.dns = ctx.conf.dns;
    loggerFor(ctx.conf, ctx)?.info({ ips: ips.map((i) => i.address) }, 'ADD');
    return result;
  },
  del(ctx) {
    loggerFor(ctx.conf, ctx)?.info('DEL');
  },
  check(ctx) {
    const prev = parsePrevResult(ctx.conf);
    if (!prev) throw new CniError(CniErrorCode.InvalidNetworkConfig, 'CHECK needs prevResult');
    const have = new Set((toCurrentResult(prev).ips ?? []).map((i) => i.address));
    const missing = chooseAddresses(ctx).filter((i) => !have.has(i.address));
    if (missing.length) {
      throw new CniError(100, `addresses missing from prevResult: ${missing.map((m) => m.address).join(', ')}`);
    }
  },
};
