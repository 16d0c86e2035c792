// SPDX-License-Identifier: Apache-2.0
/** Pure parsers of `ip -j` output into domain types. Unknown fields are ignored; missing ones get defaults. */
import { type IpFamily, formatCidr, normalizeIp, parseCidr } from './ip';
import {
  type Address,
  type AddressScope,
  type Link,
  type Neighbour,
  type Route,
  type RouteScope,
  type Rule,
} from './types';
import { TABLE_IDS } from './validate';

type Json = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Splits concatenated JSON values (what `ip -j -batch` prints for several show commands). */
export function splitJsonValues(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '[' || c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === ']' || c === '}') {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

/** Drops keys whose value is undefined, so parsed objects compare equal to literals in tests. */
export function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function asArray(v: unknown): Json[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Json[]) : [];
}

export function parseTable(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    if (v in TABLE_IDS) return TABLE_IDS[v as keyof typeof TABLE_IDS];
    if (/^[0-9]+$/.test(v)) return Number(v);
  }
  return 254;
}

/** `ip -j -d link show` */
export function parseLinks(v: unknown): Link[] {
  return asArray(v).map((l) => {
    const info = (l.linkinfo ?? {}) as Json;
    const data = (info.info_data ?? {}) as Json;
    const flags = Array.isArray(l.flags) ? (l.flags as string[]) : [];
    const mac = str(l.address);
    return compact<Link>({
      index: num(l.ifindex) ?? 0,
      name: str(l.ifname) ?? '',
      mac: mac && mac.length === 17 && l.link_type !== 'loopback' ? mac.toLowerCase() : undefined,
      mtu: num(l.mtu) ?? 0,
      up: flags.includes('UP'),
      operState: str(l.operstate) ?? 'UNKNOWN',
      kind: str(info.info_kind),
      linkIndex: num(l.link_index),
      vlanId: num(data.id),
    });
  });
}

/** `ip -j addr show` */
export function parseAddresses(v: unknown): Address[] {
  const out: Address[] = [];
  for (const l of asArray(v)) {
    for (const a of asArray(l.addr_info)) {
      const fam = a.family === 'inet6' ? 6 : a.family === 'inet' ? 4 : undefined;
      const local = str(a.local);
      if (!fam || !local) continue;
      out.push({
        dev: str(a.label)?.split(':')[0] ?? str(l.ifname) ?? '',
        cidr: formatCidr(parseCidr(`${local}/${num(a.prefixlen) ?? (fam === 4 ? 32 : 128)}`)),
        family: fam,
        scope: (str(a.scope) ?? 'global') as AddressScope,
        tentative: a.tentative === true,
        dadFailed: a.dadfailed === true,
      });
    }
  }
  return out;
}

function prefixText(dst: string | undefined, len: unknown, family: IpFamily): string {
  if (!dst || dst === 'default') return 'default';
  if (dst.includes('/')) return formatCidr(parseCidr(dst));
  return formatCidr(parseCidr(`${dst}/${num(len) ?? (family === 4 ? 32 : 128)}`));
}

/** `ip -j route show table all` (or one table) */
export function parseRoutes(v: unknown, defaultTable = 254): Route[] {
  return asArray(v).map((r) => {
    const dst = str(r.dst);
    const gw = str(r.gateway);
    const src = str(r.prefsrc);
    const family: IpFamily = [dst, gw, src].some((x) => x && x.includes(':')) ? 6 : 4;
    return compact<Route>({
      dst: prefixText(dst, undefined, family),
      family,
      table: r.table === undefined ? defaultTable : parseTable(r.table),
      dev: str(r.dev),
      via: gw && normalizeIp(gw),
      scope: (str(r.scope) ?? 'global') as RouteScope,
      src: src && normalizeIp(src),
      metric: num(r.metric),
      type: str(r.type) ?? 'unicast',
      protocol: str(r.protocol),
    });
  });
}

/** `ip -j [-6] rule show` — `family` is what was asked for (the JSON does not say). */
export function parseRules(v: unknown, family: IpFamily): Rule[] {
  return asArray(v).map((r) => {
    const src = str(r.src);
    const dst = str(r.dst);
    const fwmark = str(r.fwmark);
    const fwmask = str(r.fwmask);
    return compact<Rule>({
      family,
      priority: num(r.priority) ?? 0,
      from: src && src !== 'all' ? prefixText(src, r.srclen, family) : undefined,
      to: dst && dst !== 'all' ? prefixText(dst, r.dstlen, family) : undefined,
      iif: str(r.iif),
      oif: str(r.oif),
      fwmark: fwmark === undefined ? undefined : Number(fwmark),
      fwmask: fwmask === undefined ? undefined : Number(fwmask),
      ipproto: str(r.ipproto),
      table: parseTable(r.table),
      invert: r.not === null || r.not === true ? true : undefined,
    });
  });
}

/** `ip -j neigh show` */
export function parseNeighbours(v: unknown): Neighbour[] {
  return asArray(v)
    .filter((n) => str(n.dst))
    .map((n) => {
      const ip = normalizeIp(str(n.dst)!);
      return compact<Neighbour>({
        dev: str(n.dev) ?? '',
        ip,
        family: ip.includes(':') ? 6 : 4,
        mac: str(n.lladdr)?.toLowerCase(),
        state: Array.isArray(n.state) ? (n.state as string[]) : [],
      });
    });
}
