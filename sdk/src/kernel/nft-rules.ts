// SPDX-License-Identifier: Apache-2.0
/**
 * Pure nftables logic: render a table spec into an `nft -f` script that makes the table's chains exactly as given
 * (idempotent: add table/chain never fails when present, each chain is flushed before its rules are added), and
 * parse `nft -j list table` output.
 */
import { KernelError } from './errors';

export type NftFamily = 'ip' | 'ip6' | 'inet';

export interface NftChainSpec {
  readonly name: string;
  /** Base chains: type + hook + priority; omit all three for a regular chain. */
  readonly type?: 'filter' | 'nat' | 'route';
  readonly hook?: 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';
  readonly priority?: number;
  readonly policy?: 'accept' | 'drop';
  /** Rule statements, e.g. `ip saddr 10.99.0.0/16 oifname "eth0" masquerade fully-random`. */
  readonly rules: readonly string[];
}

export interface NftTableSpec {
  readonly family: NftFamily;
  readonly name: string;
  readonly chains: readonly NftChainSpec[];
}

/** A chain as listed. */
export interface NftChain {
  readonly name: string;
  readonly type?: string;
  readonly hook?: string;
  readonly priority?: number;
  readonly policy?: string;
}

/** A rule as listed: its handle and nft's JSON expression list. */
export interface NftRule {
  readonly chain: string;
  readonly handle: number;
  readonly expr: readonly unknown[];
  readonly comment?: string;
}

export interface NftTableState {
  readonly family: NftFamily;
  readonly name: string;
  readonly chains: readonly NftChain[];
  readonly rules: readonly NftRule[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
// Rules may use quotes (interface names), braces (sets), slashes, commas, etc. — but never a newline, ';' or '#'
// (which would end the statement or start a comment and let a caller smuggle in another command).
const RULE = /^[A-Za-z0-9_ .:/,"*{}<>=!&|@$+()[\]-]+$/;

function bad(detail: string): never {
  throw new KernelError({ kind: 'invalid-argument', op: 'nft', detail });
}

export function validateNftName(name: string, what: string): string {
  if (typeof name !== 'string' || !NAME.test(name)) bad(`not a valid nft ${what} name: ${JSON.stringify(name)}`);
  return name;
}

export function validateNftFamily(f: string): NftFamily {
  if (f !== 'ip' && f !== 'ip6' && f !== 'inet') bad(`not a supported nft family: ${JSON.stringify(f)}`);
  return f;
}

export function validateNftRule(rule: string): string {
  if (typeof rule !== 'string' || !RULE.test(rule) || rule.trim() === '')
    bad(`bad nft rule (no newline, ';' or '#'): ${JSON.stringify(rule)}`);
  return rule.trim();
}

/** The script that makes the table hold exactly these chains and rules (other chains of the table are kept). */
export function renderNftTable(spec: NftTableSpec): string {
  const fam = validateNftFamily(spec.family);
  const t = validateNftName(spec.name, 'table');
  const out = [`add table ${fam} ${t}`];
  for (const c of spec.chains) {
    const n = validateNftName(c.name, 'chain');
    const isBase = c.type !== undefined || c.hook !== undefined || c.priority !== undefined;
    if (isBase) {
      if (!c.type || !c.hook || c.priority === undefined || !Number.isInteger(c.priority))
        bad(`base chain ${n} needs type, hook and an integer priority`);
      if (!['filter', 'nat', 'route'].includes(c.type)) bad(`bad chain type ${JSON.stringify(c.type)}`);
      if (!['prerouting', 'input', 'forward', 'output', 'postrouting'].includes(c.hook))
        bad(`bad hook ${JSON.stringify(c.hook)}`);
      const policy = c.policy ?? 'accept';
      if (policy !== 'accept' && policy !== 'drop') bad(`bad policy ${JSON.stringify(policy)}`);
      out.push(
        `add chain ${fam} ${t} ${n} { type ${c.type} hook ${c.hook} priority ${c.priority} ; policy ${policy} ; }`,
      );
    } else {
      out.push(`add chain ${fam} ${t} ${n}`);
    }
  }
  // Flush all first, then add rules: a rule may jump to a chain declared later.
  for (const c of spec.chains) out.push(`flush chain ${fam} ${t} ${c.name}`);
  for (const c of spec.chains)
    for (const r of c.rules) out.push(`add rule ${fam} ${t} ${c.name} ${validateNftRule(r)}`);
  return `${out.join('\n')}\n`;
}

/** A script that deletes the table whether or not it exists (add first, so delete cannot fail). */
export function renderNftDeleteTable(family: NftFamily, name: string): string {
  const fam = validateNftFamily(family);
  const t = validateNftName(name, 'table');
  return `add table ${fam} ${t}\ndelete table ${fam} ${t}\n`;
}

type Json = Record<string, unknown>;

/** Parses `nft -j list table <family> <name>`. */
export function parseNftTable(json: unknown, family: NftFamily, name: string): NftTableState {
  const items = ((json as Json)?.nftables ?? []) as Json[];
  const chains: NftChain[] = [];
  const rules: NftRule[] = [];
  for (const it of items) {
    if (it.chain) {
      const c = it.chain as Json;
      chains.push({
        name: String(c.name),
        ...(c.type !== undefined ? { type: String(c.type) } : {}),
        ...(c.hook !== undefined ? { hook: String(c.hook) } : {}),
        ...(typeof c.prio === 'number' ? { priority: c.prio } : {}),
        ...(c.policy !== undefined ? { policy: String(c.policy) } : {}),
      });
    } else if (it.rule) {
      const r = it.rule as Json;
      rules.push({
        chain: String(r.chain),
        handle: Number(r.handle),
        expr: Array.isArray(r.expr) ? r.expr : [],
        ...(typeof r.comment === 'string' ? { comment: r.comment } : {}),
      });
    }
  }
  return { family, name, chains, rules };
}
