// SPDX-License-Identifier: Apache-2.0
/**
 * The operations a {@link KernelBatch} queues, validated and canonical. Both the iproute2 adapter and the fake
 * consume these, so they accept and reject exactly the same input.
 */
import { KernelError } from './errors';
import { type IpFamily, formatCidr, formatIp, parseCidr, parseIp } from './ip';
import { type NetnsRef, describeNetns } from './netns';
import {
  type AddressScope,
  type AddressSpec,
  type NeighbourSpec,
  type RouteScope,
  type RouteSpec,
  type RuleMatch,
  type RuleSpec,
  type SysctlSpec,
  type VethSpec,
  type VlanSpec,
} from './types';
import {
  tableName,
  validateIfName,
  validateMac,
  validateMtu,
  validateSysctlKey,
  validateSysctlValue,
  validateTable,
  validateU32,
  validateVlanId,
} from './validate';

/** Which failure of an operation counts as success (idempotent variants). */
export type Tolerate = 'exists' | 'not-found';

export interface NormRoute {
  readonly dst: string;
  readonly family: IpFamily;
  readonly table: number;
  readonly dev?: string;
  readonly via?: string;
  readonly scope?: RouteScope;
  readonly src?: string;
  readonly metric?: number;
  readonly type?: 'unicast' | 'local' | 'blackhole' | 'unreachable' | 'throw';
}

export interface NormRule {
  readonly family: IpFamily;
  readonly priority: number;
  readonly table: number;
  readonly from?: string;
  readonly to?: string;
  readonly iif?: string;
  readonly oif?: string;
  readonly fwmark?: number;
  readonly fwmask?: number;
  readonly ipproto?: string;
}

export interface NormRuleMatch extends Partial<Omit<NormRule, 'family'>> {
  readonly family: IpFamily;
}

export type KernelOp = { readonly tolerate?: Tolerate } & (
  | {
      readonly kind: 'add-veth';
      readonly name: string;
      readonly peerName: string;
      readonly peerNetns?: NetnsRef;
      readonly mac?: string;
      readonly peerMac?: string;
      readonly mtu?: number;
    }
  | { readonly kind: 'add-ifb'; readonly name: string; readonly mtu?: number }
  | {
      readonly kind: 'add-vlan';
      readonly name: string;
      readonly parent: string;
      readonly vlanId: number;
      readonly mac?: string;
      readonly mtu?: number;
    }
  | {
      readonly kind: 'set-link';
      readonly name: string;
      readonly up?: boolean;
      readonly mtu?: number;
      readonly mac?: string;
      readonly newName?: string;
      readonly netns?: NetnsRef;
    }
  | { readonly kind: 'delete-link'; readonly name: string }
  | {
      readonly kind: 'add-address';
      readonly dev: string;
      readonly cidr: string;
      readonly family: IpFamily;
      readonly scope?: AddressScope;
      readonly noPrefixRoute?: boolean;
      readonly noDad?: boolean;
    }
  | { readonly kind: 'delete-address'; readonly dev: string; readonly cidr: string; readonly family: IpFamily }
  | { readonly kind: 'route'; readonly mode: 'add' | 'replace' | 'delete'; readonly route: NormRoute }
  | { readonly kind: 'add-rule' | 'delete-rule'; readonly rule: NormRule }
  | { readonly kind: 'flush-rules'; readonly match: NormRuleMatch }
  | {
      readonly kind: 'replace-neighbour';
      readonly dev: string;
      readonly ip: string;
      readonly family: IpFamily;
      readonly mac: string;
    }
  | { readonly kind: 'delete-neighbour'; readonly dev: string; readonly ip: string; readonly family: IpFamily }
  | { readonly kind: 'sysctl'; readonly key: string; readonly value: string; readonly optional: boolean }
);

// ---- normalisation ------------------------------------------------------------------------------------------

/** Slash form of a sysctl key ("net.ipv4.ip_forward" -> "net/ipv4/ip_forward"); a key with '/' is kept as is. */
export function sysctlPath(key: string): string {
  validateSysctlKey(key);
  return key.includes('/') ? key.replace(/^\/+/, '') : key.replace(/\./g, '/');
}

function addrFamily(text: string | undefined): IpFamily | undefined {
  return text === undefined ? undefined : parseCidr(text, { hostIfBare: true }).address.family;
}

function sameFamily(op: string, fams: Array<IpFamily | undefined>, fallback: IpFamily | undefined): IpFamily {
  const known = fams.filter((f): f is IpFamily => f !== undefined);
  if (known.some((f) => f !== known[0])) {
    throw new KernelError({ kind: 'invalid-argument', op, detail: 'mixes IPv4 and IPv6 addresses' });
  }
  return known[0] ?? fallback ?? 4;
}

export function normRoute(r: RouteSpec): NormRoute {
  const isDefault = r.dst === 'default';
  const dstCidr = isDefault ? undefined : parseCidr(r.dst, { hostIfBare: true });
  const via = r.via === undefined ? undefined : parseIp(r.via);
  const src = r.src === undefined ? undefined : parseIp(r.src);
  const family = sameFamily('route', [dstCidr?.address.family, via?.family, src?.family], r.family);
  if (r.dev === undefined && via === undefined && (r.type ?? 'unicast') === 'unicast') {
    throw new KernelError({
      kind: 'invalid-argument',
      op: 'route',
      object: r.dst,
      detail: 'needs a device or a gateway',
    });
  }
  return {
    dst: dstCidr ? formatCidr(dstCidr) : 'default',
    family,
    table: r.table === undefined ? 254 : validateTable(r.table),
    dev: r.dev === undefined ? undefined : validateIfName(r.dev, 'route device'),
    via: via && formatIp(via),
    scope: r.scope,
    src: src && formatIp(src),
    metric: r.metric === undefined ? undefined : validateU32(r.metric, 'route metric'),
    type: r.type && r.type !== 'unicast' ? r.type : undefined,
  };
}

function normSelectors(r: RuleMatch | RuleSpec) {
  const from = r.from === undefined ? undefined : formatCidr(parseCidr(r.from, { hostIfBare: true }));
  const to = r.to === undefined ? undefined : formatCidr(parseCidr(r.to, { hostIfBare: true }));
  const family = sameFamily('rule', [addrFamily(from), addrFamily(to)], r.family);
  return {
    family,
    from,
    to,
    iif: r.iif === undefined ? undefined : validateIfName(r.iif, 'rule iif'),
    oif: r.oif === undefined ? undefined : validateIfName(r.oif, 'rule oif'),
    fwmark: r.fwmark === undefined ? undefined : validateU32(r.fwmark, 'rule fwmark'),
    fwmask: r.fwmask === undefined ? undefined : validateU32(r.fwmask, 'rule fwmask'),
  };
}

export function normRule(r: RuleSpec): NormRule {
  const sel = normSelectors(r);
  if (r.ipproto !== undefined && !['icmp', 'ipv6-icmp', 'tcp', 'udp'].includes(r.ipproto)) {
    throw new KernelError({
      kind: 'invalid-argument',
      op: 'rule',
      detail: `unknown ipproto ${JSON.stringify(r.ipproto)}`,
    });
  }
  return {
    ...sel,
    priority: validateU32(r.priority, 'rule priority'),
    table: validateTable(r.table),
    ipproto: r.ipproto,
  };
}

export function normRuleMatch(m: RuleMatch): NormRuleMatch {
  const sel = normSelectors(m);
  const out: NormRuleMatch = {
    ...sel,
    priority: m.priority === undefined ? undefined : validateU32(m.priority, 'rule priority'),
    table: m.table === undefined ? undefined : validateTable(m.table),
  };
  const selectors = Object.entries(out).filter(([k]) => k !== 'family');
  if (selectors.every(([, v]) => v === undefined)) {
    throw new KernelError({
      kind: 'invalid-argument',
      op: 'delete rules',
      detail: 'needs at least one selector (refusing to flush all rules)',
    });
  }
  return out;
}

// ---- descriptions for errors ----------------------------------------------------------------------------------

export function describeRoute(r: NormRoute): string {
  return [
    r.type,
    r.dst,
    r.via && `via ${r.via}`,
    r.dev && `dev ${r.dev}`,
    `table ${tableName(r.table)}`,
    r.scope && r.scope !== 'global' ? `scope ${r.scope}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}

export function describeRule(r: Partial<NormRule>): string {
  return (
    [
      r.from && `from ${r.from}`,
      r.to && `to ${r.to}`,
      r.iif && `iif ${r.iif}`,
      r.oif && `oif ${r.oif}`,
      r.fwmark !== undefined &&
        `fwmark 0x${r.fwmark.toString(16)}${r.fwmask !== undefined ? `/0x${r.fwmask.toString(16)}` : ''}`,
      r.ipproto && `ipproto ${r.ipproto}`,
      r.table !== undefined && `table ${tableName(r.table)}`,
      r.priority !== undefined && `priority ${r.priority}`,
    ]
      .filter(Boolean)
      .join(' ') || 'all'
  );
}

/** "add route" + "10.99.1.2/32 dev eni1 table main": what an error message names. */
export function describeOp(op: KernelOp): { op: string; object: string } {
  switch (op.kind) {
    case 'add-veth':
      return {
        op: 'add veth',
        object: `${op.name} (peer ${op.peerName}${op.peerNetns ? ` in ${describeNetns(op.peerNetns)}` : ''})`,
      };
    case 'add-ifb':
      return { op: 'add ifb', object: op.name };
    case 'add-vlan':
      return { op: 'add vlan', object: `${op.name} (parent ${op.parent}, id ${op.vlanId})` };
    case 'set-link': {
      const what = [
        op.up === undefined ? undefined : op.up ? 'up' : 'down',
        op.mtu !== undefined && `mtu ${op.mtu}`,
        op.mac && `address ${op.mac}`,
        op.newName && `name ${op.newName}`,
        op.netns && `to ${describeNetns(op.netns)}`,
      ].filter(Boolean);
      return { op: 'set link', object: `${op.name} ${what.join(' ')}` };
    }
    case 'delete-link':
      return { op: 'delete link', object: op.name };
    case 'add-address':
      return { op: 'add address', object: `${op.cidr} dev ${op.dev}` };
    case 'delete-address':
      return { op: 'delete address', object: `${op.cidr} dev ${op.dev}` };
    case 'route':
      return { op: `${op.mode} route`, object: describeRoute(op.route) };
    case 'add-rule':
      return { op: 'add rule', object: describeRule(op.rule) };
    case 'delete-rule':
      return { op: 'delete rule', object: describeRule(op.rule) };
    case 'flush-rules':
      return { op: 'delete rules', object: describeRule(op.match) };
    case 'replace-neighbour':
      return { op: 'replace neighbour', object: `${op.ip} lladdr ${op.mac} dev ${op.dev}` };
    case 'delete-neighbour':
      return { op: 'delete neighbour', object: `${op.ip} dev ${op.dev}` };
    case 'sysctl':
      return { op: 'set sysctl', object: `${op.key}=${op.value}` };
  }
}

// ---- building ops from caller input -----------------------------------------------------------------------------

const opt = <T, R>(v: T | undefined, f: (x: T) => R): R | undefined => (v === undefined ? undefined : f(v));

export function vethOp(s: VethSpec): KernelOp {
  return {
    kind: 'add-veth',
    name: validateIfName(s.name, 'veth name'),
    peerName: validateIfName(s.peerName, 'veth peer name'),
    peerNetns: s.peerNetns,
    mac: opt(s.mac, (m) => validateMac(m)),
    peerMac: opt(s.peerMac, (m) => validateMac(m, 'peer MAC address')),
    mtu: opt(s.mtu, validateMtu),
  };
}

export function vlanOp(s: VlanSpec): KernelOp {
  return {
    kind: 'add-vlan',
    name: validateIfName(s.name, 'VLAN link name'),
    parent: validateIfName(s.parent, 'VLAN parent'),
    vlanId: validateVlanId(s.vlanId),
    mac: opt(s.mac, (m) => validateMac(m)),
    mtu: opt(s.mtu, validateMtu),
  };
}

export function addressOp(s: AddressSpec): KernelOp {
  const c = parseCidr(s.cidr, { hostIfBare: true });
  if (s.scope !== undefined && !['global', 'link', 'host', 'site'].includes(s.scope)) {
    throw new KernelError({
      kind: 'invalid-argument',
      op: 'add address',
      detail: `bad scope ${JSON.stringify(s.scope)}`,
    });
  }
  return {
    kind: 'add-address',
    dev: validateIfName(s.dev),
    cidr: formatCidr(c),
    family: c.address.family,
    scope: s.scope,
    noPrefixRoute: s.noPrefixRoute,
    noDad: s.noDad,
  };
}

export function neighbourOp(s: NeighbourSpec): KernelOp {
  const ip = parseIp(s.ip);
  return {
    kind: 'replace-neighbour',
    dev: validateIfName(s.dev),
    ip: formatIp(ip),
    family: ip.family,
    mac: validateMac(s.mac),
  };
}

export function sysctlOp(s: SysctlSpec): KernelOp {
  return { kind: 'sysctl', key: sysctlPath(s.key), value: validateSysctlValue(s.value), optional: !!s.optional };
}
