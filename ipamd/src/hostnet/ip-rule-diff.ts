import {
  IPPROTO_ICMPV6,
  IPV6_VPC_GATEWAY,
  type IpRuleSpec,
  LOCAL_RULE_PRIORITY,
  STRICT_LOCAL_RULE_PRIORITY,
} from './desired-rules';

/** An ip rule as `ip -j rule show` reports it (the fields we compare; any other field is a selector we don't model). */
export interface IpRuleState {
  readonly priority: number;
  readonly table: string;
  readonly src?: string;
  readonly srclen?: number;
  readonly ipproto?: string;
  readonly fwmark?: string;
  readonly fwmask?: string;
  readonly dst?: string;
  readonly dstlen?: number;
}

/** A rule found in the kernel, normalized to the spec form. */
export interface KernelIpRule extends Omit<IpRuleSpec, 'table'> {
  readonly table: string;
  /** Selectors we don't model (`iif`, `not`, `uidrange`...), as `name=value` joined; such a rule is never ours. */
  readonly other?: string;
}

/** Priorities whose rules (any table) ipamd owns at host level (pod rules at 10/512/1536 belong to the plugin). */
export const HOST_RULE_PRIORITIES = [1024, 1535] as const;

/** One `ip rule add` or `ip rule del`; a plan's steps run in order. */
export interface IpRuleStep {
  readonly op: 'add' | 'del';
  readonly rule: IpRuleSpec;
}

export interface IpRulePlan {
  readonly steps: readonly IpRuleStep[];
  /**
   * Our rules that should go but stay: `ip rule del` deletes the first rule its selector matches, and that would be
   * a rule ipamd does not own (e.g. someone's `iif lo lookup local` at 0 listed before the local rule).
   */
  readonly blocked: readonly IpRuleSpec[];
}

const KNOWN_FIELDS = new Set(['priority', 'table', 'src', 'srclen', 'ipproto', 'fwmark', 'fwmask', 'dst', 'dstlen']);
/** Fields `ip -j rule` prints that are not selectors. */
const IGNORED_FIELDS = new Set(['protocol', 'flags']);
const PROTOCOLS: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, 'ipv6-icmp': 58, icmpv6: 58 };

/** `a/32` and `a/128` are the host address `a`: the kernel prints them without a length. */
function hostless(cidr: string | undefined): string | undefined {
  if (cidr === undefined) return undefined;
  const [addr, len] = cidr.split('/');
  return len !== undefined && Number(len) === (addr.includes(':') ? 128 : 32) ? addr : cidr;
}

function key(r: KernelIpRule | IpRuleSpec): string {
  const other = 'other' in r ? (r.other ?? '') : '';
  return [r.family, r.priority, r.table, r.fwmark, hostless(r.to), hostless(r.from), r.ipproto, other]
    .map((v) => v ?? '')
    .join('|');
}

function prefix(addr: string | undefined, len: number | undefined): string | undefined {
  if (!addr || addr === 'all') return undefined;
  return len !== undefined ? `${addr}/${len}` : addr;
}

/** Normalizes a kernel rule of one family into the spec form, for comparison. */
export function ruleFromState(family: 4 | 6, s: IpRuleState): KernelIpRule {
  const fwmark = s.fwmark ? (s.fwmask ? `${s.fwmark}/${s.fwmask}` : s.fwmark) : undefined;
  const to = prefix(s.dst, s.dstlen);
  const from = prefix(s.src, s.srclen);
  const other: string[] = [];
  let ipproto: number | undefined;
  if (s.ipproto !== undefined) {
    ipproto = /^\d+$/.test(s.ipproto) ? Number(s.ipproto) : PROTOCOLS[s.ipproto];
    if (ipproto === undefined) other.push(`ipproto=${s.ipproto}`);
  }
  for (const [k, v] of Object.entries(s)) {
    if (!KNOWN_FIELDS.has(k) && !IGNORED_FIELDS.has(k)) other.push(`${k}=${JSON.stringify(v)}`);
  }
  return {
    family,
    priority: s.priority,
    table: s.table,
    ...(fwmark ? { fwmark } : {}),
    ...(to ? { to } : {}),
    ...(from ? { from } : {}),
    ...(ipproto !== undefined ? { ipproto } : {}),
    ...(other.length ? { other: other.sort().join(' ') } : {}),
  };
}

/**
 * Whether ipamd owns a kernel rule: anything at 1024/1535, and in the family in use the `from all lookup local`
 * rule at 0 or 20 and the IPv6 `from fe80:ec2::1 ipproto icmpv6 lookup local` rule at 0.
 */
export function ownsIpRule(r: KernelIpRule, localRuleFamily: 4 | 6): boolean {
  if ((HOST_RULE_PRIORITIES as readonly number[]).includes(r.priority)) return true;
  if (r.table !== 'local' || r.family !== localRuleFamily || r.other || r.fwmark || r.to) return false;
  if (r.from === undefined && r.ipproto === undefined) {
    return r.priority === LOCAL_RULE_PRIORITY || r.priority === STRICT_LOCAL_RULE_PRIORITY;
  }
  return (
    r.family === 6 &&
    r.priority === LOCAL_RULE_PRIORITY &&
    hostless(r.from) === IPV6_VPC_GATEWAY &&
    r.ipproto === IPPROTO_ICMPV6
  );
}

/** Would `ip rule del <sel>` match `r`? The kernel treats every selector left out as "any" and deletes the first match. */
function delMatches(sel: IpRuleSpec, r: KernelIpRule): boolean {
  return (
    r.family === sel.family &&
    r.priority === sel.priority &&
    r.table === sel.table &&
    (sel.fwmark === undefined || r.fwmark === sel.fwmark) &&
    (sel.to === undefined || hostless(r.to) === hostless(sel.to)) &&
    (sel.from === undefined || hostless(r.from) === hostless(sel.from)) &&
    (sel.ipproto === undefined || r.ipproto === sel.ipproto)
  );
}

/** The `ip rule del` selector for a kernel rule: what we model of it (unmodeled selectors cannot be named). */
function asSpec(r: KernelIpRule): IpRuleSpec {
  if (r.other === undefined) return r as IpRuleSpec;
  const rest: Record<string, unknown> = { ...r };
  delete rest.other;
  return rest as unknown as IpRuleSpec;
}

/** Where the kernel puts a new rule: after the last rule of its family whose priority is not greater. */
function insert(list: KernelIpRule[], r: IpRuleSpec): void {
  let at = 0;
  list.forEach((o, i) => {
    if (o.family === r.family && o.priority <= r.priority) at = i + 1;
  });
  list.splice(at, 0, r);
}

/**
 * The ordered `ip rule` steps that make the rules ipamd owns exactly the desired ones; rules it does not own are
 * never added to, deleted or reordered except as noted under `blocked`. `current` is the kernel's listing, in its
 * order. Pure.
 *
 * - Every add comes before every delete: the local rule at its new priority exists before the old one goes, so local
 *   delivery never stops (strict mode's move 0 -> 20 and the way back alike). All prio-1535 rules not desired are
 *   replaced, as upstream does on init.
 * - `ip rule del` removes the first rule its selector matches, and `lookup local priority 0` also matches
 *   `from fe80:ec2::1 ipproto icmpv6 lookup local` listed before it. The plan follows the kernel's list: a rule of
 *   ours in the way is deleted first and added back after; a rule not ours in the way leaves the delete `blocked`.
 */
export function diffIpRules(
  current: readonly KernelIpRule[],
  desired: readonly IpRuleSpec[],
  localRuleFamily: 4 | 6,
): IpRulePlan {
  const owned = current.filter((r) => ownsIpRule(r, localRuleFamily));
  const want = new Set(desired.map(key));
  const seen = new Set<string>();
  const dels: KernelIpRule[] = [];
  for (const r of owned) {
    const k = key(r);
    if (!want.has(k) || seen.has(k)) dels.push(r);
    seen.add(k);
  }
  const steps: IpRuleStep[] = [];
  const sim: KernelIpRule[] = [...current];
  const haveKeys = new Set(owned.map(key));
  const wanted = new Set<string>();
  for (const r of desired) {
    const k = key(r);
    if (haveKeys.has(k) || wanted.has(k)) continue;
    wanted.add(k);
    steps.push({ op: 'add', rule: r });
    insert(sim, r);
  }

  const blocked: IpRuleSpec[] = [];
  const readd: IpRuleSpec[] = [];
  for (const target of dels) {
    if (!sim.includes(target)) continue; // already deleted as another delete's obstacle
    const sel = asSpec(target);
    const at = sim.indexOf(target);
    const first = sim.findIndex((r) => delMatches(sel, r));
    // An identical rule first in line: deleting it instead leaves the same set.
    if (first === at || key(sim[first]) === key(target)) {
      steps.push({ op: 'del', rule: sel });
      sim.splice(first, 1);
      continue;
    }
    const inWay = sim.slice(0, at).filter((r) => delMatches(sel, r));
    if (inWay.some((r) => !ownsIpRule(r, localRuleFamily))) {
      blocked.push(sel);
      continue;
    }
    for (const r of inWay) {
      steps.push({ op: 'del', rule: asSpec(r) });
      sim.splice(sim.indexOf(r), 1);
      if (want.has(key(r)) && !readd.some((x) => key(x) === key(r))) readd.push(asSpec(r));
    }
    steps.push({ op: 'del', rule: sel });
    sim.splice(sim.indexOf(target), 1);
  }
  for (const r of readd) {
    if (sim.some((o) => key(o) === key(r))) continue;
    steps.push({ op: 'add', rule: r });
    insert(sim, r);
  }
  return { steps, blocked };
}
