// SPDX-License-Identifier: Apache-2.0
import { formatCidr, formatIp, networkOf, nthAddress, tryParseCidr, tryParseIp } from '@vpc-cni-ts/sdk/kernel';

/**
 * A CIDR the datastore hands addresses out of, either family: an IPv4 secondary IP (/32) or /28 prefix, or an IPv6
 * /80 prefix (IPv6 mode). Addresses are numbered by their offset from the network address. The arithmetic is the
 * SDK's (`@vpc-cni-ts/sdk/kernel` ip helpers); this adds offsets that fit a JS number.
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
  const parsed = tryParseCidr(text, { hostIfBare: true });
  const family = parsed?.address.family;
  if (!parsed || (family === 6 && parsed.prefix < MIN_V6_BITS))
    throw new Error(
      family === 6 ? `not an IPv6 CIDR of /${MIN_V6_BITS}../128: ${text}` : `not an IPv4 or IPv6 CIDR: ${text}`,
    );
  const net = networkOf(parsed);
  const base = net.address.value;
  const span = 1n << BigInt((family === 4 ? 32 : 128) - parsed.prefix);
  return {
    family: family!,
    text: formatCidr(net),
    bits: parsed.prefix,
    size: Number(span),
    addressAt: (off) => formatIp(nthAddress(net, off)),
    offsetOf: (a) => {
      const ip = tryParseIp(a);
      return ip && ip.family === family && ip.value >= base && ip.value < base + span
        ? Number(ip.value - base)
        : undefined;
    },
  };
}
