// SPDX-License-Identifier: Apache-2.0
/**
 * The `Kernel` port: links, addresses, routes, rules, neighbours, sysctls and namespaces, in domain terms.
 * Changes are queued on a {@link KernelBatch} for ONE namespace and applied by `commit()` — the iproute2 adapter
 * runs them in one `ip -batch` process (plus a sysctl step or an `ip -6` step where needed); queries are one
 * process each.
 */
import { type IpFamily } from './ip';
import { type NetnsRef } from './netns';
import {
  type Address,
  type AddressSpec,
  type Link,
  type Neighbour,
  type NeighbourSpec,
  type Route,
  type RouteSpec,
  type Rule,
  type RuleMatch,
  type RuleSpec,
  type SysctlSpec,
  type VethSpec,
  type VlanSpec,
} from './types';

/** For adds: an object that is already there counts as success. */
export interface AddOptions {
  readonly existOk?: boolean;
}

/** For deletes: an object that is not there counts as success. */
export interface DeleteOptions {
  readonly missingOk?: boolean;
}

/** What a commit did. */
export interface BatchResult {
  /** Operations that ran (including tolerated failures). */
  readonly applied: number;
  /** Operations whose failure was tolerated (`existOk`/`missingOk`). */
  readonly tolerated: number;
  /** Processes spawned (0 for the fake and for host-only sysctls). */
  readonly spawns: number;
}

/**
 * Operations queued for one namespace. Every method validates its input at once (throwing `invalid-argument`)
 * and returns the batch for chaining; nothing touches the kernel until {@link commit}. Operations run in order;
 * the first failure that is not tolerated stops the batch and rejects with a {@link KernelError} naming the
 * operation (`opIndex`, `applied` tell how far it got). A batch can be committed once.
 */
export interface KernelBatch {
  readonly netns: NetnsRef;
  /** Number of queued operations. */
  readonly size: number;

  /** A veth pair; the peer is created directly in `peerNetns` (no move), with MAC and MTU set at creation. */
  addVeth(spec: VethSpec, opts?: AddOptions): this;
  /** An ifb device (ingress shaping target). */
  addIfb(name: string, opts?: AddOptions & { readonly mtu?: number }): this;
  /** A VLAN link on `parent` (needs 8021q in the kernel: `not-supported` otherwise). */
  addVlan(spec: VlanSpec, opts?: AddOptions): this;
  setLinkUp(name: string): this;
  setLinkDown(name: string): this;
  setLinkMtu(name: string, mtu: number): this;
  setLinkMac(name: string, mac: string): this;
  renameLink(name: string, newName: string): this;
  /** Moves a link into another namespace (prefer creating it there: see README). */
  moveLink(name: string, to: NetnsRef): this;
  deleteLink(name: string, opts?: DeleteOptions): this;

  addAddress(spec: AddressSpec, opts?: AddOptions): this;
  deleteAddress(dev: string, cidr: string, opts?: DeleteOptions): this;

  /** Adds a route; `exists` when the same destination/table/metric is present. */
  addRoute(spec: RouteSpec, opts?: AddOptions): this;
  /** Adds or replaces the route for that destination/table/metric (idempotent). */
  replaceRoute(spec: RouteSpec): this;
  deleteRoute(spec: RouteSpec, opts?: DeleteOptions): this;

  /** Adds a rule; with `existOk`, an identical rule already present is success (add-if-absent). */
  addRule(spec: RuleSpec, opts?: AddOptions): this;
  /** Deletes one rule matching exactly. */
  deleteRule(spec: RuleSpec, opts?: DeleteOptions): this;
  /** Deletes every rule matching all given selectors (none matching is success). At least one selector. */
  deleteRules(match: RuleMatch): this;

  /** Adds or replaces a permanent neighbour entry (static ARP / NDP). */
  replaceNeighbour(spec: NeighbourSpec): this;
  deleteNeighbour(dev: string, ip: string, opts?: DeleteOptions): this;

  /** Sets a sysctl in this namespace, in order with the other operations. */
  setSysctl(spec: SysctlSpec): this;

  /** Applies the queued operations. */
  commit(): Promise<BatchResult>;
}

/** Filter for {@link Kernel.listRoutes}. */
export interface RouteFilter {
  /** A table id or name, or "all"; default main. */
  readonly table?: number | 'main' | 'local' | 'default' | 'all';
  /** Default both. */
  readonly family?: IpFamily;
}

/** Everything about a namespace read in one go. */
export interface KernelSnapshot {
  readonly links: readonly Link[];
  readonly addresses: readonly Address[];
  /** All tables, both families. */
  readonly routes: readonly Route[];
  /** Both families. */
  readonly rules: readonly Rule[];
  readonly neighbours: readonly Neighbour[];
}

export interface WaitForDadOptions {
  /** Only this device (default: all). */
  readonly dev?: string;
  /** Default 10 000 ms (upstream). */
  readonly timeoutMs?: number;
  /** Default 50 ms (upstream). */
  readonly intervalMs?: number;
}

/** The kernel networking port. */
export interface Kernel {
  /** Starts a batch of changes for one namespace. */
  batch(netns: NetnsRef): KernelBatch;

  /** True when the namespace still exists (a deleted pod's netns path is gone or no longer nsfs). */
  netnsExists(netns: NetnsRef): Promise<boolean>;
  /** Creates a named namespace (`ip netns add`); `exists` if it is there. */
  createNetns(name: string): Promise<NetnsRef>;
  /** Deletes a named namespace; with `missingOk`, absence is success. */
  deleteNetns(name: string, opts?: DeleteOptions): Promise<void>;

  listLinks(netns: NetnsRef): Promise<Link[]>;
  /** The link with that name, or undefined. */
  getLink(netns: NetnsRef, name: string): Promise<Link | undefined>;
  findLinkByMac(netns: NetnsRef, mac: string): Promise<Link | undefined>;
  findLinkByIndex(netns: NetnsRef, index: number): Promise<Link | undefined>;
  listAddresses(netns: NetnsRef, filter?: { readonly dev?: string; readonly family?: IpFamily }): Promise<Address[]>;
  listRoutes(netns: NetnsRef, filter?: RouteFilter): Promise<Route[]>;
  /** Rules of one family, or both when omitted. */
  listRules(netns: NetnsRef, family?: IpFamily): Promise<Rule[]>;
  listNeighbours(netns: NetnsRef, filter?: { readonly dev?: string; readonly family?: IpFamily }): Promise<Neighbour[]>;
  /** Links, addresses, routes (all tables), rules and neighbours, in one process for the adapter. */
  snapshot(netns: NetnsRef): Promise<KernelSnapshot>;

  /**
   * Resolves when no IPv6 address (of `dev`) is tentative; rejects `failed` if DAD failed on one, `timeout` after
   * `timeoutMs`.
   */
  waitForDad(netns: NetnsRef, opts?: WaitForDadOptions): Promise<void>;

  /** A sysctl's value (trimmed), or undefined when the key does not exist. */
  readSysctl(netns: NetnsRef, key: string): Promise<string | undefined>;
  /** Sets sysctls (same as a batch of {@link KernelBatch.setSysctl}). */
  setSysctls(netns: NetnsRef, specs: readonly SysctlSpec[]): Promise<void>;
}
