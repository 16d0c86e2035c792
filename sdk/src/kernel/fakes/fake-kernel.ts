// SPDX-License-Identifier: Apache-2.0
/**
 * A stateful in-memory {@link Kernel}: namespaces with links (veth pairs across namespaces, ifb, VLAN), addresses,
 * routes per table, rules, neighbours and sysctls, with the kernel's error behaviour for the common cases
 * (`exists`, `not-found`, `not-supported`). Batches use the same validation as the real adapter, run in order and
 * stop at the first failure that is not tolerated, leaving earlier operations applied — like `ip -batch`.
 *
 * Unlike this machine's kernel, the fake supports VLAN links (unless `vlanSupported: false`), so the branch-ENI
 * path can be unit-tested. Not modelled: gateway reachability checks, route/ARP resolution, link-down effects on
 * routes, multipath.
 */
import { BatchRecorder } from '../batch-recorder';
import { KernelError, type KernelErrorKind } from '../errors';
import { type IpFamily, cidrContains, formatCidr, networkOf, parseCidr, parseIp } from '../ip';
import {
  type BatchResult,
  type DeleteOptions,
  type Kernel,
  type KernelBatch,
  type KernelSnapshot,
  type RouteFilter,
  type WaitForDadOptions,
} from '../kernel-port';
import { type NetnsRef, describeNetns, netnsByName, netnsFile } from '../netns';
import {
  type KernelOp,
  type NormRoute,
  type NormRule,
  type NormRuleMatch,
  describeOp,
  sysctlOp,
  sysctlPath,
} from '../ops';
import { type Address, type Link, type Neighbour, type Route, type Rule, type SysctlSpec } from '../types';
import { validateIfName, validateMac, validateNetnsName, validateTable } from '../validate';

interface FakeLink {
  index: number;
  name: string;
  mac: string;
  mtu: number;
  up: boolean;
  kind?: string;
  peer?: { ns: string; name: string };
  parent?: string;
  vlanId?: number;
}

interface NsState {
  readonly ref: NetnsRef;
  links: FakeLink[];
  addresses: Array<{ -readonly [K in keyof Address]: Address[K] } & { dadPolls: number; noPrefixRoute: boolean }>;
  routes: Route[];
  rules: Rule[];
  neighbours: Neighbour[];
  sysctls: Map<string, string>;
}

export interface FakeKernelOptions {
  /** VLAN links can be created (default true; this machine's kernel cannot). */
  readonly vlanSupported?: boolean;
  /** IPv6 stack present: net/ipv6 sysctls exist (default true). */
  readonly ipv6?: boolean;
  /** New global IPv6 addresses stay tentative for this many `waitForDad` polls (default 0). */
  readonly dadPolls?: number;
}

const defaultRules = (family: IpFamily): Rule[] => [
  { family, priority: 0, table: 255 },
  { family, priority: 32766, table: 254 },
  ...(family === 4 ? [{ family, priority: 32767, table: 253 } as Rule] : []),
];

const keyOf = (ns: NetnsRef): string => netnsFile(ns) ?? 'host';

function fail(kind: KernelErrorKind, detail: string): never {
  throw Object.assign(new Error(detail), { fakeKind: kind });
}

export class FakeKernel implements Kernel {
  private readonly ns = new Map<string, NsState>();
  private nextIndex = 1;
  private macSeq = 0;
  private readonly faults: Array<{ match: (op: KernelOp) => boolean; kind: KernelErrorKind; detail: string }> = [];
  /** Batches committed so far (each would be one `ip -batch` process on the real adapter). */
  commits = 0;

  constructor(private readonly o: FakeKernelOptions = {}) {
    this.addNs({ kind: 'host' });
  }

  private addNs(ref: NetnsRef): NsState {
    const st: NsState = {
      ref,
      links: [{ index: this.nextIndex++, name: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: ref.kind === 'host' }],
      addresses: [],
      routes: [],
      rules: [...defaultRules(4), ...defaultRules(6)],
      neighbours: [],
      sysctls: new Map([['net/ipv4/ip_forward', '0']]),
    };
    this.ns.set(keyOf(ref), st);
    return st;
  }

  // ---- test hooks -------------------------------------------------------------------------------------------------

  /** Makes the next operation matching `match` fail with `kind` (once). */
  failNext(match: (op: KernelOp) => boolean, kind: KernelErrorKind = 'failed', detail = 'injected failure'): void {
    this.faults.push({ match, kind, detail });
  }

  /** Adds a namespace at an arbitrary path (as a CRI would create), e.g. "/var/run/netns/cni-1234". */
  addNetnsAtPath(path: string): NetnsRef {
    const ref: NetnsRef = { kind: 'path', path };
    this.addNs(ref);
    return ref;
  }

  /** Removes a namespace as if its owner deleted it (links in it vanish, veth peers elsewhere too). */
  removeNetns(ref: NetnsRef): void {
    const st = this.ns.get(keyOf(ref));
    if (!st || ref.kind === 'host') return;
    for (const l of [...st.links]) this.dropLink(st, l);
    this.ns.delete(keyOf(ref));
  }

  /** Synchronous existence check for other fakes (e.g. FakeTrafficControl). */
  hasLink(ref: NetnsRef, name: string): boolean {
    return !!this.ns.get(keyOf(ref))?.links.some((l) => l.name === name);
  }

  // ---- Kernel -----------------------------------------------------------------------------------------------------

  batch(netns: NetnsRef): KernelBatch {
    return new BatchRecorder(netns, (ns, ops) => Promise.resolve(this.execute(ns, ops)));
  }

  private state(ref: NetnsRef, op: string): NsState {
    const st = this.ns.get(keyOf(ref));
    if (!st)
      throw new KernelError({
        kind: 'not-found',
        op,
        netns: describeNetns(ref),
        detail: `cannot open network namespace: no such file or directory`,
      });
    return st;
  }

  private execute(ref: NetnsRef, ops: readonly KernelOp[]): BatchResult {
    const st = this.state(ref, `run batch (${ops.length} operations)`);
    this.commits++;
    let tolerated = 0;
    ops.forEach((op, i) => {
      try {
        const f = this.faults.findIndex((x) => x.match(op));
        if (f >= 0) {
          const [fault] = this.faults.splice(f, 1);
          fail(fault.kind, fault.detail);
        }
        this.apply(st, op);
      } catch (e) {
        const kind = (e as { fakeKind?: KernelErrorKind }).fakeKind;
        if (!kind) throw e;
        if (op.tolerate === kind) {
          tolerated++;
          return;
        }
        const d = describeOp(op);
        throw new KernelError({
          kind,
          op: d.op,
          object: d.object,
          netns: describeNetns(ref),
          detail: (e as Error).message,
          opIndex: i,
          applied: i,
        });
      }
    });
    return { applied: ops.length, tolerated, spawns: 0 };
  }

  private link(st: NsState, name: string): FakeLink {
    return st.links.find((l) => l.name === name) ?? fail('not-found', `cannot find device "${name}"`);
  }

  private newMac(): string {
    const n = ++this.macSeq;
    return `02:fa:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
  }

  private dropLink(st: NsState, l: FakeLink): void {
    st.links = st.links.filter((x) => x !== l);
    st.addresses = st.addresses.filter((a) => a.dev !== l.name);
    st.routes = st.routes.filter((r) => r.dev !== l.name);
    st.neighbours = st.neighbours.filter((n) => n.dev !== l.name);
    for (const child of st.links.filter((x) => x.parent === l.name)) this.dropLink(st, child);
    if (l.peer) {
      const other = this.ns.get(l.peer.ns);
      const p = other?.links.find((x) => x.name === l.peer!.name);
      if (other && p) {
        p.peer = undefined;
        this.dropLink(other, p);
      }
    }
  }

  private apply(st: NsState, op: KernelOp): void {
    switch (op.kind) {
      case 'add-veth': {
        const peerKey = op.peerNetns ? keyOf(op.peerNetns) : keyOf(st.ref);
        const peerNs = this.ns.get(peerKey) ?? fail('not-found', 'peer network namespace does not exist');
        if (st.links.some((l) => l.name === op.name) || peerNs.links.some((l) => l.name === op.peerName))
          fail('exists', 'file exists');
        if (peerNs === st && op.name === op.peerName) fail('exists', 'file exists');
        const a: FakeLink = {
          index: this.nextIndex++,
          name: op.name,
          mac: op.mac ?? this.newMac(),
          mtu: op.mtu ?? 1500,
          up: false,
          kind: 'veth',
          peer: { ns: peerKey, name: op.peerName },
        };
        const b: FakeLink = {
          index: this.nextIndex++,
          name: op.peerName,
          mac: op.peerMac ?? this.newMac(),
          mtu: op.mtu ?? 1500,
          up: false,
          kind: 'veth',
          peer: { ns: keyOf(st.ref), name: op.name },
        };
        st.links.push(a);
        peerNs.links.push(b);
        return;
      }
      case 'add-ifb':
        if (st.links.some((l) => l.name === op.name)) fail('exists', 'file exists');
        st.links.push({
          index: this.nextIndex++,
          name: op.name,
          mac: this.newMac(),
          mtu: op.mtu ?? 1500,
          up: false,
          kind: 'ifb',
        });
        return;
      case 'add-vlan': {
        if (this.o.vlanSupported === false) fail('not-supported', 'unknown device type');
        const parent = this.link(st, op.parent);
        if (st.links.some((l) => l.name === op.name)) fail('exists', 'file exists');
        if (st.links.some((l) => l.parent === op.parent && l.vlanId === op.vlanId)) fail('exists', 'file exists');
        st.links.push({
          index: this.nextIndex++,
          name: op.name,
          mac: op.mac ?? parent.mac,
          mtu: op.mtu ?? parent.mtu,
          up: false,
          kind: 'vlan',
          parent: op.parent,
          vlanId: op.vlanId,
        });
        return;
      }
      case 'set-link': {
        const l = this.link(st, op.name);
        if (op.newName && op.newName !== l.name) {
          if (st.links.some((x) => x.name === op.newName)) fail('exists', 'file exists');
          const old = l.name;
          l.name = op.newName;
          for (const a of st.addresses) if (a.dev === old) Object.assign(a, { dev: op.newName });
          st.routes = st.routes.map((r) => (r.dev === old ? { ...r, dev: op.newName } : r));
          st.neighbours = st.neighbours.map((n) => (n.dev === old ? { ...n, dev: op.newName! } : n));
          if (l.peer) {
            const p = this.ns.get(l.peer.ns)?.links.find((x) => x.name === l.peer!.name);
            if (p?.peer) p.peer = { ...p.peer, name: op.newName };
          }
        }
        if (op.mtu !== undefined) l.mtu = op.mtu;
        if (op.mac) l.mac = op.mac;
        if (op.up !== undefined) {
          l.up = op.up;
          this.syncConnectedRoutes(st);
        }
        if (op.netns) {
          const to = this.ns.get(keyOf(op.netns)) ?? fail('not-found', 'network namespace does not exist');
          if (to === st) return;
          if (to.links.some((x) => x.name === l.name)) fail('exists', 'file exists');
          st.links = st.links.filter((x) => x !== l);
          st.addresses = st.addresses.filter((a) => a.dev !== l.name);
          st.routes = st.routes.filter((r) => r.dev !== l.name);
          l.up = false;
          to.links.push(l);
          if (l.peer) {
            const p = this.ns.get(l.peer.ns)?.links.find((x) => x.name === l.peer!.name);
            if (p?.peer) p.peer = { ...p.peer, ns: keyOf(op.netns) };
          }
        }
        return;
      }
      case 'delete-link':
        this.dropLink(st, this.link(st, op.name));
        return;
      case 'add-address': {
        this.link(st, op.dev);
        if (st.addresses.some((a) => a.dev === op.dev && a.cidr === op.cidr)) fail('exists', 'file exists');
        const global = (op.scope ?? 'global') === 'global';
        const polls = op.family === 6 && global && !op.noDad ? (this.o.dadPolls ?? 0) : 0;
        st.addresses.push({
          dev: op.dev,
          cidr: op.cidr,
          family: op.family,
          scope: op.scope ?? 'global',
          tentative: polls > 0,
          dadFailed: false,
          dadPolls: polls,
          noPrefixRoute: !!op.noPrefixRoute,
        });
        this.syncConnectedRoutes(st);
        return;
      }
      case 'delete-address': {
        const i = st.addresses.findIndex((a) => a.dev === op.dev && a.cidr === op.cidr);
        if (i < 0) fail('not-found', 'cannot assign requested address');
        st.addresses.splice(i, 1);
        this.syncConnectedRoutes(st);
        return;
      }
      case 'route':
        return this.applyRoute(st, op.mode, op.route);
      case 'add-rule': {
        const r = ruleOf(op.rule);
        if (st.rules.some((x) => sameRule(x, r))) fail('exists', 'file exists');
        st.rules.push(r);
        return;
      }
      case 'delete-rule': {
        const r = ruleOf(op.rule);
        const i = st.rules.findIndex((x) => sameRule(x, r));
        if (i < 0) fail('not-found', 'no such file or directory');
        st.rules.splice(i, 1);
        return;
      }
      case 'flush-rules':
        st.rules = st.rules.filter(
          (x) => !(x.family === op.match.family && x.priority !== 0 && matchesRule(x, op.match)),
        );
        return;
      case 'replace-neighbour': {
        this.link(st, op.dev);
        st.neighbours = st.neighbours.filter((n) => !(n.dev === op.dev && n.ip === op.ip));
        st.neighbours.push({ dev: op.dev, ip: op.ip, family: op.family, mac: op.mac, state: ['PERMANENT'] });
        return;
      }
      case 'delete-neighbour': {
        const i = st.neighbours.findIndex((n) => n.dev === op.dev && n.ip === op.ip);
        if (i < 0) fail('not-found', 'no such file or directory');
        st.neighbours.splice(i, 1);
        return;
      }
      case 'sysctl': {
        if (!this.sysctlExists(st, op.key)) {
          if (op.optional) return;
          fail('not-found', `cannot stat /proc/sys/${op.key}: no such file or directory`);
        }
        st.sysctls.set(op.key, op.value);
        return;
      }
    }
  }

  /** The kernel's connected ("proto kernel") prefix routes exist only for addresses on links that are up. */
  private syncConnectedRoutes(st: NsState): void {
    const want: Route[] = [];
    for (const a of st.addresses) {
      const link = st.links.find((l) => l.name === a.dev);
      const c = parseCidr(a.cidr);
      if (!link?.up || a.noPrefixRoute || c.prefix === (a.family === 4 ? 32 : 128)) continue;
      const dst = formatCidr(networkOf(c));
      if (want.some((r) => r.dst === dst && r.dev === a.dev)) continue;
      want.push({
        dst,
        family: a.family,
        table: 254,
        dev: a.dev,
        scope: a.family === 4 ? 'link' : 'global',
        type: 'unicast',
        protocol: 'kernel',
        ...(a.family === 4 ? { src: formatCidr(c).split('/')[0] } : {}),
      });
    }
    st.routes = [...st.routes.filter((r) => r.protocol !== 'kernel'), ...want];
  }

  private sysctlExists(st: NsState, key: string): boolean {
    if (key.startsWith('net/ipv6/') && this.o.ipv6 === false) return false;
    const m = /^net\/ipv[46]\/(conf|neigh)\/([^/]+)\//.exec(key);
    if (m && !['all', 'default'].includes(m[2])) return st.links.some((l) => l.name === m[2]);
    return true;
  }

  private applyRoute(st: NsState, mode: 'add' | 'replace' | 'delete', r: NormRoute): void {
    if (r.dev && mode !== 'delete') this.link(st, r.dev);
    const route: Route = {
      dst: r.dst,
      family: r.family,
      table: r.table,
      ...(r.dev ? { dev: r.dev } : {}),
      ...(r.via ? { via: r.via } : {}),
      scope: r.scope ?? (r.via ? 'global' : r.type === 'local' ? 'host' : 'global'),
      ...(r.src ? { src: r.src } : {}),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
      type: r.type ?? 'unicast',
      protocol: 'boot',
    };
    const key = (x: Route) => `${x.family}|${x.table}|${x.dst}|${x.metric ?? 0}|${x.type}`;
    const i = st.routes.findIndex((x) => key(x) === key(route));
    if (mode === 'add') {
      if (i >= 0) fail('exists', 'file exists');
      st.routes.push(route);
    } else if (mode === 'replace') {
      if (i >= 0) st.routes[i] = route;
      else st.routes.push(route);
    } else {
      const j = st.routes.findIndex(
        (x) =>
          x.family === r.family &&
          x.table === r.table &&
          x.dst === r.dst &&
          (!r.dev || x.dev === r.dev) &&
          (!r.via || x.via === r.via) &&
          (r.metric === undefined || (x.metric ?? 0) === r.metric),
      );
      if (j < 0) fail('not-found', 'no such process');
      st.routes.splice(j, 1);
    }
  }

  netnsExists(netns: NetnsRef): Promise<boolean> {
    return Promise.resolve(this.ns.has(keyOf(netns)));
  }

  createNetns(name: string): Promise<NetnsRef> {
    const ref = netnsByName(validateNetnsName(name));
    if (this.ns.has(keyOf(ref)))
      return Promise.reject(
        new KernelError({ kind: 'exists', op: 'create netns', object: name, detail: 'file exists' }),
      );
    this.addNs(ref);
    return Promise.resolve(ref);
  }

  deleteNetns(name: string, opts: DeleteOptions = {}): Promise<void> {
    const ref = netnsByName(validateNetnsName(name));
    if (!this.ns.has(keyOf(ref))) {
      return opts.missingOk
        ? Promise.resolve()
        : Promise.reject(
            new KernelError({
              kind: 'not-found',
              op: 'delete netns',
              object: name,
              detail: 'no such file or directory',
            }),
          );
    }
    this.removeNetns(ref);
    return Promise.resolve();
  }

  private linkView(st: NsState, l: FakeLink): Link {
    const peerIndex = l.peer ? this.ns.get(l.peer.ns)?.links.find((x) => x.name === l.peer!.name)?.index : undefined;
    const parentIndex = l.parent ? st.links.find((x) => x.name === l.parent)?.index : undefined;
    return {
      index: l.index,
      name: l.name,
      ...(l.name === 'lo' ? {} : { mac: l.mac }),
      mtu: l.mtu,
      up: l.up,
      operState: l.name === 'lo' ? 'UNKNOWN' : l.up ? 'UP' : 'DOWN',
      ...(l.kind ? { kind: l.kind } : {}),
      ...((peerIndex ?? parentIndex) ? { linkIndex: peerIndex ?? parentIndex } : {}),
      ...(l.vlanId !== undefined ? { vlanId: l.vlanId } : {}),
    };
  }

  async listLinks(netns: NetnsRef): Promise<Link[]> {
    const st = this.state(netns, 'list links');
    return st.links.map((l) => this.linkView(st, l));
  }

  async getLink(netns: NetnsRef, name: string): Promise<Link | undefined> {
    validateIfName(name);
    return (await this.listLinks(netns)).find((l) => l.name === name);
  }

  async findLinkByMac(netns: NetnsRef, mac: string): Promise<Link | undefined> {
    const m = validateMac(mac);
    return (await this.listLinks(netns)).find((l) => l.mac === m);
  }

  async findLinkByIndex(netns: NetnsRef, index: number): Promise<Link | undefined> {
    return (await this.listLinks(netns)).find((l) => l.index === index);
  }

  async listAddresses(netns: NetnsRef, filter: { dev?: string; family?: IpFamily } = {}): Promise<Address[]> {
    const st = this.state(netns, 'list addresses');
    if (filter.dev) this.linkOrThrow(st, filter.dev, netns, 'list addresses');
    return st.addresses
      .filter((a) => (!filter.dev || a.dev === filter.dev) && (!filter.family || a.family === filter.family))
      .map(({ dadPolls: _p, ...a }) => ({ ...a }));
  }

  private linkOrThrow(st: NsState, dev: string, netns: NetnsRef, op: string): void {
    if (!st.links.some((l) => l.name === dev))
      throw new KernelError({
        kind: 'not-found',
        op,
        netns: describeNetns(netns),
        detail: `device "${dev}" does not exist`,
      });
  }

  async listRoutes(netns: NetnsRef, filter: RouteFilter = {}): Promise<Route[]> {
    const st = this.state(netns, 'list routes');
    const table = filter.table === 'all' ? undefined : validateTable(filter.table ?? 'main');
    return st.routes
      .filter((r) => (table === undefined || r.table === table) && (!filter.family || r.family === filter.family))
      .map((r) => ({ ...r }));
  }

  async listRules(netns: NetnsRef, family?: IpFamily): Promise<Rule[]> {
    const st = this.state(netns, 'list rules');
    return st.rules
      .filter((r) => !family || r.family === family)
      .sort((a, b) => a.family - b.family || a.priority - b.priority)
      .map((r) => ({ ...r }));
  }

  async listNeighbours(netns: NetnsRef, filter: { dev?: string; family?: IpFamily } = {}): Promise<Neighbour[]> {
    const st = this.state(netns, 'list neighbours');
    return st.neighbours
      .filter((n) => (!filter.dev || n.dev === filter.dev) && (!filter.family || n.family === filter.family))
      .map((n) => ({ ...n }));
  }

  async snapshot(netns: NetnsRef): Promise<KernelSnapshot> {
    return {
      links: await this.listLinks(netns),
      addresses: await this.listAddresses(netns),
      routes: await this.listRoutes(netns, { table: 'all' }),
      rules: await this.listRules(netns),
      neighbours: await this.listNeighbours(netns),
    };
  }

  async waitForDad(netns: NetnsRef, opts: WaitForDadOptions = {}): Promise<void> {
    const st = this.state(netns, 'wait for DAD');
    const mine = () => st.addresses.filter((a) => a.family === 6 && (!opts.dev || a.dev === opts.dev));
    const maxPolls = Math.max(1, Math.ceil((opts.timeoutMs ?? 10_000) / (opts.intervalMs ?? 50)));
    for (let poll = 0; ; poll++) {
      const failed = mine().find((a) => a.dadFailed);
      if (failed)
        throw new KernelError({
          kind: 'failed',
          op: 'wait for DAD',
          object: `${failed.cidr} dev ${failed.dev}`,
          netns: describeNetns(netns),
          detail: 'duplicate address detected',
        });
      const pending = mine().filter((a) => a.tentative);
      if (pending.length === 0) return;
      if (poll >= maxPolls) {
        throw new KernelError({
          kind: 'timeout',
          op: 'wait for DAD',
          object: pending.map((a) => `${a.cidr} dev ${a.dev}`).join(', '),
          netns: describeNetns(netns),
          detail: 'still tentative',
        });
      }
      for (const a of pending) if (--a.dadPolls <= 0) a.tentative = false;
    }
  }

  /** Test hook: marks an address as having failed DAD. */
  failDad(netns: NetnsRef, dev: string, cidr: string): void {
    const a = this.state(netns, 'fail DAD').addresses.find(
      (x) => x.dev === dev && x.cidr === formatCidr(parseCidr(cidr, { hostIfBare: true })),
    );
    if (a) Object.assign(a, { dadFailed: true, tentative: false });
  }

  async readSysctl(netns: NetnsRef, key: string): Promise<string | undefined> {
    const st = this.state(netns, 'read sysctl');
    const k = sysctlPath(key);
    if (!this.sysctlExists(st, k)) return undefined;
    return st.sysctls.get(k) ?? '0';
  }

  async setSysctls(netns: NetnsRef, specs: readonly SysctlSpec[]): Promise<void> {
    const ops = specs.map(sysctlOp);
    if (ops.length) this.execute(netns, ops);
  }
}

function ruleOf(r: NormRule): Rule {
  const out: Record<string, unknown> = { family: r.family, priority: r.priority, table: r.table };
  for (const k of ['from', 'to', 'iif', 'oif', 'fwmark', 'fwmask', 'ipproto'] as const)
    if (r[k] !== undefined) out[k] = r[k];
  return out as unknown as Rule;
}

function sameRule(a: Rule, b: Rule): boolean {
  const keys = ['family', 'priority', 'table', 'from', 'to', 'iif', 'oif', 'fwmark', 'fwmask', 'ipproto'] as const;
  return keys.every((k) => a[k] === b[k]);
}

function matchesRule(r: Rule, m: NormRuleMatch): boolean {
  const keys = ['priority', 'table', 'from', 'to', 'iif', 'oif', 'fwmark', 'fwmask'] as const;
  return keys.every((k) => m[k] === undefined || r[k] === m[k]);
}

/** True when `ip` is inside any address prefix of the namespace (helper for callers' assertions). */
export function addressCovers(addresses: readonly Address[], ip: string): boolean {
  const a = parseIp(ip);
  return addresses.some((x) => cidrContains(parseCidr(x.cidr), a));
}
