// SPDX-License-Identifier: Apache-2.0
/**
 * Pure iptables logic: parse `iptables-save` output, canonicalise rule arguments so a wanted rule can be compared
 * with what the kernel holds, and plan an `iptables-restore --noflush` text that makes the wanted changes only
 * (ensure/delete are idempotent because the plan is computed against the current state).
 */
import { KernelError } from './errors';
import { formatCidr, parseCidr } from './ip';

export type IptablesFamily = 4 | 6;
export type IptablesTable = 'filter' | 'nat' | 'mangle' | 'raw';
export const IPTABLES_TABLES: readonly IptablesTable[] = ['filter', 'nat', 'mangle', 'raw'];

/** One rule: the words after `-A <chain>` as iptables-save prints them, unquoted. */
export interface IptablesRule {
  readonly table: IptablesTable;
  readonly chain: string;
  readonly args: readonly string[];
}

/** A table as read from `iptables-save`: chains (built-in and user) with their rules in order. */
export interface IptablesTableState {
  readonly table: IptablesTable;
  /** chain -> rules (args only), in kernel order. */
  readonly chains: ReadonlyMap<string, ReadonlyArray<readonly string[]>>;
}

export type IptablesOp =
  /** Creates the chain if missing; leaves its rules alone. */
  | { readonly kind: 'ensure-chain'; readonly table: IptablesTable; readonly chain: string }
  /** Creates or empties the chain, then appends `rules` in order (the chain ends up exactly so). */
  | {
      readonly kind: 'replace-chain';
      readonly table: IptablesTable;
      readonly chain: string;
      readonly rules: ReadonlyArray<readonly string[]>;
    }
  /** Adds the rule unless an identical one is in the chain; `insert` puts it first, default appends. */
  | {
      readonly kind: 'ensure-rule';
      readonly table: IptablesTable;
      readonly chain: string;
      readonly args: readonly string[];
      readonly position?: 'append' | 'insert';
    }
  /** Deletes every identical copy of the rule, if any. */
  | {
      readonly kind: 'delete-rule';
      readonly table: IptablesTable;
      readonly chain: string;
      readonly args: readonly string[];
    }
  /** Deletes the chain, its rules and every rule jumping to it, if it exists. */
  | { readonly kind: 'delete-chain'; readonly table: IptablesTable; readonly chain: string };

const CHAIN = /^[A-Za-z0-9_][A-Za-z0-9_.:+-]{0,28}$/;
const WORD = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

function bad(detail: string): never {
  throw new KernelError({ kind: 'invalid-argument', op: 'iptables', detail });
}

/** A chain name (<= 29 chars, no spaces). */
export function validateChain(chain: string): string {
  if (typeof chain !== 'string' || !CHAIN.test(chain)) bad(`not a valid chain name: ${JSON.stringify(chain)}`);
  return chain;
}

/** Rule words: printable, no newline, no double quote; words with spaces are quoted in restore text. */
export function validateRuleArgs(args: readonly string[]): readonly string[] {
  if (!Array.isArray(args) || args.length === 0) bad('rule needs arguments');
  for (const a of args) {
    if (typeof a !== 'string' || !WORD.test(a) || a.includes('"') || a.includes('\\'))
      bad(`bad rule word ${JSON.stringify(a)}`);
  }
  if (args[0] === '-A' || args[0] === '-I' || args[0] === '-D') bad('give the rule without -A/-I/-D <chain>');
  return args;
}

/** Splits a save line into words, honouring double quotes. */
export function splitSaveLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '\\' && i + 1 < line.length) cur += line[++i];
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') {
      quoted = true;
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out;
}

/** Parses `iptables-save` output (any number of tables). */
export function parseIptablesSave(text: string): Map<IptablesTable, IptablesTableState> {
  const tables = new Map<IptablesTable, IptablesTableState>();
  let cur: Map<string, Array<readonly string[]>> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      const name = line.slice(1) as IptablesTable;
      cur = new Map();
      tables.set(name, { table: name, chains: cur });
    } else if (line.startsWith(':') && cur) {
      cur.set(line.slice(1).split(' ')[0], []);
    } else if (line.startsWith('-A ') && cur) {
      const words = splitSaveLine(line);
      const chain = words[1];
      if (!cur.has(chain)) cur.set(chain, []);
      cur.get(chain)!.push(words.slice(2));
    }
  }
  return tables;
}

const LONG: Record<string, string> = {
  '--source': '-s',
  '--src': '-s',
  '--destination': '-d',
  '--dst': '-d',
  '--in-interface': '-i',
  '--out-interface': '-o',
  '--protocol': '-p',
  '--jump': '-j',
  '--goto': '-g',
  '--match': '-m',
};
const BASIC_ORDER = ['-s', '-d', '-i', '-o', '-p'];

/**
 * Canonical form of rule words, as iptables-save prints them: long basic options shortened, `-s/-d/-i/-o/-p`
 * (with a preceding `!`) moved first in that order, addresses given a prefix length. Other words keep their order,
 * so write matches as iptables-save shows them (e.g. `-p tcp -m tcp --dport 80`, `--set-xmark 0x80/0x80`).
 */
export function canonicalRuleArgs(family: IptablesFamily, args: readonly string[]): string[] {
  const words = args.map((w) => LONG[w] ?? w);
  const basic = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const neg = words[i] === '!' && BASIC_ORDER.includes(words[i + 1]);
    const opt = neg ? words[i + 1] : words[i];
    if (BASIC_ORDER.includes(opt) && !basic.has(opt) && (neg ? i + 2 : i + 1) < words.length) {
      let val = words[neg ? i + 2 : i + 1];
      if (opt === '-s' || opt === '-d') {
        const c = val.includes(',')
          ? undefined
          : (() => {
              try {
                return parseCidr(val, { hostIfBare: true });
              } catch {
                return undefined;
              }
            })();
        if (c && c.address.family === family) val = formatCidr(c);
      }
      basic.set(opt, neg ? ['!', opt, val] : [opt, val]);
      i += neg ? 2 : 1;
    } else rest.push(words[i]);
  }
  const proto = basic.get('-p');
  const p = proto ? proto[proto.length - 1] : undefined;
  return [...BASIC_ORDER.flatMap((o) => basic.get(o) ?? []), ...canonicalMatches(rest, p)];
}

const PORT_OPTS = new Set(['--dport', '--sport', '--tcp-flags', '--syn', '--tcp-option']);
const PORT_LONG: Record<string, string> = { '--destination-port': '--dport', '--source-port': '--sport' };

const hexMark = (v: string): string => {
  const n = /^(0x[0-9a-fA-F]+|[0-9]+)$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? `0x${n.toString(16)}` : v;
};
const markMask = (v: string, defaultMask?: string): string => {
  const [val, mask] = v.split('/');
  return mask !== undefined
    ? `${hexMark(val)}/${hexMark(mask)}`
    : defaultMask
      ? `${hexMark(val)}/${defaultMask}`
      : hexMark(val);
};

/**
 * Rewrites match/target words the way iptables-save prints them: the implicit `-m tcp|udp` before port options,
 * `--set-mark` as `--set-xmark v/m`, `--restore-mark|--save-mark --mask m` as `--nfmask m --ctmask m`, marks in hex.
 */
function canonicalMatches(words: readonly string[], proto: string | undefined): string[] {
  const w = words.map((x) => PORT_LONG[x] ?? x);
  if ((proto === 'tcp' || proto === 'udp') && !w.some((x, i) => x === '-m' && w[i + 1] === proto)) {
    const k = w.findIndex((x) => PORT_OPTS.has(x));
    if (k >= 0) w.splice(w[k - 1] === '!' ? k - 1 : k, 0, '-m', proto);
  }
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) {
    const x = w[i];
    if ((x === '--set-mark' || x === '--set-xmark') && i + 1 < w.length) {
      out.push('--set-xmark', markMask(w[++i], '0xffffffff'));
    } else if ((x === '--restore-mark' || x === '--save-mark') && w[i + 1] === '--mask' && i + 2 < w.length) {
      const m = hexMark(w[i + 2]);
      out.push(x, '--nfmask', m, '--ctmask', m);
      i += 2;
    } else if ((x === '--nfmask' || x === '--ctmask' || x === '--mark') && i + 1 < w.length) {
      out.push(x, markMask(w[++i]));
    } else out.push(x);
  }
  return out;
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((w, i) => w === b[i]);

/** Quotes a word for restore text when it has spaces. */
function q(word: string): string {
  return /\s/.test(word) || word === '' ? `"${word}"` : word;
}

function ruleText(action: '-A' | '-I' | '-D', chain: string, args: readonly string[]): string {
  return [action, chain, ...args.map(q)].join(' ');
}

const BUILTIN = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);

/** The outcome of planning: the restore text (empty when nothing changes) and the state it leads to. */
export interface IptablesPlan {
  readonly text: string;
  readonly changes: number;
  /** The tables after the change (canonical rule words). */
  readonly after: Map<IptablesTable, IptablesTableState>;
}

/**
 * Plans the restore text for `ops` against `current` (from iptables-save). Ops are applied in order to a model of
 * the state, so later ops see earlier ones; ops already satisfied produce no line (`changes` 0, `text` "").
 */
export function planIptablesRestore(
  family: IptablesFamily,
  current: ReadonlyMap<IptablesTable, IptablesTableState>,
  ops: readonly IptablesOp[],
): IptablesPlan {
  // Working model: table -> chain -> rules (canonical).
  const model = new Map<IptablesTable, Map<string, string[][]>>();
  const tableModel = (t: IptablesTable) => {
    let m = model.get(t);
    if (!m) {
      m = new Map();
      for (const [c, rules] of current.get(t)?.chains ?? [])
        m.set(
          c,
          rules.map((r) => canonicalRuleArgs(family, r)),
        );
      model.set(t, m);
    }
    return m;
  };
  const lines = new Map<IptablesTable, string[]>();
  const emit = (t: IptablesTable, l: string) => {
    if (!lines.has(t)) lines.set(t, []);
    lines.get(t)!.push(l);
  };
  let changes = 0;
  for (const op of ops) {
    if (!IPTABLES_TABLES.includes(op.table)) bad(`unknown table ${JSON.stringify(op.table)}`);
    validateChain(op.chain);
    const m = tableModel(op.table);
    switch (op.kind) {
      case 'ensure-chain':
        if (!m.has(op.chain)) {
          emit(op.table, `:${op.chain} - [0:0]`);
          m.set(op.chain, []);
          changes++;
        }
        break;
      case 'replace-chain': {
        const want = op.rules.map((r) => canonicalRuleArgs(family, validateRuleArgs(r)));
        const have = m.get(op.chain);
        if (have && have.length === want.length && have.every((r, i) => same(r, want[i]))) break;
        if (BUILTIN.has(op.chain)) emit(op.table, `-F ${op.chain}`);
        else emit(op.table, `:${op.chain} - [0:0]`); // with --noflush, declaring a chain creates or empties it
        for (const r of want) emit(op.table, ruleText('-A', op.chain, r));
        m.set(op.chain, want);
        changes++;
        break;
      }
      case 'ensure-rule': {
        const want = canonicalRuleArgs(family, validateRuleArgs(op.args));
        const have = m.get(op.chain);
        if (have?.some((r) => same(r, want))) break;
        if (!have) {
          if (BUILTIN.has(op.chain)) m.set(op.chain, []);
          else {
            emit(op.table, `:${op.chain} - [0:0]`);
            m.set(op.chain, []);
          }
        }
        const rules = m.get(op.chain)!;
        if (op.position === 'insert') {
          emit(op.table, ruleText('-I', op.chain, want));
          rules.unshift(want);
        } else {
          emit(op.table, ruleText('-A', op.chain, want));
          rules.push(want);
        }
        changes++;
        break;
      }
      case 'delete-rule': {
        const want = canonicalRuleArgs(family, validateRuleArgs(op.args));
        const rules = m.get(op.chain);
        if (!rules) break;
        for (let i = rules.length - 1; i >= 0; i--) {
          if (same(rules[i], want)) {
            emit(op.table, ruleText('-D', op.chain, want));
            rules.splice(i, 1);
            changes++;
          }
        }
        break;
      }
      case 'delete-chain': {
        if (!m.has(op.chain)) break;
        for (const [c, rules] of m) {
          for (let i = rules.length - 1; i >= 0; i--) {
            const r = rules[i];
            const j = r.findIndex((w) => w === '-j' || w === '-g');
            if (j >= 0 && r[j + 1] === op.chain) {
              emit(op.table, ruleText('-D', c, r));
              rules.splice(i, 1);
            }
          }
        }
        emit(op.table, `-F ${op.chain}`);
        emit(op.table, `-X ${op.chain}`);
        m.delete(op.chain);
        changes++;
        break;
      }
    }
  }
  const after = new Map<IptablesTable, IptablesTableState>(current);
  for (const [t, chains] of model) after.set(t, { table: t, chains });
  if (changes === 0) return { text: '', changes, after };
  const text = [...lines].map(([t, ls]) => [`*${t}`, ...ls, 'COMMIT'].join('\n')).join('\n');
  return { text: `${text}\n`, changes, after };
}
