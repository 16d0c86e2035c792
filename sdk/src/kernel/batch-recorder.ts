// SPDX-License-Identifier: Apache-2.0
/**
 * A {@link KernelBatch} that validates and records operations, and hands them to an executor on commit. The
 * iproute2 adapter and the fake share it, so both accept exactly the same input.
 */
import { KernelError } from './errors';
import { type AddOptions, type BatchResult, type DeleteOptions, type KernelBatch } from './kernel-port';
import { type NetnsRef, describeNetns } from './netns';
import {
  type KernelOp,
  type Tolerate,
  addressOp,
  neighbourOp,
  normRoute,
  normRule,
  normRuleMatch,
  sysctlOp,
  vethOp,
  vlanOp,
} from './ops';
import { formatCidr, formatIp, parseCidr, parseIp } from './ip';
import {
  type AddressSpec,
  type NeighbourSpec,
  type RouteSpec,
  type RuleMatch,
  type RuleSpec,
  type SysctlSpec,
  type VethSpec,
  type VlanSpec,
} from './types';
import { validateIfName, validateMac, validateMtu } from './validate';

export type BatchExecutor = (netns: NetnsRef, ops: readonly KernelOp[]) => Promise<BatchResult>;

const ex = (o?: AddOptions): Tolerate | undefined => (o?.existOk ? 'exists' : undefined);
const nf = (o?: DeleteOptions): Tolerate | undefined => (o?.missingOk ? 'not-found' : undefined);

export class BatchRecorder implements KernelBatch {
  private readonly ops: KernelOp[] = [];
  private committed = false;

  constructor(
    readonly netns: NetnsRef,
    private readonly execute: BatchExecutor,
  ) {}

  get size(): number {
    return this.ops.length;
  }

  private push(op: KernelOp, tolerate: Tolerate | undefined): this {
    if (this.committed) {
      throw new KernelError({
        kind: 'invalid-argument',
        op: 'queue operation',
        netns: describeNetns(this.netns),
        detail: 'batch already committed',
      });
    }
    this.ops.push(tolerate ? { ...op, tolerate } : op);
    return this;
  }

  addVeth(spec: VethSpec, opts?: AddOptions): this {
    return this.push(vethOp(spec), ex(opts));
  }
  addIfb(name: string, opts?: AddOptions & { readonly mtu?: number }): this {
    const mtu = opts?.mtu === undefined ? undefined : validateMtu(opts.mtu);
    return this.push({ kind: 'add-ifb', name: validateIfName(name, 'ifb name'), mtu }, ex(opts));
  }
  addVlan(spec: VlanSpec, opts?: AddOptions): this {
    return this.push(vlanOp(spec), ex(opts));
  }
  setLinkUp(name: string): this {
    return this.push({ kind: 'set-link', name: validateIfName(name), up: true }, undefined);
  }
  setLinkDown(name: string): this {
    return this.push({ kind: 'set-link', name: validateIfName(name), up: false }, undefined);
  }
  setLinkMtu(name: string, mtu: number): this {
    return this.push({ kind: 'set-link', name: validateIfName(name), mtu: validateMtu(mtu) }, undefined);
  }
  setLinkMac(name: string, mac: string): this {
    return this.push({ kind: 'set-link', name: validateIfName(name), mac: validateMac(mac) }, undefined);
  }
  renameLink(name: string, newName: string): this {
    return this.push(
      { kind: 'set-link', name: validateIfName(name), newName: validateIfName(newName, 'new interface name') },
      undefined,
    );
  }
  moveLink(name: string, to: NetnsRef): this {
    return this.push({ kind: 'set-link', name: validateIfName(name), netns: to }, undefined);
  }
  deleteLink(name: string, opts?: DeleteOptions): this {
    return this.push({ kind: 'delete-link', name: validateIfName(name) }, nf(opts));
  }
  addAddress(spec: AddressSpec, opts?: AddOptions): this {
    return this.push(addressOp(spec), ex(opts));
  }
  deleteAddress(dev: string, cidr: string, opts?: DeleteOptions): this {
    const c = parseCidr(cidr, { hostIfBare: true });
    return this.push(
      { kind: 'delete-address', dev: validateIfName(dev), cidr: formatCidr(c), family: c.address.family },
      nf(opts),
    );
  }
  addRoute(spec: RouteSpec, opts?: AddOptions): this {
    return this.push({ kind: 'route', mode: 'add', route: normRoute(spec) }, ex(opts));
  }
  replaceRoute(spec: RouteSpec): this {
    return this.push({ kind: 'route', mode: 'replace', route: normRoute(spec) }, undefined);
  }
  deleteRoute(spec: RouteSpec, opts?: DeleteOptions): this {
    return this.push({ kind: 'route', mode: 'delete', route: normRoute(spec) }, nf(opts));
  }
  addRule(spec: RuleSpec, opts?: AddOptions): this {
    return this.push({ kind: 'add-rule', rule: normRule(spec) }, ex(opts));
  }
  deleteRule(spec: RuleSpec, opts?: DeleteOptions): this {
    return this.push({ kind: 'delete-rule', rule: normRule(spec) }, nf(opts));
  }
  deleteRules(match: RuleMatch): this {
    return this.push({ kind: 'flush-rules', match: normRuleMatch(match) }, undefined);
  }
  replaceNeighbour(spec: NeighbourSpec): this {
    return this.push(neighbourOp(spec), undefined);
  }
  deleteNeighbour(dev: string, ip: string, opts?: DeleteOptions): this {
    const a = parseIp(ip);
    return this.push(
      { kind: 'delete-neighbour', dev: validateIfName(dev), ip: formatIp(a), family: a.family },
      nf(opts),
    );
  }
  setSysctl(spec: SysctlSpec): this {
    return this.push(sysctlOp(spec), undefined);
  }

  async commit(): Promise<BatchResult> {
    if (this.committed) {
      throw new KernelError({
        kind: 'invalid-argument',
        op: 'commit batch',
        netns: describeNetns(this.netns),
        detail: 'batch already committed',
      });
    }
    this.committed = true;
    if (this.ops.length === 0) return { applied: 0, tolerated: 0, spawns: 0 };
    return this.execute(this.netns, this.ops);
  }
}
