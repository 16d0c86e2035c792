// SPDX-License-Identifier: Apache-2.0
/**
 * A stateful in-memory {@link Firewall}: iptables tables per namespace and family, planned with the same code as
 * the real adapter (so idempotency and canonical forms match), and nft tables. A jump to a chain that does not
 * exist fails like iptables-restore does (`not-found`), and nothing is applied (restore is atomic).
 */
import { KernelError } from '../errors';
import { type Firewall, type FirewallApplyResult, type IptablesBackend } from '../firewall-port';
import {
  type IptablesFamily,
  type IptablesOp,
  type IptablesRule,
  type IptablesTable,
  type IptablesTableState,
  IPTABLES_TABLES,
  planIptablesRestore,
  validateChain,
} from '../iptables-rules';
import { type NetnsRef, describeNetns, netnsFile } from '../netns';
import {
  type NftFamily,
  type NftRule,
  type NftTableSpec,
  type NftTableState,
  renderNftTable,
  validateNftFamily,
  validateNftName,
} from '../nft-rules';

const BUILTIN: Record<IptablesTable, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
};
const TARGETS = new Set([
  'ACCEPT',
  'DROP',
  'RETURN',
  'REJECT',
  'SNAT',
  'DNAT',
  'MASQUERADE',
  'CONNMARK',
  'MARK',
  'LOG',
  'NOTRACK',
  'CT',
  'REDIRECT',
  'TPROXY',
  'TCPMSS',
]);

export interface FakeFirewallOptions {
  /** What {@link FakeFirewall.detectBackend} answers (default nf_tables). */
  readonly backend?: IptablesBackend;
  /** Namespaces that exist: when given, others are `not-found`. */
  readonly netnsExists?: (ns: NetnsRef) => boolean;
}

export class FakeFirewall implements Firewall {
  private readonly ipt = new Map<string, Map<IptablesTable, IptablesTableState>>();
  private readonly nft = new Map<
    string,
    Map<string, { family: NftFamily; name: string; chains: Map<string, NftTableSpec['chains'][number]> }>
  >();
  /** Restore processes the real adapter would have run. */
  restores = 0;

  constructor(private readonly o: FakeFirewallOptions = {}) {}

  private check(ns: NetnsRef, op: string): string {
    if (this.o.netnsExists && !this.o.netnsExists(ns))
      throw new KernelError({
        kind: 'not-found',
        op,
        netns: describeNetns(ns),
        detail: 'cannot open network namespace',
      });
    return netnsFile(ns) ?? 'host';
  }

  private tables(ns: NetnsRef, family: IptablesFamily, op: string): Map<IptablesTable, IptablesTableState> {
    const key = `${this.check(ns, op)}|${family}`;
    let t = this.ipt.get(key);
    if (!t) {
      t = new Map(
        IPTABLES_TABLES.map((name) => [name, { table: name, chains: new Map(BUILTIN[name].map((c) => [c, []])) }]),
      );
      this.ipt.set(key, t);
    }
    return t;
  }

  detectBackend(): Promise<IptablesBackend> {
    return Promise.resolve(this.o.backend ?? 'nf_tables');
  }

  async applyIptables(
    netns: NetnsRef,
    family: IptablesFamily,
    ops: readonly IptablesOp[],
  ): Promise<FirewallApplyResult> {
    const op = `ip${family === 6 ? '6' : ''}tables-restore`;
    const current = this.tables(netns, family, op);
    const plan = planIptablesRestore(family, current, ops);
    if (plan.changes === 0) return { changes: 0, spawns: 1 };
    for (const [table, st] of plan.after) {
      for (const [chain, rules] of st.chains) {
        for (const r of rules) {
          const j = r.findIndex((w) => w === '-j' || w === '-g');
          const target = j >= 0 ? r[j + 1] : undefined;
          if (target && !TARGETS.has(target) && !st.chains.has(target)) {
            throw new KernelError({
              kind: 'not-found',
              op,
              object: `-A ${chain} ${r.join(' ')}`,
              netns: describeNetns(netns),
              detail: `chain '${target}' does not exist (table ${table})`,
            });
          }
        }
      }
    }
    const key = `${netnsFile(netns) ?? 'host'}|${family}`;
    this.ipt.set(key, plan.after);
    this.restores++;
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
    const out: IptablesRule[] = [];
    for (const [c, rules] of this.tables(netns, family, 'iptables-save').get(table)?.chains ?? []) {
      if (chain === undefined || c === chain) for (const args of rules) out.push({ table, chain: c, args: [...args] });
    }
    return out;
  }

  async listIptablesChains(netns: NetnsRef, family: IptablesFamily, table: IptablesTable): Promise<string[]> {
    return [...(this.tables(netns, family, 'iptables-save').get(table)?.chains.keys() ?? [])];
  }

  async applyNftTable(netns: NetnsRef, spec: NftTableSpec): Promise<void> {
    renderNftTable(spec); // same validation as the adapter
    const key = this.check(netns, 'nft apply');
    if (!this.nft.has(key)) this.nft.set(key, new Map());
    const tables = this.nft.get(key)!;
    const id = `${spec.family} ${spec.name}`;
    if (!tables.has(id)) tables.set(id, { family: spec.family, name: spec.name, chains: new Map() });
    const t = tables.get(id)!;
    for (const c of spec.chains) t.chains.set(c.name, { ...c, rules: [...c.rules] });
  }

  async deleteNftTable(netns: NetnsRef, family: NftFamily, name: string): Promise<void> {
    validateNftFamily(family);
    validateNftName(name, 'table');
    this.nft.get(this.check(netns, 'nft delete'))?.delete(`${family} ${name}`);
  }

  async listNftTable(netns: NetnsRef, family: NftFamily, name: string): Promise<NftTableState | undefined> {
    validateNftFamily(family);
    validateNftName(name, 'table');
    const t = this.nft.get(this.check(netns, 'nft list'))?.get(`${family} ${name}`);
    if (!t) return undefined;
    let handle = 1;
    const rules: NftRule[] = [];
    for (const c of t.chains.values())
      for (const r of c.rules) rules.push({ chain: c.name, handle: handle++, expr: [{ text: r }] });
    return {
      family,
      name,
      chains: [...t.chains.values()].map((c) => ({
        name: c.name,
        ...(c.type ? { type: c.type } : {}),
        ...(c.hook ? { hook: c.hook } : {}),
        ...(c.priority !== undefined ? { priority: c.priority } : {}),
        ...(c.type ? { policy: c.policy ?? 'accept' } : {}),
      })),
      rules,
    };
  }
}
