// SPDX-License-Identifier: Apache-2.0
/**
 * A stateful in-memory {@link TrafficControl}: root tbf and ingress qdiscs and ingress redirects per device.
 * With a {@link FakeKernel}, devices must exist there (`not-found` otherwise), like the real tc.
 */
import { KernelError, type KernelErrorKind } from '../errors';
import { type BatchResult } from '../kernel-port';
import { type NetnsRef, describeNetns, netnsFile } from '../netns';
import { TcBatchRecorder } from '../tc-adapter';
import { type TcOp, describeTcOp } from '../tc-commands';
import { type Qdisc, type TcBatch, type TcFilter, type TrafficControl } from '../tc-port';
import { type FakeKernel } from './fake-kernel';

interface DevState {
  tbf?: { rate: number; burst: number; handle: string };
  ingress: boolean;
  redirects: { to: string; flowid?: string }[];
}

export class FakeTrafficControl implements TrafficControl {
  private readonly state = new Map<string, Map<string, DevState>>();
  private handles = 0x8000;

  constructor(private readonly kernel?: FakeKernel) {}

  private devs(ns: NetnsRef): Map<string, DevState> {
    const k = netnsFile(ns) ?? 'host';
    if (!this.state.has(k)) this.state.set(k, new Map());
    return this.state.get(k)!;
  }

  private dev(ns: NetnsRef, name: string): DevState {
    if (this.kernel && !this.kernel.hasLink(ns, name))
      throw Object.assign(new Error(`cannot find device "${name}"`), { fakeKind: 'not-found' });
    const d = this.devs(ns);
    if (!d.has(name)) d.set(name, { ingress: false, redirects: [] });
    return d.get(name)!;
  }

  batch(netns: NetnsRef): TcBatch {
    return new TcBatchRecorder(netns, (ns, ops) => Promise.resolve(this.execute(ns, ops)));
  }

  private execute(ns: NetnsRef, ops: readonly TcOp[]): BatchResult {
    let tolerated = 0;
    ops.forEach((op, i) => {
      try {
        this.apply(ns, op);
      } catch (e) {
        const kind = (e as { fakeKind?: KernelErrorKind }).fakeKind;
        if (!kind) throw e;
        if (op.tolerate === kind) {
          tolerated++;
          return;
        }
        throw new KernelError({
          kind,
          ...describeTcOp(op),
          netns: describeNetns(ns),
          detail: (e as Error).message,
          opIndex: i,
          applied: i,
        });
      }
    });
    return { applied: ops.length, tolerated, spawns: 0 };
  }

  private apply(ns: NetnsRef, op: TcOp): void {
    const d = this.dev(ns, op.dev);
    const fail = (kind: KernelErrorKind, msg: string): never => {
      throw Object.assign(new Error(msg), { fakeKind: kind });
    };
    switch (op.kind) {
      case 'tbf':
        d.tbf = {
          rate: op.rate,
          burst: op.burst,
          handle: op.handle ?? d.tbf?.handle ?? `${(++this.handles).toString(16)}:`,
        };
        return;
      case 'ingress':
        if (d.ingress) fail('exists', 'exclusivity flag on, cannot modify');
        d.ingress = true;
        return;
      case 'redirect':
        if (!d.ingress) fail('invalid-argument', 'parent qdisc ffff: does not exist');
        if (this.kernel && !this.kernel.hasLink(ns, op.ifb)) fail('not-found', `cannot find device "${op.ifb}"`);
        d.redirects.push(op.flowid ? { to: op.ifb, flowid: op.flowid } : { to: op.ifb });
        return;
      case 'delete-qdisc':
        if (op.which === 'root') {
          if (!d.tbf) fail('not-found', 'cannot delete qdisc with handle of zero');
          d.tbf = undefined;
        } else {
          if (!d.ingress) fail('not-found', 'cannot find specified qdisc on specified device');
          d.ingress = false;
          d.redirects = [];
        }
        return;
    }
  }

  async listQdiscs(netns: NetnsRef, dev?: string): Promise<Qdisc[]> {
    const out: Qdisc[] = [];
    for (const [name, d] of this.devs(netns)) {
      if (dev && name !== dev) continue;
      if (d.tbf)
        out.push({
          dev: name,
          kind: 'tbf',
          handle: d.tbf.handle,
          root: true,
          rateBitsPerSec: d.tbf.rate,
          burstBytes: d.tbf.burst,
        });
      if (d.ingress) out.push({ dev: name, kind: 'ingress', handle: 'ffff:', root: false, parent: 'ffff:fff1' });
    }
    return out;
  }

  async listFilters(netns: NetnsRef, dev: string, parent: 'ingress' | 'root'): Promise<TcFilter[]> {
    const d = this.devs(netns).get(dev);
    if (!d || parent !== 'ingress') return [];
    return d.redirects.map((r) => ({
      dev,
      kind: 'u32',
      protocol: 'all',
      pref: 1,
      redirectTo: r.to,
      ...(r.flowid ? { flowid: r.flowid } : {}),
    }));
  }
}
