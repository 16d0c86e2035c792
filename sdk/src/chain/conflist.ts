// SPDX-License-Identifier: Apache-2.0
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { CniError, CniErrorCode } from '../errors/cni-error';
import { type NetConfList, type PluginConf } from '../spec/types/net-conf';
import { ALL_VERSIONS, compareVersions, CURRENT_VERSION } from '../spec/versions';
import { conflistValidator } from '../validation/validators';

/** A conflist ready to run: version chosen, booleans decoded, frozen. `bytes` is what the cache stores. */
export interface LoadedConflist {
  readonly name: string;
  readonly cniVersion: string;
  readonly disableCheck: boolean;
  readonly disableGC: boolean;
  readonly plugins: readonly Readonly<PluginConf>[];
  /** The list as JSON text (the original file text when loaded from a file). */
  readonly bytes: string;
}

const looseBool = (v: unknown): boolean => v === true || (typeof v === 'string' && v.toLowerCase() === 'true');

/** Picks the version like libcni: `cniVersions` entries newer than ours dropped, `cniVersion` added, highest wins. */
function chooseVersion(list: NetConfList): string {
  const candidates = (list.cniVersions ?? []).filter((v) => {
    try {
      return compareVersions(v, CURRENT_VERSION) <= 0;
    } catch {
      return false;
    }
  });
  if (list.cniVersion) candidates.push(list.cniVersion);
  if (!candidates.length) return '0.1.0';
  return candidates.sort(compareVersions)[candidates.length - 1];
}

/**
 * Parses and validates a conflist (object or JSON text). A single-plugin config (top-level `type`, no `plugins`)
 * is up-converted to a one-plugin list, like libcni's deprecated `.conf` support.
 * @throws CniError 6 for bad JSON, 7 for an invalid list (naming every problem).
 */
export function parseConflist(source: string | object): LoadedConflist {
  let value: unknown = source;
  const text = typeof source === 'string' ? source : JSON.stringify(source);
  if (typeof source === 'string') {
    try {
      value = JSON.parse(source);
    } catch (e) {
      throw new CniError(CniErrorCode.DecodingFailure, `conflist is not valid JSON: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && !('plugins' in value) && 'type' in value) {
    const { cniVersion, name, ...plugin } = value as Record<string, unknown>;
    value = { cniVersion, name, plugins: [plugin] };
  }
  const list = conflistValidator().parse(value, 'network configuration list');
  const cniVersion = chooseVersion(list);
  if (!(ALL_VERSIONS as readonly string[]).includes(cniVersion)) {
    throw new CniError(
      CniErrorCode.IncompatibleCniVersion,
      `conflist "${list.name}": unsupported cniVersion "${cniVersion}"`,
    );
  }
  return Object.freeze({
    name: list.name,
    cniVersion,
    disableCheck: looseBool(list.disableCheck),
    disableGC: looseBool(list.disableGC),
    plugins: Object.freeze(list.plugins.map((p) => Object.freeze({ ...p }))),
    bytes: text,
  });
}

/** Reads a `.conflist` (or single-plugin `.conf`/`.json`) file. */
export async function loadConflistFile(path: string): Promise<LoadedConflist> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CniError(CniErrorCode.IoFailure, `cannot read conflist ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    return parseConflist(text);
  } catch (e) {
    throw e instanceof CniError ? e.withContext(path) : e;
  }
}

/**
 * Finds the network `name` in a config directory like libcni: `.conflist` files sorted by name first, then
 * `.conf`/`.json`; the first whose `name` matches wins.
 */
export async function loadConflistByName(dir: string, name: string): Promise<LoadedConflist> {
  const files = (await readdir(dir)).sort();
  const ordered = [...files.filter((f) => f.endsWith('.conflist')), ...files.filter((f) => /\.(conf|json)$/.test(f))];
  for (const f of ordered) {
    try {
      const list = await loadConflistFile(join(dir, f));
      if (list.name === name) return list;
    } catch {
      // an unreadable file elsewhere in the directory does not hide the one we want
    }
  }
  throw new CniError(CniErrorCode.InvalidNetworkConfig, `no network configuration named "${name}" in ${dir}`);
}
