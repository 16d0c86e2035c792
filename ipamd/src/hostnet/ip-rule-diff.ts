import { type IpRuleSpec } from './desired-rules';

/** An ip rule as `ip -j rule show` reports it (the fields we compare). */
export interface IpRuleState {
  readonly priority: number;
  readonly table: string;
  readonly fwmark?: string;
  readonly fwmask?: string;
  readonly dst?: string;
  readonly dstlen?: number;
}

/** Priorities whose rules ipamd owns at host level (pod rules at 512/1536 belong to the plugin). */
export const HOST_RULE_PRIORITIES = [1024, 1535] as const;

export interface IpRuleDiff {
  readonly add: readonly IpRuleSpec[];
  /** Rules to delete, as specs for `ip rule del`. */
  readonly del: readonly IpRuleSpec[];
}

function key(r: IpRuleSpec): string {
  return `${r.family}|${r.priority}|${r.table}|${r.fwmark ?? ''}|${r.to ?? ''}`;
}

/** Normalizes a kernel rule of one family into the spec form, for comparison. */
export function ruleFromState(family: 4 | 6, s: IpRuleState): IpRuleSpec {
  const fwmark = s.fwmark ? (s.fwmask ? `${s.fwmark}/${s.fwmask}` : s.fwmark) : undefined;
  const to = s.dst && s.dst !== 'all' ? (s.dstlen !== undefined ? `${s.dst}/${s.dstlen}` : s.dst) : undefined;
  return {
    family,
    priority: s.priority,
    table: s.table as 'main',
    ...(fwmark ? { fwmark } : {}),
    ...(to ? { to } : {}),
  };
}

/**
 * What to add and delete so that, at the priorities ipamd owns, the kernel has exactly the desired rules. All
 * prio-1535 rules are replaced wholesale, as upstream does on init.
 */
export function diffIpRules(current: readonly IpRuleSpec[], desired: readonly IpRuleSpec[]): IpRuleDiff {
  const owned = current.filter((r) => (HOST_RULE_PRIORITIES as readonly number[]).includes(r.priority));
  const have = new Map(owned.map((r) => [key(r), r]));
  const want = new Map(desired.map((r) => [key(r), r]));
  const del = owned.filter((r, i) => !want.has(key(r)) || owned.findIndex((o) => key(o) === key(r)) !== i);
  const add = desired.filter((r) => !have.has(key(r)));
  return { add, del };
}
