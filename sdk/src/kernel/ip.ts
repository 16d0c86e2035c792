// SPDX-License-Identifier: Apache-2.0
/**
 * IPv4/IPv6 addresses and CIDRs as values: parse (strict), format (canonical; IPv6 per RFC 5952), prefix math.
 * Pure functions, no I/O. Parse failures throw {@link KernelError} of kind `invalid-argument`.
 */
import { KernelError } from './errors';

export type IpFamily = 4 | 6;

/** An IP address: family plus the address as an unsigned integer (32 or 128 bits). */
export interface IpAddress {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** An address with a prefix length. `address` keeps the host bits as given (10.0.0.5/24 stays .5). */
export interface Cidr {
  readonly address: IpAddress;
  readonly prefix: number;
}

const bits = (f: IpFamily): number => (f === 4 ? 32 : 128);
const max = (f: IpFamily): bigint => (1n << BigInt(bits(f))) - 1n;

function bad(what: string, text: unknown): never {
  throw new KernelError({
    kind: 'invalid-argument',
    op: `parse ${what}`,
    detail: `not a valid ${what}: ${JSON.stringify(text)}`,
  });
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || text.length > 45) return undefined;
  const dbl = text.indexOf('::');
  if (dbl !== text.lastIndexOf('::')) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseV4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = groupsOf(text.slice(0, dbl));
    const tail = groupsOf(text.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const g = groupsOf(text);
    if (!g || g.length !== 8) return undefined;
    groups = g;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Parses an IPv4 or IPv6 address; `undefined` when it is not one. No zone ids, no leading zeros in IPv4. */
export function tryParseIp(text: string): IpAddress | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const v = parseV6(text);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseV4(text);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** Parses an IPv4 or IPv6 address; throws `invalid-argument` naming the input when it is not one. */
export function parseIp(text: string): IpAddress {
  return tryParseIp(text) ?? bad('IP address', text);
}

/** Builds an address from family and integer value (range-checked). */
export function ipFromValue(family: IpFamily, value: bigint): IpAddress {
  if (value < 0n || value > max(family)) bad(`IPv${family} value`, value.toString());
  return { family, value };
}

/** Formats an address canonically: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 0xffn).toString()).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Normalises address text ("FD99:0::1" -> "fd99::1"); throws on invalid input. */
export function normalizeIp(text: string): string {
  return formatIp(parseIp(text));
}

/**
 * Parses "addr/prefix". With `hostIfBare`, a bare address means a host prefix (/32 or /128).
 * Throws `invalid-argument` naming the input otherwise.
 */
export function parseCidr(text: string, opts: { hostIfBare?: boolean } = {}): Cidr {
  return tryParseCidr(text, opts) ?? bad('CIDR', text);
}

/** Like {@link parseCidr} but returns `undefined` instead of throwing. */
export function tryParseCidr(text: string, opts: { hostIfBare?: boolean } = {}): Cidr | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!opts.hostIfBare) return undefined;
    const a = tryParseIp(text);
    return a && { address: a, prefix: bits(a.family) };
  }
  const a = tryParseIp(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (!a || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > bits(a.family)) return undefined;
  return { address: a, prefix };
}

/** "10.99.1.2/32", "fd99::1/64". */
export function formatCidr(c: Cidr): string {
  return `${formatIp(c.address)}/${c.prefix}`;
}

/** Normalises CIDR text, keeping host bits ("10.99.1.5/24" stays); bare addresses become host prefixes. */
export function normalizeCidr(text: string): string {
  return formatCidr(parseCidr(text, { hostIfBare: true }));
}

/** The mask of a prefix as an integer. */
export function prefixMask(family: IpFamily, prefix: number): bigint {
  return max(family) ^ ((1n << BigInt(bits(family) - prefix)) - 1n);
}

/** The network: host bits cleared (10.99.1.5/24 -> 10.99.1.0/24). */
export function networkOf(c: Cidr): Cidr {
  return {
    address: { family: c.address.family, value: c.address.value & prefixMask(c.address.family, c.prefix) },
    prefix: c.prefix,
  };
}

/** The last address of the network (IPv4 broadcast). */
export function lastAddress(c: Cidr): IpAddress {
  const f = c.address.family;
  return { family: f, value: (c.address.value & prefixMask(f, c.prefix)) | (max(f) ^ prefixMask(f, c.prefix)) };
}

/** Number of addresses in the prefix (2^(bits-prefix)). */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(bits(c.address.family) - c.prefix);
}

/** True when `ip` lies in `c` (same family). */
export function cidrContains(c: Cidr, ip: IpAddress): boolean {
  if (c.address.family !== ip.family) return false;
  const m = prefixMask(ip.family, c.prefix);
  return (c.address.value & m) === (ip.value & m);
}

/** True when the two prefixes share any address. */
export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  if (a.address.family !== b.address.family) return false;
  const p = Math.min(a.prefix, b.prefix);
  const m = prefixMask(a.address.family, p);
  return (a.address.value & m) === (b.address.value & m);
}

/** The n-th address of the network (0 = network address); throws when outside the prefix. */
export function nthAddress(c: Cidr, n: bigint | number): IpAddress {
  const k = BigInt(n);
  if (k < 0n || k >= cidrSize(c)) bad(`offset within ${formatCidr(c)}`, k.toString());
  return { family: c.address.family, value: networkOf(c).address.value + k };
}

/** `ip + delta`, range-checked. */
export function addToIp(ip: IpAddress, delta: bigint | number): IpAddress {
  return ipFromValue(ip.family, ip.value + BigInt(delta));
}

/** Host prefix of an address (/32 or /128). */
export function hostCidr(ip: IpAddress): Cidr {
  return { address: ip, prefix: bits(ip.family) };
}

/** Compares two addresses: IPv4 before IPv6, then numerically. */
export function compareIp(a: IpAddress, b: IpAddress): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

/** Splits a prefix into subnets of `newPrefix` (e.g. a /24 into /28s), in order. Caps at 65536 results. */
export function splitCidr(c: Cidr, newPrefix: number): Cidr[] {
  const f = c.address.family;
  if (newPrefix < c.prefix || newPrefix > bits(f)) bad(`prefix length for splitting ${formatCidr(c)}`, newPrefix);
  const count = 1n << BigInt(newPrefix - c.prefix);
  if (count > 65536n) bad('split count (max 65536)', count.toString());
  const step = 1n << BigInt(bits(f) - newPrefix);
  const base = networkOf(c).address.value;
  const out: Cidr[] = [];
  for (let i = 0n; i < count; i++) out.push({ address: { family: f, value: base + i * step }, prefix: newPrefix });
  return out;
}

/** Family of an address or CIDR text, or `undefined` when it is neither. */
export function familyOf(text: string): IpFamily | undefined {
  return tryParseCidr(text, { hostIfBare: true })?.address.family;
}
