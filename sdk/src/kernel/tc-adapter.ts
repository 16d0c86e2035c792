// SPDX-License-Identifier: Apache-2.0
/** The production {@link TrafficControl}: `tc -batch -` and `tc -j`, inside the target namespace. */
import { KernelError, classifyErrorText, cleanErrorText } from './errors';
import { type AddOptions, type BatchResult, type DeleteOptions } from './kernel-port';
import { runLineBatch } from './line-batch';
import { type NetnsRef, describeNetns } from './netns';
import { commandInNetns } from './ns-exec';
import { type ProcessRunner, SpawnRunner } from './process-runner';
import { type TcOp, describeTcOp, parseFilters, parseQdiscs, tbfOp, tcBatchLine, validateTcId } from './tc-commands';
import {
  type Qdisc,
  type RedirectOptions,
  type TbfSpec,
  type TcBatch,
  type TcFilter,
  type TrafficControl,
} from './tc-port';
import { validateIfName } from './validate';

/** A {@link TcBatch} recording validated ops; shared by the adapter and the fake. */
export class TcBatchRecorder implements TcBatch {
  private readonly ops: TcOp[] = [];
  private done = false;
  constructor(
    readonly netns: NetnsRef,
    private readonly execute: (ns: NetnsRef, ops: readonly TcOp[]) => Promise<BatchResult>,
  ) {}
  get size(): number {
    return this.ops.length;
  }
  private push(op: TcOp): this {
    if (this.done)
      throw new KernelError({ kind: 'invalid-argument', op: 'queue tc operation', detail: 'batch already committed' });
    this.ops.push(op);
    return this;
  }
  replaceTbf(spec: TbfSpec): this {
    return this.push(tbfOp(spec));
  }
  addIngress(dev: string, opts?: AddOptions): this {
    return this.push({ kind: 'ingress', dev: validateIfName(dev), tolerate: opts?.existOk ? 'exists' : undefined });
  }
  redirectIngress(dev: string, ifb: string, opts?: RedirectOptions): this {
    return this.push({
      kind: 'redirect',
      dev: validateIfName(dev),
      ifb: validateIfName(ifb, 'ifb name'),
      ...(opts?.flowid !== undefined ? { flowid: validateTcId(opts.flowid, 'flowid') } : {}),
      tolerate: opts?.existOk ? 'exists' : undefined,
    });
  }
  deleteQdisc(dev: string, which: 'root' | 'ingress', opts?: DeleteOptions): this {
    if (which !== 'root' && which !== 'ingress')
      throw new KernelError({
        kind: 'invalid-argument',
        op: 'delete qdisc',
        detail: `not root or ingress: ${JSON.stringify(which)}`,
      });
    return this.push({
      kind: 'delete-qdisc',
      dev: validateIfName(dev),
      which,
      tolerate: opts?.missingOk ? 'not-found' : undefined,
    });
  }
  async commit(): Promise<BatchResult> {
    if (this.done)
      throw new KernelError({ kind: 'invalid-argument', op: 'commit tc batch', detail: 'batch already committed' });
    this.done = true;
    return this.ops.length ? this.execute(this.netns, this.ops) : { applied: 0, tolerated: 0, spawns: 0 };
  }
}

export interface TcAdapterOptions {
  readonly tc?: string;
  readonly nsenter?: string;
  readonly runner?: ProcessRunner;
  readonly timeoutMs?: number;
}

export class TcTrafficControl implements TrafficControl {
  private readonly tc: string;
  private readonly nsenter: string;
  private readonly runner: ProcessRunner;
  private readonly timeoutMs: number;

  constructor(o: TcAdapterOptions = {}) {
    this.tc = o.tc ?? 'tc';
    this.nsenter = o.nsenter ?? 'nsenter';
    this.runner = o.runner ?? new SpawnRunner();
    this.timeoutMs = o.timeoutMs ?? 30_000;
  }

  private cmd(ns: NetnsRef, args: readonly string[]): [string, string[]] {
    return commandInNetns(ns, this.tc, args, { nsenter: this.nsenter, nativeNetnsFlag: true });
  }

  batch(netns: NetnsRef): TcBatch {
    return new TcBatchRecorder(netns, async (ns, ops) => {
      const lines = ops.map((op) => ({ text: tcBatchLine(op), tolerate: op.tolerate, ...describeTcOp(op) }));
      const r = await runLineBatch(lines, {
        runner: this.runner,
        command: this.cmd(ns, ['-batch', '-']),
        netns: describeNetns(ns),
        firstIndex: 0,
        timeoutMs: this.timeoutMs,
        tool: 'tc batch',
      });
      return { applied: ops.length, ...r };
    });
  }

  private async query(ns: NetnsRef, args: string[], what: string): Promise<unknown> {
    const [c, a] = this.cmd(ns, ['-j', ...args]);
    const r = await this.runner.run(c, a, {
      timeoutMs: this.timeoutMs,
      context: { op: `list ${what}`, netns: describeNetns(ns) },
    });
    if (r.code !== 0)
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op: `list ${what}`,
        netns: describeNetns(ns),
        detail: cleanErrorText(r.stderr),
      });
    return r.stdout.trim() ? JSON.parse(r.stdout) : [];
  }

  async listQdiscs(netns: NetnsRef, dev?: string): Promise<Qdisc[]> {
    const args = ['qdisc', 'show', ...(dev ? ['dev', validateIfName(dev)] : [])];
    const list = parseQdiscs(await this.query(netns, args, 'qdiscs'));
    return dev ? list.map((q) => ({ ...q, dev: q.dev || dev })) : list;
  }

  async listFilters(netns: NetnsRef, dev: string, parent: 'ingress' | 'root'): Promise<TcFilter[]> {
    validateIfName(dev);
    const args = ['filter', 'show', 'dev', dev, ...(parent === 'ingress' ? ['parent', 'ffff:'] : ['root'])];
    return parseFilters(await this.query(netns, args, 'filters'), dev);
  }
}
