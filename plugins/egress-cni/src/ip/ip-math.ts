// SPDX-License-Identifier: Apache-2.0
/** An IP address as family + integer value. */
export interface Ip {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A prefix; `ip` keeps host bits as written. */
export interface Prefix {
  readonly ip: Ip;
  readonly bits: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses IPv4 dotted quad or IPv6 text (with optional embedded IPv4 tail); undefined when invalid. */
export function parseIp(text: string): Ip | undefined {
  const m = V4.exec(text);
  if (m) {
    const parts = m.slice(1).map(Number);
    if (parts.some((p) => p > 255) || m.slice(1).some((p) => p.length > 1 && p.startsWith('0'))) return undefined;
    return { family: 4, value: parts.reduce((a, p) => (a << 8n) | BigInt(p), 0n) };
  }
  if (!text.includes(':') || text.includes('%')) return undefined;
  let t = text;
  const lastColon = t.lastIndexOf(':');
  const last = t.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIp(last);
    if (!v4 || v4.family !== 4) return undefined;
    t = `${t.slice(0, lastColon + 1)}${Number(v4.value >> 16n).toString(16)}:${Number(v4.value & 0xffffn).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]);
  const rest = halves.length === 2 ? group(halves[1]) : [];
  if (!head || !rest) return undefined;
  const given = head.length + rest.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const groups = [...head, ...Array<number>(8 - given).fill(0), ...rest];
  return { family: 6, value: groups.reduce((a, g) => (a << 16n) | BigInt(g), 0n) };
}

/** Formats like Go's net.IP.String(): dotted quad, or RFC 5952 IPv6 (longest zero run of 2+ groups as ::). */
export function formatIp(ip: Ip): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => Number((ip.value >> s) & 0xffn)).join('.');
  const g = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

export const bitsOf = (family: 4 | 6): number => (family === 4 ? 32 : 128);

/** Parses "ip/bits"; undefined when invalid. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > bitsOf(ip.family)) return undefined;
  return { ip, bits };
}

const hostMask = (family: 4 | 6, bits: number): bigint => (1n << BigInt(bitsOf(family) - bits)) - 1n;

export function networkOf(p: Prefix): Ip {
  return { family: p.ip.family, value: p.ip.value & ~hostMask(p.ip.family, p.bits) };
}
export function lastOf(p: Prefix): Ip {
  return { family: p.ip.family, value: networkOf(p).value | hostMask(p.ip.family, p.bits) };
}
export function contains(p: Prefix, ip: Ip): boolean {
  return ip.family === p.ip.family && (ip.value & ~hostMask(ip.family, p.bits)) === networkOf(p).value;
}
export function addIp(ip: Ip, n: bigint): Ip {
  return { family: ip.family, value: ip.value + n };
}
export function formatPrefix(ip: Ip, bits: number): string {
  return `${formatIp(ip)}/${bits}`;
}
