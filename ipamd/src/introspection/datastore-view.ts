// SPDX-License-Identifier: Apache-2.0
import type { Datastore } from '../datastore';
import type { IpamKey, IpamMetadata } from '../domain/types';
import { parseAddrCidr, type AddrCidr } from '../util/cidr';

/** One recorded address of a CIDR: assigned (has `key`) or released (has `unassignedAtMs`). */
export interface AddressView {
  readonly address: string;
  readonly key?: IpamKey;
  readonly metadata?: IpamMetadata;
  /** Unix nanoseconds, decimal string (checkpoint precision). */
  readonly assignedAtNs?: string;
  /** Epoch ms when it was released (cooling or cooled). */
  readonly unassignedAtMs?: number;
}

/** A secondary IP (/32, `isPrefix=false`) or delegated prefix of an ENI. */
export interface CidrView {
  readonly cidr: string;
  readonly isPrefix: boolean;
  /** Recorded addresses only (upstream creates entries lazily on assignment). */
  readonly addresses: readonly AddressView[];
}

/** One ENI of a network card's datastore. */
export interface EniDetail {
  readonly id: string;
  readonly isPrimary: boolean;
  readonly isTrunk?: boolean;
  readonly isEfa?: boolean;
  readonly deviceNumber: number;
  readonly subnetId?: string;
  /** Route table of the ENI; default: 254 for the primary ENI, device number + 1 otherwise. */
  readonly routeTableId?: number;
  readonly excludedForPodIps?: boolean;
  readonly ipv4Cidrs: readonly CidrView[];
  readonly ipv6Cidrs?: readonly CidrView[];
  /** Addresses cooling down when the per-address release times are not known. */
  readonly coolingCount?: number;
}

/** One network card's datastore. */
export interface NetworkCardView {
  readonly networkCard: number;
  readonly enis: readonly EniDetail[];
}

/** Everything introspection and the datastore gauges read: plain data, no behaviour. */
export interface DatastoreView {
  readonly cards: readonly NetworkCardView[];
}

/** Extra facts the datastore does not keep, supplied by the caller (from IMDS/EC2). */
export interface DatastoreViewExtras {
  readonly networkCard?: number;
  readonly subnetOf?: (eniId: string) => string | undefined;
  readonly isExcluded?: (eniId: string) => boolean;
}

/**
 * Build a `DatastoreView` of one network card from the datastore's public accessors (`snapshot`, `cidrsOf`,
 * `allocations`). What these do not expose is filled from `extras` or left out: subnet ids (`subnetOf`), and the
 * release time of cooling addresses (only their count per ENI is known, as `coolingCount`).
 */
export function viewOfDatastore(ds: Datastore, now: number, extras: DatastoreViewExtras = {}): DatastoreView {
  const snap = ds.snapshot(now);
  const allocs = ds.allocations();
  type Work = CidrView & { parsed: AddrCidr; addresses: AddressView[] };
  const work = snap.enis.map((e) => ({
    e,
    cidrs: ds.cidrsOf(e.id).map((c): Work => ({ ...c, parsed: parseAddrCidr(c.cidr), addresses: [] })),
  }));
  for (const a of allocs) {
    const address = a.ipv4 || a.ipv6 || '';
    const c = work.flatMap((w) => w.cidrs).find((x) => x.parsed.offsetOf(address) !== undefined);
    c?.addresses.push({ address, key: a.key, metadata: a.metadata, assignedAtNs: a.allocationTimestampNs });
  }
  const plain = (cs: Work[], family: 4 | 6): CidrView[] =>
    cs
      .filter((c) => c.parsed.family === family)
      .map((c) => ({ cidr: c.cidr, isPrefix: c.isPrefix, addresses: c.addresses }));
  const enis: EniDetail[] = work.map(({ e, cidrs }) => {
    const v6 = plain(cidrs, 6);
    return {
      id: e.id,
      isPrimary: e.isPrimary,
      deviceNumber: e.deviceNumber,
      subnetId: extras.subnetOf?.(e.id) ?? e.subnetId,
      excludedForPodIps: extras.isExcluded?.(e.id) ?? e.excluded,
      coolingCount: e.cooling,
      ipv4Cidrs: plain(cidrs, 4),
      ...(v6.length ? { ipv6Cidrs: v6 } : {}),
    };
  });
  return {
    cards: [
      {
        networkCard: extras.networkCard ?? 0,
        enis,
      },
    ],
  };
}

/** Number of addresses in a CIDR (`a.b.c.d/n`, IPv4 or IPv6); a bare address counts 1. */
export function cidrSize(cidr: string): number {
  const [ip, len] = cidr.split('/');
  const bits = ip?.includes(':') ? 128 : 32;
  const n = len === undefined ? bits : Number(len);
  return 2 ** (bits - n);
}
