import { type FamilyRules } from './desired-rules';
import { type SavedRules } from './iptables-save';

/** Chains ipamd owns outright; N > 0 is the old multi-chain layout, always removed. */
const OWNED_CHAIN = /^AWS-(SNAT|CONNMARK)-CHAIN-\d+$/;
const BUILTIN = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

/** A rule in a built-in chain is ours when its comment is one of the comments ipamd writes. */
export function isOurRule(spec: string): boolean {
  return (
    /--comment "?(AWS[ ,]|Block Node Local Pod access)/.test(spec) || /-j AWS-(SNAT|CONNMARK)-CHAIN-\d+/.test(spec)
  );
}

/** Built-in chains where upstream inserts at the top rather than appending. */
const INSERT_AT_TOP = new Set(['filter/FORWARD']);

export interface FirewallDiff {
  /** Text for `iptables-restore --noflush`, or '' when the kernel already matches. */
  readonly script: string;
  /** How many rules/chains the script adds, removes or rewrites (0 when nothing to do). */
  readonly changes: number;
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The smallest restore script that turns `current` into `desired` for the rules ipamd owns, leaving every other rule
 * alone: owned chains are rewritten when their content differs (declaring a chain flushes it) and removed when no
 * longer wanted; in built-in chains only rules carrying our comments are touched, and only when they differ.
 */
export function diffFirewall(current: SavedRules, desired: FamilyRules): FirewallDiff {
  const tables = new Set([...Object.keys(desired), ...Object.keys(current)]);
  const parts: string[] = [];
  let changes = 0;
  for (const table of [...tables].sort()) {
    const want = desired[table] ?? {};
    const have = current[table] ?? { chains: new Set<string>(), rules: {} };
    const create: string[] = [];
    const builtinOps: string[] = [];
    const remove: string[] = [];

    for (const [chain, rules] of Object.entries(want)) {
      if (BUILTIN.has(chain)) continue;
      const now = have.rules[chain] ?? [];
      if (have.chains.has(chain) && same(now, rules)) continue;
      create.push(`:${chain} - [0:0]`, ...rules.map((r) => `-A ${chain} ${r}`));
      changes += 1;
    }

    const builtinChains = new Set([
      ...Object.keys(want).filter((c) => BUILTIN.has(c)),
      ...Object.keys(have.rules).filter((c) => BUILTIN.has(c)),
    ]);
    for (const chain of [...builtinChains].sort()) {
      const ours = (have.rules[chain] ?? []).filter(isOurRule);
      const wanted = want[chain] ?? [];
      if (same(ours, wanted)) continue;
      for (const r of ours) builtinOps.push(`-D ${chain} ${r}`);
      if (INSERT_AT_TOP.has(`${table}/${chain}`)) {
        wanted.forEach((r, i) => builtinOps.push(`-I ${chain} ${i + 1} ${r}`));
      } else {
        for (const r of wanted) builtinOps.push(`-A ${chain} ${r}`);
      }
      changes += Math.max(1, Math.abs(ours.length - wanted.length));
    }

    for (const chain of [...have.chains].sort()) {
      if (!OWNED_CHAIN.test(chain) || want[chain]) continue;
      remove.push(`-F ${chain}`, `-X ${chain}`);
      changes += 1;
    }

    if (create.length + builtinOps.length + remove.length === 0) continue;
    parts.push(`*${table}`, ...create, ...builtinOps, ...remove, 'COMMIT');
  }
  return { script: parts.length ? `${parts.join('\n')}\n` : '', changes };
}
