/** IPv4 address and CIDR arithmetic on unsigned 32-bit numbers. */

export interface Cidr4 {
  /** Network address, as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefixLength: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses dotted-quad IPv4; returns undefined when malformed. */
export function parseIpv4(s: string): number | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255 || (m[i].length > 1 && m[i][0] === '0')) return undefined;
    n = n * 256 + o;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parses `a.b.c.d/len`; the address must be the network address (host bits zero). */
export function parseCidr4(s: string): Cidr4 | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const base = parseIpv4(s.slice(0, slash));
  const lenStr = s.slice(slash + 1);
  if (base === undefined || !/^\d{1,2}$/.test(lenStr)) return undefined;
  const prefixLength = Number(lenStr);
  if (prefixLength > 32) return undefined;
  const size = 2 ** (32 - prefixLength);
  if (base % size !== 0) return undefined;
  return { base, prefixLength };
}

export function formatCidr4(c: Cidr4): string {
  return `${formatIpv4(c.base)}/${c.prefixLength}`;
}

export function cidr4Size(c: Cidr4): number {
  return 2 ** (32 - c.prefixLength);
}

export function cidr4Contains(outer: Cidr4, addr: number): boolean {
  return addr >= outer.base && addr < outer.base + cidr4Size(outer);
}

export function cidr4ContainsCidr(outer: Cidr4, inner: Cidr4): boolean {
  return inner.prefixLength >= outer.prefixLength && cidr4Contains(outer, inner.base);
}

export function cidr4Overlaps(a: Cidr4, b: Cidr4): boolean {
  return a.base < b.base + cidr4Size(b) && b.base < a.base + cidr4Size(a);
}
