// SPDX-License-Identifier: Apache-2.0
import { intToIp, ipToInt } from './ipv4';
import { formatIpv6, parseIpv6 } from './ipv6';

/**
 * A CIDR the datastore hands addresses out of, either family: an IPv4 secondary IP (/32) or /28 prefix, or an IPv6
 * /80 prefix (IPv6 mode). Addresses are numbered by their offset from the network address.
 */
export interface AddrCidr {
  readonly family: 4 | 6;
  /** Canonical text, network address masked: `10.0.1.16/28`, `2600:1f14::/80`. */
  readonly text: string;
  readonly bits: number;
  /** Number of addresses (a /80 has 2^48: exact in a double). */
  readonly size: number;
  addressAt(offset: number): string;
  /** Offset of `address` in this CIDR, or undefined when it is outside (or of the other family). */
  offsetOf(address: string): number | undefined;
}

/** Longest IPv6 prefix whose size stays exact as a JS number (2^52 addresses). */
const MIN_V6_BITS = 76;

/** Parse `addr/len` (a bare address is a single-address CIDR) of either family. Throws naming the bad text. */
export function parseAddrCidr(text: string): AddrCidr {
  const [ip = '', lenS] = text.split('/');
  if (ip.includes(':')) {
    const n = parseIpv6(ip);
    const bits = lenS === undefined ? 128 : Number(lenS);
    if (n === undefined || !Number.isInteger(bits) || bits < MIN_V6_BITS || bits > 128)
      throw new Error(`not an IPv6 CIDR of /${MIN_V6_BITS}../128: ${text}`);
    const span = 1n << BigInt(128 - bits);
    const base = (n / span) * span;
    return {
      family: 6,
      text: `${formatIpv6(base)}/${bits}`,
      bits,
      size: Number(span),
      addressAt: (off) => formatIpv6(base + BigInt(off)),
      offsetOf: (a) => {
        const v = a.includes(':') ? parseIpv6(a) : undefined;
        return v !== undefined && v >= base && v < base + span ? Number(v - base) : undefined;
      },
    };
  }
  const bits = lenS === undefined ? 32 : Number(lenS);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) throw new Error(`not an IPv4 CIDR: ${text}`);
  const size = 2 ** (32 - bits);
  let addr: number;
  try {
    addr = ipToInt(ip);
  } catch {
    throw new Error(`not an IPv4 CIDR: ${text}`);
  }
  const base = Math.floor(addr / size) * size;
  return {
    family: 4,
    text: `${intToIp(base)}/${bits}`,
    bits,
    size,
    addressAt: (off) => intToIp(base + off),
    offsetOf: (a) => {
      if (a.includes(':')) return undefined;
      let v: number;
      try {
        v = ipToInt(a);
      } catch {
        return undefined;
      }
      return v >= base && v < base + size ? v - base : undefined;
    },
  };
}
