import { type Cidr4, cidr4Size, formatIpv4 } from './ipv4';

/** Why an allocation in a subnet failed; the EC2 layer maps these to EC2 error codes. */
export type PoolFailure =
  'InsufficientFreeAddressesInSubnet' | 'InsufficientCidrBlocks' | 'OutOfRange' | 'Reserved' | 'InUse' | 'Misaligned';

export type PoolResult<T> = { ok: true; value: T } | { ok: false; failure: PoolFailure };

/**
 * How single addresses are picked: `lowest` free (deterministic, keeps /28 blocks whole as long as possible) or
 * `random` (seeded; like EC2, scatters addresses over the subnet, which is what fragments it for prefixes).
 */
export type AddressAllocation = 'lowest' | 'random';

/** Addresses EC2 keeps in every subnet: network, +1 (router), +2 (DNS), +3 (future use), broadcast. */
export const RESERVED_PER_SUBNET = 5;
const BLOCK = 16;

/**
 * Address accounting of one IPv4 subnet, the way EC2 does it: five reserved addresses, single addresses taken
 * lowest-free, /28 prefixes only on 16-aligned blocks that are entirely free (so scattered single addresses
 * fragment the subnet: free addresses may remain while no /28 fits). Pure and synchronous.
 */
export class SubnetPool {
  private readonly used: Uint8Array;
  /** Used addresses per aligned 16-address block (reserved ones included). */
  private readonly blockUsed: Uint16Array;
  private readonly size: number;
  private free: number;
  /** No free address below this offset (a search hint). */
  private lowHint = 0;
  /** No entirely free block below this block index (a search hint). */
  private blockHint = 0;

  private rng: number;

  constructor(
    readonly cidr: Cidr4,
    readonly allocation: AddressAllocation = 'lowest',
    seed = 1,
  ) {
    this.rng = (seed ^ cidr.base) >>> 0 || 1;
    if (cidr.prefixLength > 28 || cidr.prefixLength < 16) {
      throw new Error(`subnet ${formatIpv4(cidr.base)}/${cidr.prefixLength}: EC2 subnets are /16 to /28`);
    }
    this.size = cidr4Size(cidr);
    this.used = new Uint8Array(this.size);
    this.blockUsed = new Uint16Array(Math.ceil(this.size / BLOCK));
    this.free = this.size;
    for (const off of [0, 1, 2, 3, this.size - 1]) this.mark(off, 1);
  }

  /** Free addresses (AvailableIpAddressCount). */
  get available(): number {
    return this.free;
  }

  get total(): number {
    return this.size;
  }

  private mark(off: number, v: 0 | 1): void {
    if (this.used[off] === v) return;
    this.used[off] = v;
    const b = (off / BLOCK) | 0;
    if (v) {
      this.blockUsed[b]++;
      this.free--;
    } else {
      this.blockUsed[b]--;
      this.free++;
      if (off < this.lowHint) this.lowHint = off;
      if (this.blockUsed[b] === 0 && b < this.blockHint) this.blockHint = b;
    }
  }

  private offsetOf(addr: number): number | undefined {
    const off = addr - this.cidr.base;
    return off >= 0 && off < this.size ? off : undefined;
  }

  /** True when the address belongs to the subnet and is taken (reserved included). */
  isUsed(addr: number): boolean {
    const off = this.offsetOf(addr);
    return off !== undefined && this.used[off] === 1;
  }

  private random(n: number): number {
    let x = this.rng;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.rng = x;
    return x % n;
  }

  /** Takes a free address: the lowest, or (random allocation) the first free one from a random offset. */
  allocate(): PoolResult<number> {
    if (this.allocation === 'random' && this.free > 0) {
      const start = this.random(this.size);
      for (let i = 0; i < this.size; i++) {
        const off = (start + i) % this.size;
        if (this.used[off] === 0) {
          this.mark(off, 1);
          return { ok: true, value: this.cidr.base + off };
        }
      }
    }
    for (let off = this.lowHint; off < this.size; off++) {
      if (this.used[off] === 0) {
        this.mark(off, 1);
        this.lowHint = off + 1;
        return { ok: true, value: this.cidr.base + off };
      }
    }
    this.lowHint = this.size;
    return { ok: false, failure: 'InsufficientFreeAddressesInSubnet' };
  }

  /** Takes `n` addresses, all or nothing. */
  allocateMany(n: number): PoolResult<number[]> {
    if (n > this.free) return { ok: false, failure: 'InsufficientFreeAddressesInSubnet' };
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.allocate();
      if (!r.ok) {
        for (const a of out) this.release(a);
        return r;
      }
      out.push(r.value);
    }
    return { ok: true, value: out };
  }

  /** Takes one given address. */
  allocateSpecific(addr: number): PoolResult<number> {
    const off = this.offsetOf(addr);
    if (off === undefined) return { ok: false, failure: 'OutOfRange' };
    if (off <= 3 || off === this.size - 1) return { ok: false, failure: 'Reserved' };
    if (this.used[off]) return { ok: false, failure: 'InUse' };
    this.mark(off, 1);
    return { ok: true, value: addr };
  }

  /** Gives an address back (reserved addresses are never released). */
  release(addr: number): void {
    const off = this.offsetOf(addr);
    if (off === undefined || off <= 3 || off === this.size - 1) return;
    this.mark(off, 0);
  }

  /** Takes the lowest 16-aligned /28 whose 16 addresses are all free; returns its network address. */
  allocatePrefix(): PoolResult<number> {
    const blocks = this.blockUsed.length;
    for (let b = this.blockHint; b < blocks; b++) {
      if (this.blockUsed[b] === 0) {
        for (let i = 0; i < BLOCK; i++) this.mark(b * BLOCK + i, 1);
        this.blockHint = b + 1;
        return { ok: true, value: this.cidr.base + b * BLOCK };
      }
    }
    this.blockHint = blocks;
    return { ok: false, failure: this.free >= BLOCK ? 'InsufficientCidrBlocks' : 'InsufficientFreeAddressesInSubnet' };
  }

  /** Takes `n` /28 prefixes, all or nothing. */
  allocatePrefixes(n: number): PoolResult<number[]> {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = this.allocatePrefix();
      if (!r.ok) {
        for (const p of out) this.releasePrefix(p);
        return r;
      }
      out.push(r.value);
    }
    return { ok: true, value: out };
  }

  /** Takes one given /28 (network address `base`). */
  allocateSpecificPrefix(base: number): PoolResult<number> {
    const off = this.offsetOf(base);
    if (off === undefined) return { ok: false, failure: 'OutOfRange' };
    if (off % BLOCK !== 0) return { ok: false, failure: 'Misaligned' };
    const b = off / BLOCK;
    if (this.blockUsed[b] !== 0) {
      const reserved = off === 0 || off + BLOCK === this.size;
      return { ok: false, failure: reserved ? 'Reserved' : 'InUse' };
    }
    for (let i = 0; i < BLOCK; i++) this.mark(off + i, 1);
    return { ok: true, value: base };
  }

  releasePrefix(base: number): void {
    const off = this.offsetOf(base);
    if (off === undefined || off % BLOCK !== 0) return;
    for (let i = 0; i < BLOCK; i++) this.release(base + i);
  }

  /** Number of entirely free aligned /28 blocks (how many prefixes could still be carved). */
  freePrefixBlocks(): number {
    let n = 0;
    for (let b = 0; b < this.blockUsed.length; b++) if (this.blockUsed[b] === 0) n++;
    return n;
  }
}
