// SPDX-License-Identifier: Apache-2.0
import { type IpamKey, type IpamMetadata, keyString } from '../domain/types';
import { parseAddrCidr, type AddrCidr } from '../util/cidr';

/** DEL of a key the datastore does not hold; the message contains upstream's `datastore: unknown pod` (the plugin matches it). */
export class UnknownPodError extends Error {
  override readonly name = 'UnknownPodError';
  constructor(key: IpamKey) {
    super(
      `datastore: unknown pod (networkName=${key.networkName} containerID=${key.containerId} ifName=${key.ifName})`,
    );
  }
}

/** The ENI an address lives on, as the plugin needs it. */
export interface AddressGrant {
  readonly address: string;
  readonly eniId: string;
  readonly deviceNumber: number;
  /** Route table of the ENI: main (254) for the primary ENI, device number + 1 otherwise (notes fact 4). */
  readonly routeTableId: number;
  /** Unix nanoseconds, decimal string (exact beyond 2^53). */
  readonly assignedAtNs: string;
  readonly metadata: IpamMetadata;
  readonly key: IpamKey;
}

interface AddrState {
  key?: IpamKey;
  metadata?: IpamMetadata;
  assignedAtNs?: string;
  /** Epoch ms when it was released; set = cooling until + cooldown. */
  unassignedAt?: number;
}

interface CidrEntry {
  readonly cidr: AddrCidr;
  readonly text: string;
  readonly isPrefix: boolean;
  readonly addrs: Map<number, AddrState>;
}

interface EniEntry {
  readonly id: string;
  readonly deviceNumber: number;
  readonly isPrimary: boolean;
  readonly subnetId: string;
  readonly primaryIp: string;
  readonly createdAt: number;
  /** No new pod addresses from this ENI (custom networking's primary ENI, `kubernetes.io/role/cni=0` subnets). */
  excludedForPods: boolean;
  readonly cidrs: Map<string, CidrEntry>;
}

/** What the planner sees of one ENI. */
export interface EniView {
  readonly id: string;
  readonly deviceNumber: number;
  readonly isPrimary: boolean;
  readonly subnetId: string;
  readonly createdAt: number;
  /**
   * No new pod addresses from this ENI: its free CIDRs are released, it is never topped up, and its addresses do
   * not count in the pool's stats (upstream `IsExcludedForPodIPs`). Pods already on it keep their addresses.
   */
  readonly excluded: boolean;
  /** Secondary /32s and /28 prefixes currently attached (EC2 slots used). */
  readonly ipCount: number;
  readonly prefixCount: number;
  readonly total: number;
  readonly assigned: number;
  readonly cooling: number;
  /** CIDRs with neither assigned nor cooling addresses: safe to release. */
  readonly freeCidrs: readonly { readonly cidr: string; readonly isPrefix: boolean }[];
}

/** Datastore state as plain data: the planner's input. */
export interface PoolSnapshot {
  readonly now: number;
  readonly enis: readonly EniView[];
}

/** Totals over a snapshot. `available` excludes cooling addresses (fix for upstream #2896). */
export interface PoolStats {
  readonly total: number;
  readonly assigned: number;
  readonly cooling: number;
  readonly available: number;
  readonly totalPrefixes: number;
  readonly freePrefixes: number;
}

export function statsOf(snap: PoolSnapshot): PoolStats {
  let total = 0,
    assigned = 0,
    cooling = 0,
    totalPrefixes = 0,
    freePrefixes = 0;
  for (const e of snap.enis) {
    if (e.excluded) continue;
    total += e.total;
    assigned += e.assigned;
    cooling += e.cooling;
    totalPrefixes += e.prefixCount;
    freePrefixes += e.freeCidrs.filter((c) => c.isPrefix).length;
  }
  return { total, assigned, cooling, available: total - assigned - cooling, totalPrefixes, freePrefixes };
}

/** One checkpointed allocation (notes 4.3), in memory. */
export interface AllocationRecord {
  readonly key: IpamKey;
  /** The IPv4 address, or '' for an IPv6 allocation. */
  readonly ipv4: string;
  /** The IPv6 address (IPv6 mode). */
  readonly ipv6?: string;
  readonly allocationTimestampNs: string;
  readonly metadata: IpamMetadata;
}

const LEGACY_NETWORK = '_migrated-from-cri';
const LEGACY_IFNAME = 'unknown';

/**
 * In-memory state of the node's addresses: ENIs, their secondary IPs (/32) and delegated /28 prefixes, and which
 * pod holds which address. Synchronous and single-threaded; persistence and EC2 are the callers' business.
 * Assignment packs: primary ENI first, then by device number, CIDRs already in use first, so whole prefixes and
 * ENIs stay free for release.
 */
export class Datastore {
  private readonly enis = new Map<string, EniEntry>();
  private readonly byKey = new Map<string, { eni: EniEntry; cidr: CidrEntry; offset: number }>();

  /** `family` 6: pods get /128s out of the ENIs' /80 prefixes (IPv6 mode); IPv4 CIDRs are then ignored. */
  constructor(
    private readonly opts: { readonly prefixMode: boolean; readonly cooldownMs: number; readonly family?: 4 | 6 },
  ) {}

  get prefixMode(): boolean {
    return this.opts.prefixMode;
  }

  get family(): 4 | 6 {
    return this.opts.family ?? 4;
  }

  /** Mark an ENI excluded for pod addresses (or not). Unknown ENIs are ignored. */
  setEniExcluded(eniId: string, excluded: boolean): void {
    const e = this.enis.get(eniId);
    if (e) e.excludedForPods = excluded;
  }

  isEniExcluded(eniId: string): boolean {
    return this.enis.get(eniId)?.excludedForPods ?? false;
  }

  hasEni(id: string): boolean {
    return this.enis.has(id);
  }

  eniIds(): string[] {
    return [...this.enis.keys()];
  }

  addEni(e: {
    id: string;
    deviceNumber: number;
    isPrimary: boolean;
    subnetId: string;
    primaryIp: string;
    createdAt: number;
    excludedForPods?: boolean;
  }): void {
    if (this.enis.has(e.id)) return;
    this.enis.set(e.id, { ...e, excludedForPods: e.excludedForPods ?? false, cidrs: new Map() });
  }

  /** Add a secondary IP (`isPrefix=false`, a /32) or a delegated prefix (IPv4 /28, IPv6 /80) to an ENI. Idempotent. */
  addCidr(eniId: string, cidr: string, isPrefix: boolean): void {
    const eni = this.mustEni(eniId);
    const c = parseAddrCidr(cidr);
    if (eni.cidrs.has(c.text)) return;
    eni.cidrs.set(c.text, { cidr: c, text: c.text, isPrefix, addrs: new Map() });
  }

  /** CIDRs of an ENI (text form). */
  cidrsOf(eniId: string): { cidr: string; isPrefix: boolean }[] {
    const eni = this.enis.get(eniId);
    return eni ? [...eni.cidrs.values()].map((c) => ({ cidr: c.text, isPrefix: c.isPrefix })) : [];
  }

  /**
   * Remove a CIDR. Refuses (returns false) when an address in it is assigned, unless `force`, which also drops the
   * assignments and returns their keys in `evicted`.
   */
  removeCidr(eniId: string, cidr: string, force = false): { removed: boolean; evicted: IpamKey[] } {
    const eni = this.enis.get(eniId);
    const text = parseAddrCidr(cidr).text;
    const entry = eni?.cidrs.get(text);
    if (!eni || !entry) return { removed: false, evicted: [] };
    const assigned = [...entry.addrs.values()].filter((a) => a.key);
    if (assigned.length && !force) return { removed: false, evicted: [] };
    for (const a of assigned) this.byKey.delete(keyString(a.key!));
    eni.cidrs.delete(text);
    return { removed: true, evicted: assigned.map((a) => a.key!) };
  }

  /** Remove an ENI; refuses when it holds assigned addresses unless `force`. */
  removeEni(eniId: string, force = false): { removed: boolean; evicted: IpamKey[] } {
    const eni = this.enis.get(eniId);
    if (!eni) return { removed: false, evicted: [] };
    const evicted: IpamKey[] = [];
    for (const c of eni.cidrs.values()) for (const a of c.addrs.values()) if (a.key) evicted.push(a.key);
    if (evicted.length && !force) return { removed: false, evicted: [] };
    for (const k of evicted) this.byKey.delete(keyString(k));
    this.enis.delete(eniId);
    return { removed: true, evicted };
  }

  /** True when the CIDR exists and has neither assigned nor cooling addresses (safe to hand back to EC2). */
  isCidrIdle(eniId: string, cidr: string, now: number): boolean {
    const entry = this.enis.get(eniId)?.cidrs.get(parseAddrCidr(cidr).text);
    if (!entry) return false;
    for (const s of entry.addrs.values()) if (s.key || this.isCooling(s, now)) return false;
    return true;
  }

  /** True when the ENI has neither assigned nor cooling addresses. */
  isEniIdle(eniId: string, now: number): boolean {
    const eni = this.enis.get(eniId);
    return !!eni && [...eni.cidrs.keys()].every((c) => this.isCidrIdle(eniId, c, now));
  }

  /** The grant held by `key`, if any. */
  lookup(key: IpamKey): AddressGrant | undefined {
    const hit = this.byKey.get(keyString(key));
    return hit ? this.grant(hit.eni, hit.cidr, hit.offset) : undefined;
  }

  /**
   * Give `key` an address. Same key again returns the same address (idempotent re-ADD). Returns undefined when no
   * address is free (all assigned or cooling).
   */
  assign(key: IpamKey, metadata: IpamMetadata, now: number): AddressGrant | undefined {
    const existing = this.lookup(key);
    if (existing) return existing;
    const wantPrefix = this.opts.prefixMode;
    const family = this.family;
    const enis = [...this.enis.values()]
      .filter((e) => !e.excludedForPods)
      .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.deviceNumber - b.deviceNumber);
    for (const pass of [wantPrefix, !wantPrefix]) {
      for (const eni of enis) {
        const cidrs = [...eni.cidrs.values()].filter((c) => c.isPrefix === pass && c.cidr.family === family);
        // In-use CIDRs first so free prefixes stay whole.
        cidrs.sort((a, b) => this.usedIn(b) - this.usedIn(a) || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
        for (const c of cidrs) {
          const offset = this.freeOffset(c, now);
          if (offset === undefined) continue;
          const st: AddrState = { key, metadata, assignedAtNs: this.nsString(now) };
          c.addrs.set(offset, st);
          this.byKey.set(keyString(key), { eni, cidr: c, offset });
          return this.grant(eni, c, offset);
        }
      }
    }
    return undefined;
  }

  /** Undo an `assign` whose checkpoint write failed: the address goes back to free, without cooldown. */
  undoAssign(key: IpamKey): void {
    const hit = this.byKey.get(keyString(key));
    if (!hit) return;
    hit.cidr.addrs.delete(hit.offset);
    this.byKey.delete(keyString(key));
  }

  /** Release `key`'s address into cooldown. Throws `UnknownPodError` when the key holds nothing. */
  unassign(key: IpamKey, now: number): AddressGrant {
    let k = key;
    if (!this.byKey.has(keyString(k))) {
      const legacy = [
        { ...key, networkName: LEGACY_NETWORK },
        { ...key, networkName: LEGACY_NETWORK, ifName: LEGACY_IFNAME },
      ];
      const found = legacy.find((l) => this.byKey.has(keyString(l)));
      if (!found) throw new UnknownPodError(key);
      k = found;
    }
    const hit = this.byKey.get(keyString(k))!;
    const grant = this.grant(hit.eni, hit.cidr, hit.offset);
    hit.cidr.addrs.set(hit.offset, { unassignedAt: now });
    this.byKey.delete(keyString(k));
    return grant;
  }

  /** Undo an `unassign` whose checkpoint write failed: the grant is held again exactly as before. */
  undoUnassign(grant: AddressGrant): void {
    const eni = this.enis.get(grant.eniId);
    const cidr = eni && [...eni.cidrs.values()].find((c) => c.cidr.offsetOf(grant.address) !== undefined);
    if (!eni || !cidr) return;
    const offset = cidr.cidr.offsetOf(grant.address)!;
    cidr.addrs.set(offset, { key: grant.key, metadata: grant.metadata, assignedAtNs: grant.assignedAtNs });
    this.byKey.set(keyString(grant.key), { eni, cidr, offset });
  }

  /**
   * Re-establish a checkpointed allocation at start-up. Returns false (entry dropped) when no ENI CIDR contains the
   * address or the address is already held by another key.
   */
  restore(rec: AllocationRecord): boolean {
    const address = rec.ipv4 || rec.ipv6 || '';
    for (const eni of this.enis.values()) {
      for (const c of eni.cidrs.values()) {
        const offset = c.cidr.offsetOf(address);
        if (offset === undefined) continue;
        const cur = c.addrs.get(offset);
        if (cur?.key) return keyString(cur.key) === keyString(rec.key);
        if (this.byKey.has(keyString(rec.key))) return false;
        c.addrs.set(offset, { key: rec.key, metadata: rec.metadata, assignedAtNs: rec.allocationTimestampNs });
        this.byKey.set(keyString(rec.key), { eni, cidr: c, offset });
        return true;
      }
    }
    return false;
  }

  /** Every allocation, for the checkpoint, in assignment order. */
  allocations(): AllocationRecord[] {
    return [...this.byKey.values()].map(({ cidr, offset }) => {
      const a = cidr.addrs.get(offset)!;
      const address = cidr.cidr.addressAt(offset);
      return {
        key: a.key!,
        ...(cidr.cidr.family === 6 ? { ipv4: '', ipv6: address } : { ipv4: address }),
        allocationTimestampNs: a.assignedAtNs!,
        metadata: a.metadata ?? {},
      };
    });
  }

  /** Addresses currently assigned (address -> key), for invariant checks. */
  assignedAddresses(): Map<string, IpamKey> {
    const m = new Map<string, IpamKey>();
    for (const { cidr, offset } of this.byKey.values())
      m.set(cidr.cidr.addressAt(offset), cidr.addrs.get(offset)!.key!);
    return m;
  }

  /** Plain-data view for the planner. */
  snapshot(now: number): PoolSnapshot {
    const enis: EniView[] = [];
    for (const e of this.enis.values()) {
      let total = 0,
        assigned = 0,
        cooling = 0,
        ipCount = 0,
        prefixCount = 0;
      const freeCidrs: { cidr: string; isPrefix: boolean }[] = [];
      for (const c of e.cidrs.values()) {
        if (c.isPrefix) prefixCount++;
        else ipCount++;
        total += c.cidr.size;
        let a = 0,
          cool = 0;
        for (const s of c.addrs.values()) {
          if (s.key) a++;
          else if (this.isCooling(s, now)) cool++;
        }
        assigned += a;
        cooling += cool;
        if (a === 0 && cool === 0) freeCidrs.push({ cidr: c.text, isPrefix: c.isPrefix });
      }
      enis.push({
        id: e.id,
        deviceNumber: e.deviceNumber,
        isPrimary: e.isPrimary,
        subnetId: e.subnetId,
        createdAt: e.createdAt,
        excluded: e.excludedForPods,
        ipCount,
        prefixCount,
        total,
        assigned,
        cooling,
        freeCidrs,
      });
    }
    enis.sort((a, b) => a.deviceNumber - b.deviceNumber);
    return { now, enis };
  }

  /** Earliest time (epoch ms) a cooling address becomes free, if any is cooling. */
  nextCoolingExpiry(now: number): number | undefined {
    let best: number | undefined;
    for (const e of this.enis.values())
      for (const c of e.cidrs.values())
        for (const s of c.addrs.values())
          if (!s.key && this.isCooling(s, now)) {
            const t = s.unassignedAt! + this.opts.cooldownMs;
            if (best === undefined || t < best) best = t;
          }
    return best;
  }

  private lastNs = 0n;
  /** Unix nanoseconds for `ms`, strictly increasing (so timestamps order assignments). */
  private nsString(ms: number): string {
    let ns = BigInt(Math.floor(ms)) * 1_000_000n;
    if (ns <= this.lastNs) ns = this.lastNs + 1n;
    this.lastNs = ns;
    return ns.toString();
  }

  private isCooling(s: AddrState, now: number): boolean {
    return s.unassignedAt !== undefined && now - s.unassignedAt < this.opts.cooldownMs;
  }

  private usedIn(c: CidrEntry): number {
    let n = 0;
    for (const s of c.addrs.values()) if (s.key) n++;
    return n;
  }

  private freeOffset(c: CidrEntry, now: number): number | undefined {
    for (let off = 0; off < c.cidr.size; off++) {
      const s = c.addrs.get(off);
      if (!s) return off;
      if (!s.key && !this.isCooling(s, now)) return off;
    }
    return undefined;
  }

  private grant(eni: EniEntry, c: CidrEntry, offset: number): AddressGrant {
    const s = c.addrs.get(offset)!;
    return {
      address: c.cidr.addressAt(offset),
      eniId: eni.id,
      deviceNumber: eni.deviceNumber,
      routeTableId: eni.isPrimary ? 254 : eni.deviceNumber + 1,
      assignedAtNs: s.assignedAtNs ?? '0',
      metadata: s.metadata ?? {},
      key: s.key!,
    };
  }

  private mustEni(id: string): EniEntry {
    const e = this.enis.get(id);
    if (!e) throw new Error(`datastore: unknown ENI ${id}`);
    return e;
  }
}
