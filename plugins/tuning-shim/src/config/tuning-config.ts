// SPDX-License-Identifier: Apache-2.0
import { posix } from 'node:path';

import { parseCniArgs } from '@vpc-cni-ts/sdk/args';
import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import { parsePrevResult, type AnyResult } from '@vpc-cni-ts/sdk/spec';
import { normalizeKeys, type SchemaNode } from '@vpc-cni-ts/sdk/validation';

/** Default backup directory of the reference plugin. */
export const DEFAULT_DATA_DIR = '/run/cni/tuning';

/** Link attributes tuning can change; undefined means "leave alone". */
export interface LinkSettings {
  readonly mac?: string;
  readonly mtu?: number;
  /** Only `true` acts (the reference never turns promiscuous mode off on ADD). */
  readonly promisc?: boolean;
  readonly allmulti?: boolean;
  readonly txQLen?: number;
}

/** One sysctl to write: the key as configured and the /proc/sys-relative path after IFNAME substitution. */
export interface SysctlEntry {
  readonly key: string;
  /** Relative to /proc/sys, slash-separated, e.g. `net/ipv4/conf/eth0/accept_redirects`. */
  readonly path: string;
  readonly value: string;
}

/** The validated, frozen configuration of one tuning-shim invocation. */
export interface TuningConfig {
  readonly cniVersion: string;
  readonly name: string;
  readonly sysctls: readonly SysctlEntry[];
  readonly link: LinkSettings;
  readonly dataDir: string;
  readonly prevResult?: AnyResult;
}

const invalid = (msg: string): CniError => new CniError(CniErrorCode.InvalidNetworkConfig, msg);
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

function parseMac(v: unknown, where: string): string {
  if (typeof v !== 'string' || !MAC_RE.test(v))
    throw invalid(`${where}: invalid MAC address ${JSON.stringify(v)} (expected xx:xx:xx:xx:xx:xx)`);
  if (parseInt(v.slice(0, 2), 16) & 1)
    throw invalid(`${where}: ${v} is a multicast MAC address; an interface needs a unicast one`);
  return v.toLowerCase();
}

function parseInt32(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalid(`${where} must be an integer between ${min} and ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function parseBool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw invalid(`${where} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/**
 * Maps a sysctl key to its path under /proc/sys like the reference: dots become slashes, then the first
 * "IFNAME" becomes the interface name (so interface names with dots survive); the result must stay under `net/`.
 * @throws CniError 7 "invalid net sysctl key".
 */
export function sysctlPath(key: string, ifName: string): string {
  const replaced = key.replace(/\./g, '/').replace('IFNAME', ifName);
  const full = posix.normalize(posix.join('/proc/sys', replaced));
  if (!full.startsWith('/proc/sys/net/'))
    throw invalid(`invalid net sysctl key: "${key}": only keys under net. are allowed`);
  return full.slice('/proc/sys/'.length);
}

const LINK_SPELLING = { mac: {}, mtu: {}, promisc: {}, allmulti: {}, txQLen: {} };
/**
 * The keys' canonical spelling, for the SDK's `normalizeKeys` (Go's case-insensitive matching). Sysctl names are
 * values here and keep their case. Spelling only: values are checked below, with the reference's messages.
 */
export const TUNING_KEY_SPELLING: SchemaNode = {
  properties: {
    sysctl: {},
    ...LINK_SPELLING,
    dataDir: {},
    runtimeConfig: { properties: { mac: {} } },
    args: { properties: { cni: { properties: { sysctl: {}, ...LINK_SPELLING } } } },
  },
};
/** The link attributes of a backup file, spelled as the reference writes them. */
export const LINK_KEY_SPELLING: SchemaNode = { properties: LINK_SPELLING };

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function readSysctls(v: unknown, where: string, into: Map<string, string>): void {
  if (v === undefined || v === null) return;
  if (!isPlainObject(v)) throw invalid(`${where} must be an object of "key": "value" strings`);
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') {
      throw invalid(
        `${where}["${k}"] must be a string (the reference plugin rejects ${typeof val} values), got ${JSON.stringify(val)}`,
      );
    }
    into.set(k, val);
  }
}

/**
 * Parses and validates stdin for tuning-shim. Sources, lowest precedence first: config keys (`sysctl`, `mac`,
 * `mtu`, `promisc`, `allmulti`, `txQLen`, `dataDir`), CNI_ARGS `MAC=`, `runtimeConfig.mac`, then `args.cni.*`
 * (sysctls merged). Keys are matched case-insensitively like Go's encoding/json.
 * @throws CniError 7 for bad values, 4 for bad CNI_ARGS, 1/6 for a bad prevResult.
 */
export function parseTuningConfig(
  input: Record<string, unknown>,
  env: { ifName: string; cniArgs: string },
): TuningConfig {
  const raw = normalizeKeys<Record<string, unknown>>(input, TUNING_KEY_SPELLING);
  const cniVersion = typeof raw.cniVersion === 'string' ? raw.cniVersion : '0.1.0';
  const name = raw.name;
  if (typeof name !== 'string' || name === '') throw invalid('network config is missing "name"');
  if (env.ifName.includes('/')) throw invalid(`interface name "${env.ifName}" must not contain "/"`);

  const sysctl = new Map<string, string>();
  readSysctls(raw.sysctl, 'sysctl', sysctl);
  const link: { -readonly [K in keyof LinkSettings]: LinkSettings[K] } = {};
  const take = (obj: Record<string, unknown>, where: string): void => {
    const mac = obj.mac;
    if (mac !== undefined && mac !== '') link.mac = parseMac(mac, `${where}mac`);
    const mtu = obj.mtu;
    if (mtu !== undefined && mtu !== 0) link.mtu = parseInt32(mtu, `${where}mtu`, 68, 65535);
    const promisc = obj.promisc;
    if (promisc !== undefined) link.promisc = parseBool(promisc, `${where}promisc`);
    const allmulti = obj.allmulti;
    if (allmulti !== undefined && allmulti !== null) link.allmulti = parseBool(allmulti, `${where}allmulti`);
    const txq = obj.txQLen;
    if (txq !== undefined && txq !== null) link.txQLen = parseInt32(txq, `${where}txQLen`, 0, 0x7fffffff);
  };
  take(raw, '');

  const cniArgs = parseCniArgs(env.cniArgs, { knownKeys: ['MAC'] });
  const argMac = cniArgs.values.get('MAC');
  if (argMac !== undefined && argMac !== '') link.mac = parseMac(argMac, 'CNI_ARGS MAC');

  const rc = raw.runtimeConfig;
  if (isPlainObject(rc)) {
    const m = rc.mac;
    if (m !== undefined && m !== '') link.mac = parseMac(m, 'runtimeConfig.mac');
  }

  const args = raw.args;
  if (isPlainObject(args)) {
    const cni = args.cni;
    if (isPlainObject(cni)) {
      take(cni, 'args.cni.');
      readSysctls(cni.sysctl, 'args.cni.sysctl', sysctl);
    }
  }

  const dataDirRaw = raw.dataDir;
  if (dataDirRaw !== undefined && typeof dataDirRaw !== 'string') throw invalid('dataDir must be a string path');
  const dataDir = dataDirRaw || DEFAULT_DATA_DIR;

  const sysctls = [...sysctl].map(([key, value]) => Object.freeze({ key, value, path: sysctlPath(key, env.ifName) }));
  const prevResult = parsePrevResult({ cniVersion, prevResult: raw.prevResult });
  return Object.freeze({
    cniVersion,
    name,
    sysctls: Object.freeze(sysctls),
    link: Object.freeze(link),
    dataDir,
    prevResult,
  });
}

/** True when ADD changes a link attribute (and therefore writes a backup file), as in the reference. */
export function changesLink(l: LinkSettings): boolean {
  return (
    l.mac !== undefined ||
    l.mtu !== undefined ||
    l.promisc === true ||
    l.allmulti !== undefined ||
    l.txQLen !== undefined
  );
}
