/** IPv6 address and CIDR arithmetic on bigints. */

export interface Cidr6 {
  readonly base: bigint;
  readonly prefixLength: number;
}

const MAX = (1n << 128n) - 1n;

/** Parses an IPv6 address (no zone, no embedded IPv4); undefined when malformed. */
export function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(s) || s.length < 2) return undefined;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return undefined;
  let groups: string[];
  if (dbl >= 0) {
    const head = s.slice(0, dbl) ? s.slice(0, dbl).split(':') : [];
    const tail = s.slice(dbl + 2) ? s.slice(dbl + 2).split(':') : [];
    if (head.length + tail.length > 7) return undefined;
    groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  } else {
    groups = s.split(':');
    if (groups.length !== 8) return undefined;
  }
  let n = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    n = (n << 16n) | BigInt(parseInt(g, 16));
  }
  return n;
}

/** Formats in RFC 5952 canonical form (lower case, longest zero run compressed). */
export function formatIpv6(n: bigint): string {
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((n >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function parseCidr6(s: string): Cidr6 | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const base = parseIpv6(s.slice(0, slash));
  const lenStr = s.slice(slash + 1);
  if (base === undefined || !/^\d{1,3}$/.test(lenStr)) return undefined;
  const prefixLength = Number(lenStr);
  if (prefixLength > 128) return undefined;
  const hostMask = (1n << BigInt(128 - prefixLength)) - 1n;
  if ((base & hostMask) !== 0n) return undefined;
  return { base, prefixLength };
}

export function formatCidr6(c: Cidr6): string {
  return `${formatIpv6(c.base)}/${c.prefixLength}`;
}

export function cidr6Contains(outer: Cidr6, addr: bigint): boolean {
  const shift = BigInt(128 - outer.prefixLength);
  return addr >= 0n && addr <= MAX && addr >> shift === outer.base >> shift;
}
