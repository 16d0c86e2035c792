// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../../errors/cni-error';
import { type Dns, type Route040 } from '../types/common';
import { type AnyResult } from '../types/result';
import { type IpConfig020, type Result020 } from '../types/result-020';
import { type Interface040, type IpConfig040, type Result040 } from '../types/result-040';
import { type Interface100, type IpConfig100, type Result100, type Route100 } from '../types/result-100';
import { familyOf, FAMILY_VERSIONS } from '../versions';

type Obj = Record<string, unknown>;

const bad = (path: string, want: string): CniError =>
  new CniError(CniErrorCode.DecodingFailure, `failed to decode result: ${path}: expected ${want}`);

function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(path, 'an object');
  return v as Obj;
}
function arr(v: unknown, path: string): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw bad(path, 'an array');
  return v;
}
function str(v: unknown, path: string, required = false): string | undefined {
  if (v === undefined || v === null) {
    if (required) throw bad(path, 'a string');
    return undefined;
  }
  if (typeof v !== 'string') throw bad(path, 'a string');
  return v;
}
function num(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(path, 'a number');
  return v;
}
function strList(v: unknown, path: string): string[] | undefined {
  const a = arr(v, path);
  return a?.map((x, i) => str(x, `${path}[${i}]`, true) as string);
}
/** Sets `o[k] = v` only when v is defined, so optional fields stay absent. */
function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function parseDns(v: unknown, path: string): Dns | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, path);
  const d: Dns = {};
  put(d, 'nameservers', strList(o.nameservers, `${path}.nameservers`));
  put(d, 'domain', str(o.domain, `${path}.domain`));
  put(d, 'search', strList(o.search, `${path}.search`));
  put(d, 'options', strList(o.options, `${path}.options`));
  return d;
}

function parseRoute(v: unknown, path: string): Route100 {
  const o = obj(v, path);
  const r: Route100 = { dst: str(o.dst, `${path}.dst`, true) as string };
  put(r, 'gw', str(o.gw, `${path}.gw`));
  for (const k of ['mtu', 'advmss', 'priority', 'table', 'scope'] as const) put(r, k, num(o[k], `${path}.${k}`));
  return r;
}

function parseRoute020(v: unknown, path: string): Route040 {
  const o = obj(v, path);
  const r: Route040 = { dst: str(o.dst, `${path}.dst`, true) as string };
  put(r, 'gw', str(o.gw, `${path}.gw`));
  return r;
}

function parseIp020(v: unknown, path: string): IpConfig020 | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, path);
  const c: IpConfig020 = { ip: str(o.ip, `${path}.ip`, true) as string };
  put(c, 'gateway', str(o.gateway, `${path}.gateway`));
  put(
    c,
    'routes',
    arr(o.routes, `${path}.routes`)?.map((r, i) => parseRoute020(r, `${path}.routes[${i}]`)),
  );
  return c;
}

function parse020(o: Obj, version: Result020['cniVersion']): Result020 {
  const r: Result020 = { cniVersion: version };
  put(r, 'ip4', parseIp020(o.ip4, 'ip4'));
  put(r, 'ip6', parseIp020(o.ip6, 'ip6'));
  put(r, 'dns', parseDns(o.dns, 'dns'));
  return r;
}

function parseInterface(v: unknown, path: string): Interface100 {
  const o = obj(v, path);
  const i: Interface100 = { name: str(o.name, `${path}.name`) ?? '' };
  put(i, 'mac', str(o.mac, `${path}.mac`));
  put(i, 'mtu', num(o.mtu, `${path}.mtu`));
  put(i, 'sandbox', str(o.sandbox, `${path}.sandbox`));
  put(i, 'socketPath', str(o.socketPath, `${path}.socketPath`));
  put(i, 'pciID', str(o.pciID, `${path}.pciID`));
  return i;
}

function parseIpCommon(o: Obj, path: string): IpConfig100 {
  const c: IpConfig100 = { address: str(o.address, `${path}.address`, true) as string };
  put(c, 'gateway', str(o.gateway, `${path}.gateway`));
  put(c, 'interface', num(o.interface, `${path}.interface`));
  return c;
}

function parse040(o: Obj, version: Result040['cniVersion']): Result040 {
  const r: Result040 = { cniVersion: version };
  put(
    r,
    'interfaces',
    arr(o.interfaces, 'interfaces')?.map((x, i) => {
      const full = parseInterface(x, `interfaces[${i}]`);
      const out: Interface040 = { name: full.name };
      put(out, 'mac', full.mac);
      put(out, 'sandbox', full.sandbox);
      return out;
    }),
  );
  put(
    r,
    'ips',
    arr(o.ips ?? o.ip, 'ips')?.map((x, i) => {
      const path = `ips[${i}]`;
      const e = obj(x, path);
      const ver = str(e.version, `${path}.version`) ?? '';
      if (ver !== '4' && ver !== '6' && ver !== '') throw bad(`${path}.version`, '"4" or "6"');
      const c = parseIpCommon(e, path);
      const out: IpConfig040 = { version: ver, address: c.address };
      put(out, 'gateway', c.gateway);
      put(out, 'interface', c.interface);
      return out;
    }),
  );
  put(
    r,
    'routes',
    arr(o.routes, 'routes')?.map((x, i) => parseRoute(x, `routes[${i}]`)),
  );
  put(r, 'dns', parseDns(o.dns, 'dns'));
  return r;
}

function parse100(o: Obj, version: Result100['cniVersion']): Result100 {
  const r: Result100 = { cniVersion: version };
  put(
    r,
    'interfaces',
    arr(o.interfaces, 'interfaces')?.map((x, i) => parseInterface(x, `interfaces[${i}]`)),
  );
  put(
    r,
    'ips',
    arr(o.ips, 'ips')?.map((x, i) => parseIpCommon(obj(x, `ips[${i}]`), `ips[${i}]`)),
  );
  put(
    r,
    'routes',
    arr(o.routes, 'routes')?.map((x, i) => parseRoute(x, `routes[${i}]`)),
  );
  put(r, 'dns', parseDns(o.dns, 'dns'));
  return r;
}

/**
 * Parses a result of any version leniently (like Go: unknown keys dropped, no MAC/sandbox format checks,
 * `interface` index 0 and -1 kept, missing ips[].version tolerated). Accepts a JSON string or a parsed value.
 * @param defaultVersion used when the result has no `cniVersion` (Go: "0.1.0"; libcni stamps the config's).
 * @throws CniError 6 for malformed input, 1 for an unknown version.
 */
export function parseResult(input: unknown, defaultVersion = '0.1.0'): AnyResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (e) {
      throw new CniError(CniErrorCode.DecodingFailure, `failed to decode result: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  const o = obj(value, 'result');
  const version = o.cniVersion === undefined || o.cniVersion === '' ? defaultVersion : o.cniVersion;
  if (typeof version !== 'string') throw bad('cniVersion', 'a string');
  switch (familyOf(version)) {
    case '020':
      return parse020(o, version as Result020['cniVersion']);
    case '040':
      return parse040(o, version as Result040['cniVersion']);
    case '100':
      return parse100(o, version as Result100['cniVersion']);
    default:
      throw new CniError(CniErrorCode.IncompatibleCniVersion, `unsupported CNI result version "${version}"`);
  }
}

/**
 * Parses `prevResult` the way Go plugins do: by the *config's* version family. A prevResult without
 * `cniVersion` inherits the config's; one stamped with a version of another family is refused.
 * @returns undefined when the config has no prevResult.
 * @throws CniError 1 on a family mismatch, 6 on malformed content.
 */
export function parsePrevResult(conf: { cniVersion: string; prevResult?: unknown }): AnyResult | undefined {
  if (conf.prevResult === undefined || conf.prevResult === null) return undefined;
  const fam = familyOf(conf.cniVersion);
  if (!fam) {
    throw new CniError(CniErrorCode.IncompatibleCniVersion, `unsupported config cniVersion "${conf.cniVersion}"`);
  }
  const raw = obj(conf.prevResult, 'prevResult') as Obj;
  const stamped = raw.cniVersion === undefined || raw.cniVersion === '' ? conf.cniVersion : raw.cniVersion;
  if (typeof stamped !== 'string' || familyOf(stamped) !== fam) {
    throw new CniError(
      CniErrorCode.IncompatibleCniVersion,
      `could not parse prevResult: result type supports [${FAMILY_VERSIONS[fam].join(', ')}] but prevResult cniVersion is "${String(stamped)}"`,
    );
  }
  try {
    return parseResult({ ...raw, cniVersion: stamped });
  } catch (e) {
    throw e instanceof CniError ? e.withContext('could not parse prevResult') : e;
  }
}
