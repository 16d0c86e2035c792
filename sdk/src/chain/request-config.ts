// SPDX-License-Identifier: Apache-2.0
import { type PluginConf } from '../spec/types/net-conf';
import { type LoadedConflist } from './conflist';

/**
 * The runtimeConfig for one plugin: the capability args the runtime offers, restricted to the capabilities the
 * plugin declares `true`. Empty when nothing intersects.
 */
export function runtimeConfigFor(
  plugin: Readonly<PluginConf>,
  capabilityArgs: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [cap, enabled] of Object.entries(plugin.capabilities ?? {})) {
    if (enabled === true && capabilityArgs[cap] !== undefined) out[cap] = capabilityArgs[cap];
  }
  return out;
}

/**
 * Builds the stdin object for one plugin of a list (libcni `buildOneConfig`): the plugin's own keys, with `name`
 * and `cniVersion` overwritten by the list's, `runtimeConfig` replaced only when the intersection is non-empty
 * (a static runtimeConfig in the conflist otherwise passes through), and `prevResult` when given.
 * `capabilities` is passed through unchanged, as libcni does. Pure: returns a new object.
 */
export function buildPluginConfig(
  list: Pick<LoadedConflist, 'name' | 'cniVersion'>,
  plugin: Readonly<PluginConf>,
  opts: {
    prevResult?: unknown;
    capabilityArgs?: Readonly<Record<string, unknown>>;
    extra?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  const conf: Record<string, unknown> = { ...structuredClone(plugin), name: list.name, cniVersion: list.cniVersion };
  const rc = runtimeConfigFor(plugin, opts.capabilityArgs ?? {});
  if (Object.keys(rc).length) conf.runtimeConfig = rc;
  if (opts.prevResult !== undefined) conf.prevResult = opts.prevResult;
  if (opts.extra) Object.assign(conf, opts.extra);
  return conf;
}
