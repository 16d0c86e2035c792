// SPDX-License-Identifier: Apache-2.0
/**
 * Domain types of the kernel ports. Addresses and prefixes are canonical text ("10.99.1.2/32", "fd99::1/128");
 * route tables are numbers (254 = main). Everything is read-only data.
 */
import { type IpFamily } from './ip';
import { type NetnsRef } from './netns';

/** A network interface as the kernel reports it. */
export interface Link {
  readonly index: number;
  readonly name: string;
  /** Lower-case MAC, or undefined for links without one. */
  readonly mac?: string;
  readonly mtu: number;
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  /** Carrier / operstate as reported ("UP", "DOWN", "UNKNOWN", "LOWERLAYERDOWN"). */
  readonly operState: string;
  /** "veth", "ifb", "vlan", "bridge", … ; undefined for plain devices (lo, physical). */
  readonly kind?: string;
  /** Index of the parent (VLAN) or peer (veth) link, when reported. */
  readonly linkIndex?: number;
  /** VLAN id for VLAN links. */
  readonly vlanId?: number;
}

export type AddressScope = 'global' | 'link' | 'host' | 'site';

/** An address on an interface. */
export interface Address {
  readonly dev: string;
  /** "10.99.1.2/32" */
  readonly cidr: string;
  readonly family: IpFamily;
  readonly scope: AddressScope;
  /** IPv6 duplicate address detection still running. */
  readonly tentative: boolean;
  readonly dadFailed: boolean;
}

export type RouteScope = 'global' | 'link' | 'host';

/** A route. `dst` is "default" or a CIDR. */
export interface Route {
  readonly dst: string;
  readonly family: IpFamily;
  readonly table: number;
  readonly dev?: string;
  readonly via?: string;
  readonly scope: RouteScope;
  readonly src?: string;
  readonly metric?: number;
  /** "unicast", "local", "broadcast", "blackhole", … */
  readonly type: string;
  readonly protocol?: string;
}

/** A policy routing rule (`ip rule`). Absent selectors mean "all". */
export interface Rule {
  readonly family: IpFamily;
  readonly priority: number;
  /** "10.99.1.2/32" */
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  /** IP protocol selector (e.g. "ipv6-icmp"). */
  readonly ipproto?: string;
  readonly table: number;
  readonly invert?: boolean;
}

/** A neighbour (ARP/NDP) entry. */
export interface Neighbour {
  readonly dev: string;
  readonly ip: string;
  readonly family: IpFamily;
  readonly mac?: string;
  /** Kernel states, upper case ("PERMANENT", "REACHABLE", "STALE", …). */
  readonly state: readonly string[];
}

// ---- inputs -------------------------------------------------------------------------------------------------

/** A veth pair. The batch's namespace gets `name`; the peer is born directly in `peerNetns` (default: same). */
export interface VethSpec {
  readonly name: string;
  readonly peerName: string;
  readonly peerNetns?: NetnsRef;
  readonly mac?: string;
  readonly peerMac?: string;
  /** MTU of both ends. */
  readonly mtu?: number;
}

export interface VlanSpec {
  readonly name: string;
  /** Parent link name in the same namespace. */
  readonly parent: string;
  readonly vlanId: number;
  readonly mac?: string;
  readonly mtu?: number;
}

export interface AddressSpec {
  readonly dev: string;
  /** "10.99.1.2/32"; a bare address means a host prefix. */
  readonly cidr: string;
  readonly scope?: AddressScope;
  /** Do not add the connected prefix route (IFA_F_NOPREFIXROUTE). */
  readonly noPrefixRoute?: boolean;
  /** IPv6: skip duplicate address detection (IFA_F_NODAD). */
  readonly noDad?: boolean;
}

export interface RouteSpec {
  /** "default" or a CIDR (bare address = host route). */
  readonly dst: string;
  readonly dev?: string;
  readonly via?: string;
  /** Table id or name; default main. */
  readonly table?: number | 'main' | 'local' | 'default';
  readonly scope?: RouteScope;
  readonly src?: string;
  readonly metric?: number;
  /** Only for "default" when the family cannot be inferred from `via`/`src`; default 4. */
  readonly family?: IpFamily;
  /** Route type; default unicast. */
  readonly type?: 'unicast' | 'local' | 'blackhole' | 'unreachable' | 'throw';
}

export interface RuleSpec {
  readonly priority: number;
  readonly table: number | 'main' | 'local' | 'default';
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly ipproto?: 'icmp' | 'ipv6-icmp' | 'tcp' | 'udp';
  /** Required when no selector carries an address; default 4. */
  readonly family?: IpFamily;
}

/** Selectors for deleting every matching rule (`ip rule flush <selectors>`). At least one selector is required. */
export interface RuleMatch {
  readonly family?: IpFamily;
  readonly priority?: number;
  readonly table?: number | 'main' | 'local' | 'default';
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
}

export interface NeighbourSpec {
  readonly dev: string;
  readonly ip: string;
  readonly mac: string;
}

/** A sysctl to set. Keys use the slash form relative to /proc/sys ("net/ipv6/conf/eth0/accept_ra"). */
export interface SysctlSpec {
  readonly key: string;
  readonly value: string | number;
  /** A missing key is not an error (e.g. IPv6 keys on a host without IPv6). */
  readonly optional?: boolean;
}
