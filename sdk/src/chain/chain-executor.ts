// SPDX-License-Identifier: Apache-2.0
import { formatCniArgs } from '../args/cni-args';
import { CniError, CniErrorCode, toCniError } from '../errors/cni-error';
import { validateContainerId, validateIfName, validateNetworkName } from '../skel/env';
import { convertResult } from '../spec/convert/convert';
import { parseResult } from '../spec/convert/parse';
import { type GcAttachment, type PluginConf } from '../spec/types/net-conf';
import { type AnyResult } from '../spec/types/result';
import { CURRENT_VERSION, versionAtLeast, type VersionInfo } from '../spec/versions';
import { type LoadedConflist } from './conflist';
import { fsPluginFinder, type PluginExec, type PluginFinder, spawnExec } from './plugin-exec';
import { buildPluginConfig } from './request-config';
import { type AttachmentKey, type CacheEntry, ResultCache } from './result-cache';

/** Per-attachment runtime inputs (libcni `RuntimeConf`). */
export interface RuntimeConf {
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  /** CNI_ARGS pairs, e.g. `[['IgnoreUnknown','1'],['K8S_POD_NAME','web']]`. */
  readonly args?: readonly (readonly [string, string])[];
  /** Capability args offered (portMappings, bandwidth, ...); each plugin gets those it declares. */
  readonly capabilityArgs?: Readonly<Record<string, unknown>>;
}

export interface ChainExecutorOptions {
  /** Directories searched for plugin executables (CNI_PATH). */
  readonly binDirs: readonly string[];
  /** Cache directory (default `/var/lib/cni`); results go to `<cacheDir>/results`. */
  readonly cacheDir?: string;
  /** Environment inherited by plugins (default: none besides the CNI_* variables and PATH). */
  readonly baseEnv?: Readonly<Record<string, string | undefined>>;
  readonly exec?: PluginExec;
  readonly finder?: PluginFinder;
}

/** A named step of the chain: `<index>:<type>`, used in every error. */
const stepName = (i: number, p: Readonly<PluginConf>): string => `plugin ${i}:${p.type}`;

/**
 * A libcni-compatible runtime for conflists: ADD forward threading prevResult, DEL in reverse, CHECK, STATUS, GC,
 * and a result cache. It executes any executable found in `binDirs` (Go reference plugins or our bundles).
 * Errors are CniErrors whose message names the failing plugin; the plugin's code is kept.
 */
export class ChainExecutor {
  readonly cache: ResultCache;
  private readonly exec: PluginExec;
  private readonly finder: PluginFinder;

  constructor(private readonly opts: ChainExecutorOptions) {
    this.cache = new ResultCache(opts.cacheDir);
    this.exec = opts.exec ?? spawnExec();
    this.finder = opts.finder ?? fsPluginFinder;
  }

  /** Runs one plugin; resolves with its parsed stdout JSON (or undefined when stdout is empty). */
  private async invoke(
    step: string,
    type: string,
    command: string,
    rt: Partial<RuntimeConf>,
    stdin: Record<string, unknown> | string,
  ): Promise<unknown> {
    const path = await this.finder.find(type, this.opts.binDirs).catch((e: unknown) => {
      throw toCniError(e).withContext(`${step} failed (${command.toLowerCase()})`);
    });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.baseEnv ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' })) {
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, {
      CNI_COMMAND: command,
      CNI_CONTAINERID: rt.containerId ?? '',
      CNI_NETNS: rt.netns ?? '',
      CNI_IFNAME: rt.ifName ?? '',
      CNI_ARGS: formatCniArgs(rt.args ?? []),
      CNI_PATH: this.opts.binDirs.join(':'),
    });
    const out = await this.exec.exec(path, env, typeof stdin === 'string' ? stdin : JSON.stringify(stdin));
    const text = out.stdout.trim();
    let json: unknown;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    if (out.code !== 0) {
      const wire = CniError.fromJSON(json);
      const err =
        wire ??
        new CniError(
          CniErrorCode.Internal,
          `netplugin failed with ${out.code === null ? `signal ${out.signal}` : `exit code ${out.code}`}: ${(text || out.stderr.trim()).slice(0, 2000) || 'no output'}`,
        );
      throw err.withContext(`${step} failed (${command.toLowerCase()})`);
    }
    if (text && json === undefined) {
      throw new CniError(
        CniErrorCode.DecodingFailure,
        `${step} (${command.toLowerCase()}) printed invalid JSON: ${text.slice(0, 200)}`,
      );
    }
    return json;
  }

  private key(list: LoadedConflist, rt: RuntimeConf): AttachmentKey {
    return { networkName: list.name, containerId: rt.containerId, ifName: rt.ifName };
  }

  private checkIdentifiers(list: LoadedConflist, rt: RuntimeConf): void {
    try {
      validateContainerId(rt.containerId);
      validateNetworkName(list.name);
      validateIfName(rt.ifName);
    } catch (e) {
      throw toCniError(e).withContext(`network "${list.name}"`);
    }
  }

  /** The cached result converted to the list's version, or undefined (unusable caches are removed). */
  private async cachedPrevResult(list: LoadedConflist, rt: RuntimeConf): Promise<AnyResult | undefined> {
    const entry = await this.cache.load(this.key(list, rt));
    if (!entry?.result) return undefined;
    try {
      return convertResult(parseResult(entry.result, list.cniVersion), list.cniVersion);
    } catch {
      await this.cache.remove(this.key(list, rt));
      return undefined;
    }
  }

  /** ADD every plugin in order; caches and returns the final result (in the list's version). */
  async add(list: LoadedConflist, rt: RuntimeConf): Promise<AnyResult> {
    this.checkIdentifiers(list, rt);
    let prev: unknown;
    for (const [i, p] of list.plugins.entries()) {
      const conf = buildPluginConfig(list, p, { prevResult: prev, capabilityArgs: rt.capabilityArgs });
      const out = await this.invoke(stepName(i, p), p.type, 'ADD', rt, conf);
      if (out === undefined) {
        throw new CniError(CniErrorCode.DecodingFailure, `${stepName(i, p)} (add) printed no result`);
      }
      prev = out;
    }
    const result = parseResult(prev, list.cniVersion);
    await this.cache.save({
      containerId: rt.containerId,
      config: Buffer.from(list.bytes).toString('base64'),
      ifName: rt.ifName,
      networkName: list.name,
      netns: rt.netns,
      cniArgs: (rt.args ?? []).map(([k, v]) => [k, v]),
      capabilityArgs: rt.capabilityArgs ? { ...rt.capabilityArgs } : undefined,
      result: prev,
    });
    return result;
  }

  /** CHECK every plugin in order with the cached result as prevResult; no-op when `disableCheck`. */
  async check(list: LoadedConflist, rt: RuntimeConf): Promise<void> {
    this.checkIdentifiers(list, rt);
    if (!versionAtLeast(list.cniVersion, '0.4.0')) {
      throw new CniError(
        CniErrorCode.IncompatibleCniVersion,
        `configuration version "${list.cniVersion}" does not support the CHECK command`,
      );
    }
    if (list.disableCheck) return;
    const prevResult = await this.cachedPrevResult(list, rt);
    for (const [i, p] of list.plugins.entries()) {
      await this.invoke(
        stepName(i, p),
        p.type,
        'CHECK',
        rt,
        buildPluginConfig(list, p, { prevResult, capabilityArgs: rt.capabilityArgs }),
      );
    }
  }

  /** DEL every plugin in reverse order (cached result as prevResult for >= 0.4.0), then drops the cache entry. */
  async del(list: LoadedConflist, rt: RuntimeConf): Promise<void> {
    this.checkIdentifiers(list, rt);
    const prevResult = versionAtLeast(list.cniVersion, '0.4.0') ? await this.cachedPrevResult(list, rt) : undefined;
    const steps = [...list.plugins.entries()].reverse();
    for (const [i, p] of steps) {
      await this.invoke(
        stepName(i, p),
        p.type,
        'DEL',
        rt,
        buildPluginConfig(list, p, { prevResult, capabilityArgs: rt.capabilityArgs }),
      );
    }
    await this.cache.remove(this.key(list, rt));
  }

  /** STATUS of every plugin (>= 1.1.0, else a no-op); the first error is returned with its code (50/51). */
  async status(list: LoadedConflist): Promise<void> {
    if (!versionAtLeast(list.cniVersion, '1.1.0')) return;
    for (const [i, p] of list.plugins.entries()) {
      await this.invoke(stepName(i, p), p.type, 'STATUS', {}, buildPluginConfig(list, p));
    }
  }

  /**
   * GC: DELs every cached attachment of this network not in `validAttachments` (all of them when it is
   * undefined), then sends GC to every plugin (>= 1.1.0) with `cni.dev/valid-attachments`. Continues past errors
   * and throws one CniError listing them all at the end. No-op when `disableGC`.
   */
  async gc(list: LoadedConflist, opts: { validAttachments?: readonly GcAttachment[] } = {}): Promise<void> {
    if (list.disableGC) return;
    const errors: string[] = [];
    const valid = new Set((opts.validAttachments ?? []).map((a) => `${a.containerID}\u0000${a.ifname}`));
    const entries: CacheEntry[] = await this.cache.list(list.name);
    for (const e of entries) {
      if (opts.validAttachments && valid.has(`${e.containerId}\u0000${e.ifName}`)) continue;
      try {
        await this.del(list, {
          containerId: e.containerId,
          ifName: e.ifName,
          netns: e.netns ?? '',
          args: e.cniArgs,
          capabilityArgs: e.capabilityArgs,
        });
      } catch (err) {
        errors.push(toCniError(err).message);
      }
    }
    if (versionAtLeast(list.cniVersion, '1.1.0')) {
      const extra = opts.validAttachments
        ? { 'cni.dev/valid-attachments': [...opts.validAttachments], 'cni.dev/attachments': [...opts.validAttachments] }
        : undefined;
      for (const [i, p] of list.plugins.entries()) {
        try {
          await this.invoke(stepName(i, p), p.type, 'GC', {}, buildPluginConfig(list, p, { extra }));
        } catch (err) {
          errors.push(toCniError(err).message);
        }
      }
    }
    if (errors.length) throw new CniError(CniErrorCode.Internal, `gc of network "${list.name}": ${errors.join('; ')}`);
  }

  /** Asks a plugin which versions it supports (libcni probe: stdin `{"cniVersion":"1.1.0"}`, dummy env). */
  async version(type: string): Promise<VersionInfo> {
    const out = (await this.invoke(
      `plugin ${type}`,
      type,
      'VERSION',
      { netns: 'dummy', ifName: 'dummy' },
      { cniVersion: CURRENT_VERSION },
    )) as Partial<VersionInfo> | undefined;
    if (!out || typeof out.cniVersion !== 'string') {
      throw new CniError(CniErrorCode.DecodingFailure, `plugin ${type}: VERSION output has no cniVersion`);
    }
    return {
      cniVersion: out.cniVersion,
      supportedVersions: Array.isArray(out.supportedVersions)
        ? out.supportedVersions
        : out.cniVersion === '0.2.0'
          ? ['0.1.0', '0.2.0']
          : [out.cniVersion],
    };
  }

  /**
   * libcni `ValidateNetworkList`: every plugin exists and its VERSION answer lists the list's exact version.
   * @returns the capabilities enabled by any plugin.
   * @throws CniError naming the first plugin that fails (code 1 when the version is not supported).
   */
  async validate(list: LoadedConflist): Promise<string[]> {
    const caps = new Set<string>();
    for (const [i, p] of list.plugins.entries()) {
      const info = await this.version(p.type).catch((e: unknown) => {
        throw toCniError(e).withContext(`${stepName(i, p)} failed (validate)`);
      });
      if (!info.supportedVersions.includes(list.cniVersion)) {
        throw new CniError(
          CniErrorCode.IncompatibleCniVersion,
          `${stepName(i, p)} does not support config version "${list.cniVersion}" (it supports ${info.supportedVersions.join(', ')})`,
        );
      }
      for (const [c, on] of Object.entries(p.capabilities ?? {})) if (on === true) caps.add(c);
    }
    return [...caps].sort();
  }

  /** The cached result of an attachment (as stored), or undefined. */
  async cachedResult(
    list: LoadedConflist,
    rt: Pick<RuntimeConf, 'containerId' | 'ifName'>,
  ): Promise<AnyResult | undefined> {
    const e = await this.cache.load({ networkName: list.name, containerId: rt.containerId, ifName: rt.ifName });
    return e?.result ? parseResult(e.result, list.cniVersion) : undefined;
  }
}
