import { type Cidr6 } from './ipv6';

const PREFIX80_SHIFT = 48n;

/**
 * IPv6 accounting of one /64 subnet: single addresses come from the first /80 (lowest free, from ::4 up), /80
 * prefixes from the others. A /64 never runs out in practice; specific requests can still collide.
 */
export class Subnet6Pool {
  private readonly addrs = new Set<bigint>();
  private readonly prefixes = new Set<bigint>();
  private nextAddr = 4n;
  private nextPrefix = 1n;

  constructor(readonly cidr: Cidr6) {
    if (cidr.prefixLength !== 64) throw new Error('IPv6 subnet CIDR blocks are /64');
  }

  allocate(): bigint {
    while (this.addrs.has(this.cidr.base + this.nextAddr)) this.nextAddr++;
    const a = this.cidr.base + this.nextAddr++;
    this.addrs.add(a);
    return a;
  }

  /** False when the address is outside the subnet's first /80 or taken. */
  allocateSpecific(a: bigint): boolean {
    const off = a - this.cidr.base;
    if (off < 4n || off >= 1n << PREFIX80_SHIFT || this.addrs.has(a)) return false;
    this.addrs.add(a);
    return true;
  }

  release(a: bigint): void {
    this.addrs.delete(a);
    const off = a - this.cidr.base;
    if (off < this.nextAddr && off >= 4n) this.nextAddr = off;
  }

  allocatePrefix(): bigint {
    while (this.prefixes.has(this.cidr.base + (this.nextPrefix << PREFIX80_SHIFT))) this.nextPrefix++;
    const p = this.cidr.base + (this.nextPrefix++ << PREFIX80_SHIFT);
    this.prefixes.add(p);
    return p;
  }

  /** False when `p` is not an /80 network address of this subnet (other than the first), or taken. */
  allocateSpecificPrefix(p: bigint): boolean {
    const off = p - this.cidr.base;
    const idx = off >> PREFIX80_SHIFT;
    if (off < 0n || idx < 1n || idx >= 1n << 16n || (off & ((1n << PREFIX80_SHIFT) - 1n)) !== 0n) return false;
    if (this.prefixes.has(p)) return false;
    this.prefixes.add(p);
    return true;
  }

  releasePrefix(p: bigint): void {
    this.prefixes.delete(p);
    const idx = (p - this.cidr.base) >> PREFIX80_SHIFT;
    if (idx >= 1n && idx < this.nextPrefix) this.nextPrefix = idx;
  }
}
