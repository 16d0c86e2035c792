// SPDX-License-Identifier: Apache-2.0
/**
 * Pure translation of {@link KernelOp}s into `ip -batch` lines, and of a batch into process steps. Values are
 * validated before they get here (no whitespace, quotes or '#' can reach a line), so a line is a plain
 * space-separated list of words.
 */
import { type NetnsRef, netnsFile, sameNetns } from './netns';
import { type KernelOp, type NormRoute, type NormRuleMatch } from './ops';
import { tableName } from './validate';

/** How a step runs: an `ip -batch` (IPv4 or `-6`), or sysctl writes. */
export type StepKind = 'ip' | 'ip6' | 'sysctl';

/** Consecutive operations that run in one process. */
export interface Step {
  readonly kind: StepKind;
  /** Index in the batch of the step's first operation. */
  readonly first: number;
  readonly ops: readonly KernelOp[];
  /** Index in the batch of each operation (operations may have been dropped before planning). */
  readonly indexes: readonly number[];
}

/** Which step kind an operation needs. IPv6 rules need `ip -6` (iproute2 does not infer the family for rules). */
export function stepKindOf(op: KernelOp): StepKind {
  if (op.kind === 'sysctl') return 'sysctl';
  if ((op.kind === 'add-rule' || op.kind === 'delete-rule') && op.rule.family === 6) return 'ip6';
  if (op.kind === 'flush-rules' && op.match.family === 6) return 'ip6';
  return 'ip';
}

/**
 * Splits a batch into steps, keeping order and merging neighbours of the same kind. `indexes` gives each op's
 * index in the caller's batch (default 0..n-1).
 */
export function planSteps(ops: readonly KernelOp[], indexes?: readonly number[]): Step[] {
  const steps: Array<{ kind: StepKind; first: number; ops: KernelOp[]; indexes: number[] }> = [];
  ops.forEach((op, i) => {
    const kind = stepKindOf(op);
    const index = indexes ? indexes[i] : i;
    const last = steps[steps.length - 1];
    if (last && last.kind === kind) {
      last.ops.push(op);
      last.indexes.push(index);
    } else steps.push({ kind, first: index, ops: [op], indexes: [index] });
  });
  return steps;
}

/**
 * How to name `target` from inside `current` in an `ip ... netns X` argument: a name for named namespaces, a
 * path otherwise; the host is `/proc/<our pid>/ns/net`. `undefined` when they are the same.
 */
export function netnsArg(target: NetnsRef, current: NetnsRef, selfPid: number): string | undefined {
  if (sameNetns(target, current)) return undefined;
  if (target.kind === 'name') return target.name;
  return netnsFile(target) ?? `/proc/${selfPid}/ns/net`;
}

function routeWords(mode: string, r: NormRoute): string[] {
  const dst = r.dst === 'default' ? (r.family === 6 ? '::/0' : '0.0.0.0/0') : r.dst;
  const w = ['route', mode];
  if (r.type) w.push(r.type);
  w.push(dst);
  if (r.via) w.push('via', r.via);
  if (r.dev) w.push('dev', r.dev);
  w.push('table', tableName(r.table));
  if (r.scope) w.push('scope', r.scope);
  if (r.src) w.push('src', r.src);
  if (r.metric !== undefined) w.push('metric', String(r.metric));
  return w;
}

function selectorWords(r: Partial<NormRuleMatch> & { ipproto?: string }): string[] {
  const w: string[] = [];
  if (r.from) w.push('from', r.from);
  if (r.to) w.push('to', r.to);
  if (r.iif) w.push('iif', r.iif);
  if (r.oif) w.push('oif', r.oif);
  if (r.fwmark !== undefined)
    w.push('fwmark', `0x${r.fwmark.toString(16)}${r.fwmask !== undefined ? `/0x${r.fwmask.toString(16)}` : ''}`);
  if (r.ipproto) w.push('ipproto', r.ipproto);
  if (r.priority !== undefined) w.push('priority', String(r.priority));
  if (r.table !== undefined) w.push('table', tableName(r.table));
  return w;
}

/** The `ip -batch` line for one operation (not for sysctls). */
export function ipBatchLine(op: KernelOp, current: NetnsRef, selfPid: number): string {
  const w: string[] = [];
  switch (op.kind) {
    case 'add-veth': {
      w.push('link', 'add', op.name);
      if (op.mac) w.push('address', op.mac);
      if (op.mtu !== undefined) w.push('mtu', String(op.mtu));
      w.push('type', 'veth', 'peer', 'name', op.peerName);
      if (op.peerMac) w.push('address', op.peerMac);
      if (op.mtu !== undefined) w.push('mtu', String(op.mtu));
      const ns = op.peerNetns && netnsArg(op.peerNetns, current, selfPid);
      if (ns) w.push('netns', ns);
      break;
    }
    case 'add-ifb':
      w.push('link', 'add', op.name);
      if (op.mtu !== undefined) w.push('mtu', String(op.mtu));
      w.push('type', 'ifb');
      break;
    case 'add-vlan':
      w.push('link', 'add', 'link', op.parent, 'name', op.name);
      if (op.mac) w.push('address', op.mac);
      if (op.mtu !== undefined) w.push('mtu', String(op.mtu));
      w.push('type', 'vlan', 'id', String(op.vlanId));
      break;
    case 'set-link': {
      w.push('link', 'set', 'dev', op.name);
      if (op.up !== undefined) w.push(op.up ? 'up' : 'down');
      if (op.mtu !== undefined) w.push('mtu', String(op.mtu));
      if (op.mac) w.push('address', op.mac);
      if (op.newName) w.push('name', op.newName);
      const ns = op.netns && netnsArg(op.netns, current, selfPid);
      if (ns) w.push('netns', ns);
      break;
    }
    case 'delete-link':
      w.push('link', 'del', 'dev', op.name);
      break;
    case 'add-address':
      w.push('addr', 'add', op.cidr, 'dev', op.dev);
      if (op.scope) w.push('scope', op.scope);
      if (op.noPrefixRoute) w.push('noprefixroute');
      if (op.noDad && op.family === 6) w.push('nodad');
      break;
    case 'delete-address':
      w.push('addr', 'del', op.cidr, 'dev', op.dev);
      break;
    case 'route':
      w.push(...routeWords(op.mode === 'delete' ? 'del' : op.mode, op.route));
      break;
    case 'add-rule':
    case 'delete-rule':
      w.push('rule', op.kind === 'add-rule' ? 'add' : 'del', ...selectorWords(op.rule));
      break;
    case 'flush-rules':
      w.push('rule', 'flush', ...selectorWords(op.match));
      break;
    case 'replace-neighbour':
      w.push('neigh', 'replace', op.ip, 'lladdr', op.mac, 'dev', op.dev, 'nud', 'permanent');
      break;
    case 'delete-neighbour':
      w.push('neigh', 'del', op.ip, 'dev', op.dev);
      break;
    case 'sysctl':
      throw new Error('sysctl operations are not ip batch lines');
  }
  return w.join(' ');
}
