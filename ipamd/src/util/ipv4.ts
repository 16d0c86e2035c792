// SPDX-License-Identifier: Apache-2.0
/** IPv4 arithmetic on unsigned 32-bit numbers. */

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  if (p.length !== 4) throw new Error(`not an IPv4 address: ${ip}`);
  let n = 0;
  for (const s of p) {
    const b = Number(s);
    if (!/^\d{1,3}$/.test(s) || b > 255) throw new Error(`not an IPv4 address: ${ip}`);
    n = n * 256 + b;
  }
  return n;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export interface Ipv4Cidr {
  readonly base: number;
  readonly bits: number;
  readonly size: number;
}

/** Parse `a.b.c.d/len`; a bare address is a /32. The base is masked to the network address. */
export function parseCidr(cidr: string): Ipv4Cidr {
  const [ip, lenS] = cidr.split('/');
  const bits = lenS === undefined ? 32 : Number(lenS);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  const size = 2 ** (32 - bits);
  const base = Math.floor(ipToInt(ip ?? '') / size) * size;
  return { base, bits, size };
}

export function cidrString(c: Ipv4Cidr): string {
  return `${intToIp(c.base)}/${c.bits}`;
}

export function cidrContains(c: Ipv4Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}
