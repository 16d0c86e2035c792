// SPDX-License-Identifier: Apache-2.0
/** The production {@link Firewall}: iptables-save/iptables-restore and nft, run inside the target namespace. */
import { KernelError, classifyErrorText, cleanErrorText } from './errors';
import { type Firewall, type FirewallApplyResult, type IptablesBackend } from './firewall-port';
import {
  type IptablesFamily,
  type IptablesOp,
  type IptablesRule,
  type IptablesTable,
  IPTABLES_TABLES,
  parseIptablesSave,
  planIptablesRestore,
  validateChain,
} from './iptables-rules';
import { type NetnsRef, HOST_NETNS, describeNetns } from './netns';
import { commandInNetns } from './ns-exec';
import {
  type NftFamily,
  type NftTableSpec,
  type NftTableState,
  parseNftTable,
  renderNftDeleteTable,
  renderNftTable,
  validateNftFamily,
  validateNftName,
} from './nft-rules';
import { type ProcessRunner, type RunResult, SpawnRunner } from './process-runner';

export interface ToolFirewallOptions {
  readonly iptables?: string;
  readonly iptablesSave?: string;
  readonly iptablesRestore?: string;
  readonly ip6tablesSave?: string;
  readonly ip6tablesRestore?: string;
  readonly nft?: string;
  readonly nsenter?: string;
  /** Seconds to wait for the xtables lock (`-w`), default 5. */
  readonly lockWaitSeconds?: number;
  readonly runner?: ProcessRunner;
  readonly timeoutMs?: number;
}

export class ToolFirewall implements Firewall {
  private readonly o: Required<Omit<ToolFirewallOptions, 'runner'>>;
  private readonly runner: ProcessRunner;

  constructor(o: ToolFirewallOptions = {}) {
    this.runner = o.runner ?? new SpawnRunner();
    this.o = {
      iptables: o.iptables ?? 'iptables',
      iptablesSave: o.iptablesSave ?? 'iptables-save',
      iptablesRestore: o.iptablesRestore ?? 'iptables-restore',
      ip6tablesSave: o.ip6tablesSave ?? 'ip6tables-save',
      ip6tablesRestore: o.ip6tablesRestore ?? 'ip6tables-restore',
      nft: o.nft ?? 'nft',
      nsenter: o.nsenter ?? 'nsenter',
      lockWaitSeconds: o.lockWaitSeconds ?? 5,
      timeoutMs: o.timeoutMs ?? 30_000,
    };
  }

  private run(ns: NetnsRef, tool: string, args: readonly string[], input?: string): Promise<RunResult> {
    const [cmd, a] = commandInNetns(ns, tool, args, { nsenter: this.o.nsenter });
    const op = `run ${tool.split('/').pop()}`;
    return this.runner.run(cmd, a, { input, timeoutMs: this.o.timeoutMs, context: { op, netns: describeNetns(ns) } });
  }

  async detectBackend(): Promise<IptablesBackend> {
    const r = await this.run(HOST_NETNS, this.o.iptables, ['--version']);
    const text = `${r.stdout} ${r.stderr}`;
    if (r.code !== 0)
      throw new KernelError({ kind: 'failed', op: 'detect iptables backend', detail: cleanErrorText(text) });
    // Upstream's rule: "legacy" in the version string means legacy, anything else nf_tables.
    return /legacy/.test(text) ? 'legacy' : 'nf_tables';
  }

  private async save(ns: NetnsRef, family: IptablesFamily) {
    const r = await this.run(ns, family === 6 ? this.o.ip6tablesSave : this.o.iptablesSave, []);
    if (r.code !== 0) {
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op: `ip${family === 6 ? '6' : ''}tables-save`,
        netns: describeNetns(ns),
        detail: cleanErrorText(r.stderr),
      });
    }
    return parseIptablesSave(r.stdout);
  }

  async applyIptables(
    netns: NetnsRef,
    family: IptablesFamily,
    ops: readonly IptablesOp[],
  ): Promise<FirewallApplyResult> {
    if (ops.length === 0) return { changes: 0, spawns: 0 };
    // Validate before running anything.
    planIptablesRestore(family, new Map(), ops);
    const state = await this.save(netns, family);
    const plan = planIptablesRestore(family, state, ops);
    if (plan.changes === 0) return { changes: 0, spawns: 1 };
    const tool = family === 6 ? this.o.ip6tablesRestore : this.o.iptablesRestore;
    const r = await this.run(netns, tool, ['--noflush', '-w', String(this.o.lockWaitSeconds)], plan.text);
    if (r.code !== 0) {
      const line = restoreFailureLine(plan.text, r.stderr);
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op: `ip${family === 6 ? '6' : ''}tables-restore`,
        object: line,
        netns: describeNetns(netns),
        detail: cleanErrorText(r.stderr),
      });
    }
    return { changes: plan.changes, spawns: 2 };
  }

  async listIptablesRules(
    netns: NetnsRef,
    family: IptablesFamily,
    table: IptablesTable,
    chain?: string,
  ): Promise<IptablesRule[]> {
    if (!IPTABLES_TABLES.includes(table))
      throw new KernelError({
        kind: 'invalid-argument',
        op: 'list iptables rules',
        detail: `unknown table ${JSON.stringify(table)}`,
      });
    if (chain !== undefined) validateChain(chain);
    const t = (await this.save(netns, family)).get(table);
    const out: IptablesRule[] = [];
    for (const [c, rules] of t?.chains ?? [])
      if (chain === undefined || c === chain) for (const args of rules) out.push({ table, chain: c, args });
    return out;
  }

  async listIptablesChains(netns: NetnsRef, family: IptablesFamily, table: IptablesTable): Promise<string[]> {
    return [...((await this.save(netns, family)).get(table)?.chains.keys() ?? [])];
  }

  private async nft(ns: NetnsRef, args: readonly string[], input: string | undefined, op: string): Promise<RunResult> {
    const r = await this.run(ns, this.o.nft, args, input);
    if (r.code !== 0)
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op,
        netns: describeNetns(ns),
        detail: cleanErrorText(r.stderr),
      });
    return r;
  }

  async applyNftTable(netns: NetnsRef, spec: NftTableSpec): Promise<void> {
    await this.nft(netns, ['-f', '-'], renderNftTable(spec), `nft apply table ${spec.family} ${spec.name}`);
  }

  async deleteNftTable(netns: NetnsRef, family: NftFamily, name: string): Promise<void> {
    await this.nft(netns, ['-f', '-'], renderNftDeleteTable(family, name), `nft delete table ${family} ${name}`);
  }

  async listNftTable(netns: NetnsRef, family: NftFamily, name: string): Promise<NftTableState | undefined> {
    validateNftFamily(family);
    validateNftName(name, 'table');
    const r = await this.run(netns, this.o.nft, ['-j', 'list', 'table', family, name]);
    if (r.code !== 0) {
      if (classifyErrorText(r.stderr) === 'not-found') return undefined;
      throw new KernelError({
        kind: classifyErrorText(r.stderr),
        op: `nft list table ${family} ${name}`,
        netns: describeNetns(netns),
        detail: cleanErrorText(r.stderr),
      });
    }
    return parseNftTable(JSON.parse(r.stdout), family, name);
  }
}

/**
 * The restore line an error points at: legacy says "line N failed", nft says "Error occurred at line: N" and
 * often points at the COMMIT of the failing table, in which case that table's whole block is named.
 */
export function restoreFailureLine(text: string, stderr: string): string | undefined {
  const m = /line (\d+) failed/.exec(stderr) ?? /Error occurred at line: (\d+)/.exec(stderr);
  if (!m) return undefined;
  const lines = text.split('\n');
  const n = Number(m[1]) - 1;
  if (lines[n] !== 'COMMIT') return lines[n];
  let start = n - 1;
  while (start > 0 && !lines[start].startsWith('*')) start--;
  return lines.slice(start, n).join('; ');
}
