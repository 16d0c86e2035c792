// SPDX-License-Identifier: Apache-2.0
/**
 * The production {@link Kernel}: iproute2 (`ip -j`, `ip -batch -`) run inside the target namespace, one process
 * per namespace per batch step; sysctls via /proc/sys (host) or `sysctl` (other namespaces).
 */
import { KernelError, classifyErrorText, cleanErrorText } from './errors';
import { type IpFamily } from './ip';
import {
  type BatchResult,
  type DeleteOptions,
  type Kernel,
  type KernelBatch,
  type KernelSnapshot,
  type RouteFilter,
  type WaitForDadOptions,
} from './kernel-port';
import { BatchRecorder } from './batch-recorder';
import { type NetnsRef, describeNetns, netnsByName, netnsFileExists } from './netns';
import { commandInNetns } from './ns-exec';
import { type KernelOp, describeOp, sysctlOp, sysctlPath } from './ops';
import { type Step, ipBatchLine, planSteps } from './iproute2-commands';
import { runLineBatch } from './line-batch';
import {
  parseAddresses,
  parseLinks,
  parseNeighbours,
  parseRoutes,
  parseRules,
  splitJsonValues,
} from './iproute2-parse';
import { type ProcessRunner, SpawnRunner } from './process-runner';
import { type SysctlIoOptions, readSysctlValue, writeSysctls } from './sysctl-io';
import { type Address, type Link, type Neighbour, type Route, type Rule, type SysctlSpec } from './types';
import { validateIfName, validateMac, validateNetnsName, validateTable } from './validate';

export interface IpRoute2KernelOptions {
  /** Path or name of `ip` (default "ip"). */
  readonly ip?: string;
  /** Path or name of `nsenter` (default "nsenter"). */
  readonly nsenter?: string;
  /** Path or name of `sysctl` (default "sysctl"). */
  readonly sysctl?: string;
  /** Root of the host's sysctl tree (default "/proc/sys"). */
  readonly procSys?: string;
  readonly runner?: ProcessRunner;
  /** Our pid: the host namespace is `/proc/<pid>/ns/net` when named from inside another one. */
  readonly selfPid?: number;
  /** Per-process timeout (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Sleep between DAD polls; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Tolerant rule operations in one batch from which the rules are read first (see prefilterRules). */
const PREFILTER_MIN = 4;

/** Identity of a rule for comparisons: every selector, the priority and the table. */
function ruleKey(r: Partial<Rule> & { family: number; priority: number; table: number }): string {
  return JSON.stringify([
    r.family,
    r.priority,
    r.table,
    r.from,
    r.to,
    r.iif,
    r.oif,
    r.fwmark,
    r.fwmask,
    r.ipproto,
    r.invert,
  ]);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class IpRoute2Kernel implements Kernel {
  private readonly ip: string;
  private readonly nsenter: string;
  private readonly runner: ProcessRunner;
  private readonly selfPid: number;
  private readonly timeoutMs: number;
  private readonly sysctlIo: SysctlIoOptions;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(o: IpRoute2KernelOptions = {}) {
    this.ip = o.ip ?? 'ip';
    this.nsenter = o.nsenter ?? 'nsenter';
    this.runner = o.runner ?? new SpawnRunner();
    this.selfPid = o.selfPid ?? process.pid;
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.sleep = o.sleep ?? defaultSleep;
    this.sysctlIo = {
      runner: this.runner,
      nsenter: this.nsenter,
      sysctl: o.sysctl ?? 'sysctl',
      procSys: o.procSys ?? '/proc/sys',
    };
  }

  /** Processes spawned so far by this adapter's runner. */
  get spawned(): number {
    return this.runner.spawned;
  }

  batch(netns: NetnsRef): KernelBatch {
    return new BatchRecorder(netns, (ns, ops) => this.execute(ns, ops));
  }

  // ---- batches ------------------------------------------------------------------------------------------------

  private ipCommand(ns: NetnsRef, args: readonly string[]): [string, string[]] {
    return commandInNetns(ns, this.ip, args, { nsenter: this.nsenter, nativeNetnsFlag: true });
  }

  private async execute(ns: NetnsRef, ops: readonly KernelOp[]): Promise<BatchResult> {
    const pre = await this.prefilterRules(ns, ops);
    let spawns = pre.spawns;
    let tolerated = pre.skip.size;
    const kept = ops.map((op, i) => ({ op, i })).filter((x) => !pre.skip.has(x.i));
    const steps = planSteps(
      kept.map((x) => x.op),
      kept.map((x) => x.i),
    );
    for (const step of steps) {
      const r = step.kind === 'sysctl' ? await this.runSysctlStep(ns, step) : await this.runIpStep(ns, step);
      spawns += r.spawns;
      tolerated += r.tolerated;
    }
    return { applied: ops.length, tolerated, spawns };
  }

  /**
   * With several add-if-absent / delete-if-present rules in a batch (ipamd re-applying rules for every pod),
   * tolerating failures line by line would cost one process each; instead the rules are read once (one process
   * per family) and operations already satisfied are dropped. Not done when the batch also flushes rules or
   * touches the same rule twice (the outcome would depend on order).
   */
  private async prefilterRules(ns: NetnsRef, ops: readonly KernelOp[]): Promise<{ skip: Set<number>; spawns: number }> {
    const skip = new Set<number>();
    const tolerant = ops
      .map((op, i) => ({ op, i }))
      .filter(
        ({ op }) =>
          (op.kind === 'add-rule' && op.tolerate === 'exists') ||
          (op.kind === 'delete-rule' && op.tolerate === 'not-found'),
      );
    if (tolerant.length < PREFILTER_MIN || ops.some((op) => op.kind === 'flush-rules')) return { skip, spawns: 0 };
    const count = new Map<string, number>();
    for (const op of ops)
      if (op.kind === 'add-rule' || op.kind === 'delete-rule')
        count.set(ruleKey(op.rule), (count.get(ruleKey(op.rule)) ?? 0) + 1);
    const families = [
      ...new Set(tolerant.map(({ op }) => (op.kind === 'add-rule' || op.kind === 'delete-rule' ? op.rule.family : 4))),
    ];
    const lists = await Promise.all(families.map((f) => this.listRules(ns, f)));
    const present = new Set(lists.flat().map((r) => ruleKey(r)));
    for (const { op, i } of tolerant) {
      if (op.kind !== 'add-rule' && op.kind !== 'delete-rule') continue;
      const key = ruleKey(op.rule);
      if (count.get(key) !== 1) continue;
      if (op.kind === 'add-rule' ? present.has(key) : !present.has(key)) skip.add(i);
    }
    return { skip, spawns: families.length };
  }

  private async runSysctlStep(ns: NetnsRef, step: Step): Promise<{ spawns: number; tolerated: number }> {
    const writes = step.ops.map((op) => {
      if (op.kind !== 'sysctl') throw new Error('not a sysctl step');
      return op;
    });
    try {
      return { spawns: await writeSysctls(ns, writes, this.sysctlIo), tolerated: 0 };
    } catch (e) {
      if (e instanceof KernelError) {
        const i = writes.findIndex((w) => e.object?.startsWith(`${w.key}=`));
        const at = step.indexes[Math.max(0, i)];
        throw new KernelError({
          kind: e.kind,
          op: e.op,
          object: e.object,
          netns: e.netns,
          detail: e.detail,
          opIndex: at,
          applied: at,
          cause: e.cause,
        });
      }
      throw e;
    }
  }

  /** Runs a step's lines in one `ip [-6] -batch -` (see line-batch.ts for tolerated failures). */
  private runIpStep(ns: NetnsRef, step: Step): Promise<{ spawns: number; tolerated: number }> {
    const lines = step.ops.map((op, i) => ({
      text: ipBatchLine(op, ns, this.selfPid),
      tolerate: op.tolerate,
      index: step.indexes[i],
      ...describeOp(op),
    }));
    return runLineBatch(lines, {
      runner: this.runner,
      command: this.ipCommand(ns, step.kind === 'ip6' ? ['-6', '-batch', '-'] : ['-batch', '-']),
      netns: describeNetns(ns),
      firstIndex: step.first,
      timeoutMs: this.timeoutMs,
      tool: step.kind === 'ip6' ? 'ip -6 batch' : 'ip batch',
    });
  }

  // ---- namespaces -----------------------------------------------------------------------------------------------

  netnsExists(netns: NetnsRef): Promise<boolean> {
    return netnsFileExists(netns);
  }

  async createNetns(name: string): Promise<NetnsRef> {
    validateNetnsName(name);
    const r = await this.runner.run(this.ip, ['netns', 'add', name], {
      timeoutMs: this.timeoutMs,
      context: { op: 'create netns' },
    });
    if (r.code !== 0) {
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op: 'create netns',
        object: name,
        detail: cleanErrorText(r.stderr),
      });
    }
    return netnsByName(name);
  }

  async deleteNetns(name: string, opts: DeleteOptions = {}): Promise<void> {
    validateNetnsName(name);
    const r = await this.runner.run(this.ip, ['netns', 'del', name], {
      timeoutMs: this.timeoutMs,
      context: { op: 'delete netns' },
    });
    if (r.code === 0) return;
    const kind = classifyErrorText(r.stderr);
    if (kind === 'not-found' && opts.missingOk) return;
    throw new KernelError({ kind, op: 'delete netns', object: name, detail: cleanErrorText(r.stderr) });
  }

  // ---- queries --------------------------------------------------------------------------------------------------

  private async query(ns: NetnsRef, args: readonly string[], what: string): Promise<unknown> {
    const [cmd, a] = this.ipCommand(ns, ['-j', ...args]);
    const r = await this.runner.run(cmd, a, {
      timeoutMs: this.timeoutMs,
      context: { op: `list ${what}`, netns: describeNetns(ns) },
    });
    if (r.code !== 0) {
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op: `list ${what}`,
        netns: describeNetns(ns),
        detail: cleanErrorText(r.stderr),
      });
    }
    const values = splitJsonValues(r.stdout);
    return values.length ? values[0] : [];
  }

  async listLinks(netns: NetnsRef): Promise<Link[]> {
    return parseLinks(await this.query(netns, ['-d', 'link', 'show'], 'links'));
  }

  async getLink(netns: NetnsRef, name: string): Promise<Link | undefined> {
    validateIfName(name);
    // One device only: cheap on hosts with hundreds of veths. "does not exist" means undefined.
    const json = await this.query(netns, ['-d', 'link', 'show', 'dev', name], 'links').catch((e: unknown) => {
      if (e instanceof KernelError && e.kind === 'not-found' && /does not exist|cannot find device/i.test(e.detail))
        return [];
      throw e;
    });
    return parseLinks(json).find((l) => l.name === name);
  }

  async findLinkByMac(netns: NetnsRef, mac: string): Promise<Link | undefined> {
    const m = validateMac(mac);
    return (await this.listLinks(netns)).find((l) => l.mac === m);
  }

  async findLinkByIndex(netns: NetnsRef, index: number): Promise<Link | undefined> {
    return (await this.listLinks(netns)).find((l) => l.index === index);
  }

  async listAddresses(netns: NetnsRef, filter: { dev?: string; family?: IpFamily } = {}): Promise<Address[]> {
    const args = [...(filter.family === 6 ? ['-6'] : filter.family === 4 ? ['-4'] : []), 'addr', 'show'];
    if (filter.dev) args.push('dev', validateIfName(filter.dev));
    return parseAddresses(await this.query(netns, args, 'addresses'));
  }

  async listRoutes(netns: NetnsRef, filter: RouteFilter = {}): Promise<Route[]> {
    const table =
      filter.table === 'all' ? 'all' : filter.table === undefined ? 'main' : String(validateTable(filter.table));
    const families: IpFamily[] = filter.family ? [filter.family] : [4, 6];
    const out: Route[] = [];
    const defaultTable = table === 'all' || table === 'main' ? 254 : Number(table);
    for (const f of families) {
      const json = await this.query(netns, [`-${f}`, 'route', 'show', 'table', table], 'routes').catch((e: unknown) => {
        // A table that never had a route of this family "does not exist": that is an empty list.
        if (e instanceof KernelError && /table does not exist/i.test(e.detail)) return [];
        throw e;
      });
      out.push(...parseRoutes(json, defaultTable).map((r) => ({ ...r, family: f })));
    }
    return out;
  }

  async listRules(netns: NetnsRef, family?: IpFamily): Promise<Rule[]> {
    const families: IpFamily[] = family ? [family] : [4, 6];
    const out: Rule[] = [];
    for (const f of families) out.push(...parseRules(await this.query(netns, [`-${f}`, 'rule', 'show'], 'rules'), f));
    return out;
  }

  async listNeighbours(netns: NetnsRef, filter: { dev?: string; family?: IpFamily } = {}): Promise<Neighbour[]> {
    const args = [...(filter.family ? [`-${filter.family}`] : []), 'neigh', 'show'];
    if (filter.dev) args.push('dev', validateIfName(filter.dev));
    const list = parseNeighbours(await this.query(netns, args, 'neighbours'));
    return filter.dev ? list.map((n) => ({ ...n, dev: n.dev || filter.dev! })) : list;
  }

  async snapshot(netns: NetnsRef): Promise<KernelSnapshot> {
    // Family options cannot appear inside batch lines and an unspecified family mixes IPv4 and IPv6 routes
    // without saying which is which, so: one process for links/addresses/neighbours, one per family for routes
    // and rules, run in parallel.
    const run = (args: string[], input: string) => {
      const [cmd, a] = this.ipCommand(netns, ['-j', ...args, '-batch', '-']);
      return this.runner.run(cmd, a, {
        input,
        timeoutMs: this.timeoutMs,
        context: { op: 'snapshot', netns: describeNetns(netns) },
      });
    };
    const results = await Promise.all([
      run(['-d'], 'link show\naddr show\nneigh show\n'),
      run(['-4'], 'route show table all\nrule show\n'),
      run(['-6'], 'route show table all\nrule show\n'),
    ]);
    for (const r of results) {
      if (r.code !== 0) {
        throw new KernelError({
          kind: classifyErrorText(r.stderr),
          op: 'snapshot',
          netns: describeNetns(netns),
          detail: cleanErrorText(r.stderr),
        });
      }
    }
    const [a, v4, v6] = results.map((r) => splitJsonValues(r.stdout));
    return {
      links: parseLinks(a[0]),
      addresses: parseAddresses(a[1]),
      neighbours: parseNeighbours(a[2]),
      routes: [
        ...parseRoutes(v4[0]).map((r) => ({ ...r, family: 4 as const })),
        ...parseRoutes(v6[0]).map((r) => ({ ...r, family: 6 as const })),
      ],
      rules: [...parseRules(v4[1], 4), ...parseRules(v6[1], 6)],
    };
  }

  async waitForDad(netns: NetnsRef, opts: WaitForDadOptions = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const interval = opts.intervalMs ?? 50;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const addrs = await this.listAddresses(netns, { dev: opts.dev, family: 6 });
      const failed = addrs.find((a) => a.dadFailed);
      if (failed) {
        throw new KernelError({
          kind: 'failed',
          op: 'wait for DAD',
          object: `${failed.cidr} dev ${failed.dev}`,
          netns: describeNetns(netns),
          detail: 'duplicate address detected',
        });
      }
      const pending = addrs.filter((a) => a.tentative);
      if (pending.length === 0) return;
      if (Date.now() >= deadline) {
        throw new KernelError({
          kind: 'timeout',
          op: 'wait for DAD',
          object: pending.map((a) => `${a.cidr} dev ${a.dev}`).join(', '),
          netns: describeNetns(netns),
          detail: `still tentative after ${timeoutMs} ms`,
        });
      }
      await this.sleep(interval);
    }
  }

  readSysctl(netns: NetnsRef, key: string): Promise<string | undefined> {
    return readSysctlValue(netns, sysctlPath(key), this.sysctlIo);
  }

  async setSysctls(netns: NetnsRef, specs: readonly SysctlSpec[]): Promise<void> {
    const ops = specs.map(sysctlOp);
    if (ops.length) await this.execute(netns, ops);
  }
}
