// SPDX-License-Identifier: Apache-2.0
/** Helpers reproducing how Go's encoding/json renders the values upstream's introspection returns. */

/** Go's zero `time.Time` as JSON. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * A Unix-nanosecond instant (decimal string or bigint) as Go marshals a UTC `time.Time`: RFC 3339 with the
 * fraction's trailing zeros trimmed (`time.RFC3339Nano`). Undefined, empty or 0 gives the zero time.
 */
export function goTimeFromNs(ns: string | bigint | undefined): string {
  if (ns === undefined || ns === '') return GO_ZERO_TIME;
  let n: bigint;
  try {
    n = typeof ns === 'bigint' ? ns : BigInt(ns);
  } catch {
    return GO_ZERO_TIME;
  }
  if (n <= 0n) return GO_ZERO_TIME;
  const sec = n / 1_000_000_000n;
  const frac = n % 1_000_000_000n;
  const base = new Date(Number(sec) * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  const f = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${f}Z`;
}

/** Epoch milliseconds as Go's `time.Time` JSON (undefined or 0 = zero time). */
export function goTimeFromMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) return GO_ZERO_TIME;
  return goTimeFromNs(BigInt(Math.round(ms)) * 1_000_000n);
}

/**
 * Go's `net.IPNet` as JSON: `{IP: "<network address>", Mask: "<base64 of the mask bytes>"}` (4 bytes for IPv4,
 * 16 for IPv6). Throws on a malformed CIDR.
 */
export function goIpNet(cidr: string): { IP: string; Mask: string } {
  const [ip, lenS] = cidr.split('/');
  if (!ip) throw new Error(`not a CIDR: ${cidr}`);
  const v6 = ip.includes(':');
  const bytes = v6 ? 16 : 4;
  const len = lenS === undefined ? bytes * 8 : Number(lenS);
  if (!Number.isInteger(len) || len < 0 || len > bytes * 8) throw new Error(`not a CIDR: ${cidr}`);
  const mask = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    mask[i] = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
  }
  return { IP: v6 ? ip : maskV4(ip, len), Mask: mask.toString('base64') };
}

function maskV4(ip: string, len: number): string {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  const n = parts.reduce((a, b) => a * 256 + b, 0);
  const size = 2 ** (32 - len);
  const base = Math.floor(n / size) * size;
  return [base >>> 24, (base >>> 16) & 255, (base >>> 8) & 255, base & 255].join('.');
}

/** An object with keys in Go's map order (sorted by the key string). */
export function sortedObject<V>(entries: Iterable<readonly [string, V]>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [k, v] of [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) out[k] = v;
  return out;
}
