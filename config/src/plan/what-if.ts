import { lookupInstanceLimits, maxPodsFor, type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';
import { targetsFrom, type PoolTargets } from '@vpc-cni-ts/ipamd/planner';

import { ManifestError } from '../manifest-error';
import { PaperNode, type Ec2Action, type NodePoint } from './paper-node';

/** The warm-pool settings the planner weighs (ipamd environment variables). */
export interface PoolSettings {
  readonly WARM_ENI_TARGET: number;
  readonly WARM_IP_TARGET: number;
  readonly MINIMUM_IP_TARGET: number;
  readonly WARM_PREFIX_TARGET: number;
  readonly ENABLE_PREFIX_DELEGATION: boolean;
  /** Undefined: the instance type's limit. */
  readonly MAX_ENI: number | undefined;
}

export const DEFAULT_SETTINGS: PoolSettings = Object.freeze({
  WARM_ENI_TARGET: 1,
  WARM_IP_TARGET: 0,
  MINIMUM_IP_TARGET: 0,
  WARM_PREFIX_TARGET: 0,
  ENABLE_PREFIX_DELEGATION: false,
  MAX_ENI: undefined,
});

/** The question: this node type, this many pods, this churn, this subnet, these settings. */
export interface PlanRequest {
  readonly instanceType: string;
  /** Pods (with VPC addresses) expected per node. */
  readonly pods: number;
  /** Pods replaced per node per minute in steady state. */
  readonly churnPerMinute: number;
  /** Nodes in the cluster (for cluster-wide call rates and subnet use). */
  readonly nodes: number;
  /** Prefix length of the node/pod subnet, e.g. 19 for a /19. */
  readonly subnetPrefixLength: number;
  readonly settings: PoolSettings;
}

export type WarningKind = 'stops-allocation' | 'waste' | 'api-calls' | 'ignored' | 'subnet' | 'oscillation';

export interface PlanWarning {
  readonly kind: WarningKind;
  readonly message: string;
}

/** What a setting does on paper, per node and for the cluster. */
export interface PlanResult {
  readonly instanceType: string;
  readonly settings: PoolSettings;
  /** Prefix delegation really in force (Nitro only). */
  readonly prefixDelegation: boolean;
  readonly maxPods: number;
  readonly pods: number;
  readonly perNode: {
    /** Addresses held with no pods (after start-up settles). */
    readonly heldIdle: number;
    /** Addresses held with the expected pods, settled. */
    readonly heldAtPods: number;
    readonly enisAtPods: number;
    /** Addresses held but not used by a pod, with the expected pods. */
    readonly idleAtPods: number;
    /** Subnet addresses one node takes with the expected pods: held addresses plus each ENI's own primary. */
    readonly subnetAddresses: number;
    /** Pods that never get an address with these settings (allocation stops). */
    readonly podsWithoutAddress: number;
  };
  /** EC2 calls per node for scaling 0 -> pods and pods -> 0. */
  readonly scaleUpCalls: Readonly<Record<Ec2Action, number>> & { readonly total: number };
  readonly scaleDownCalls: number;
  /** EC2 calls per node per hour under the stated churn, and for the whole cluster. */
  readonly churnCallsPerNodeHour: number;
  readonly churnCallsPerClusterSecond: number;
  readonly subnet: {
    readonly prefixLength: number;
    readonly usable: number;
    readonly nodesThatFit: number;
    readonly usedByCluster: number;
  };
  readonly warnings: readonly PlanWarning[];
  /** Addresses held over a scale-up, churn, scale-down timeline, for the chart. */
  readonly timeline: readonly NodePoint[];
}

/** EC2's mutating-call bucket refills 5 per second for the whole account (notes 4.10). */
export const ACCOUNT_MUTATING_PER_SECOND = 5;

function limitsOf(type: string): InstanceLimits {
  const l = lookupInstanceLimits(type);
  if (!l)
    throw new ManifestError(
      `unknown instance type '${type}' (not in the limits table); check the spelling, e.g. m5.large`,
    );
  return l;
}

/** Reject values and combinations that make no sense, naming them (exit 2). */
export function validateRequest(r: PlanRequest): void {
  const s = r.settings;
  const problems: string[] = [];
  const nonNeg = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 0) problems.push(`${name} must be a whole number >= 0, got ${v}`);
  };
  nonNeg('--pods', r.pods);
  nonNeg('WARM_ENI_TARGET', s.WARM_ENI_TARGET);
  nonNeg('WARM_IP_TARGET', s.WARM_IP_TARGET);
  nonNeg('MINIMUM_IP_TARGET', s.MINIMUM_IP_TARGET);
  nonNeg('WARM_PREFIX_TARGET', s.WARM_PREFIX_TARGET);
  if (s.MAX_ENI !== undefined && (!Number.isInteger(s.MAX_ENI) || s.MAX_ENI < 1))
    problems.push(`MAX_ENI must be a whole number >= 1 (or unset), got ${s.MAX_ENI}`);
  if (!(r.churnPerMinute >= 0) || !Number.isFinite(r.churnPerMinute))
    problems.push(`--churn must be a number >= 0 (pods replaced per node per minute), got ${r.churnPerMinute}`);
  if (!Number.isInteger(r.nodes) || r.nodes < 1) problems.push(`--nodes must be a whole number >= 1, got ${r.nodes}`);
  if (!Number.isInteger(r.subnetPrefixLength) || r.subnetPrefixLength < 16 || r.subnetPrefixLength > 28)
    problems.push(`--subnet must be a prefix length /16 to /28 (EC2's subnet sizes), got /${r.subnetPrefixLength}`);
  if (problems.length) throw new ManifestError(problems.join('; '));
  const limits = limitsOf(r.instanceType);
  const pd = s.ENABLE_PREFIX_DELEGATION && limits.nitro;
  const maxPods = maxPodsFor(limits, { prefixDelegation: pd, maxEni: s.MAX_ENI });
  if (r.pods > maxPods - 2) {
    throw new ManifestError(
      `--pods ${r.pods} exceeds what ${r.instanceType} can run with these settings: max pods ${maxPods} (${maxPods - 2} with VPC addresses, 2 are host-network daemons)${pd ? '' : '; consider ENABLE_PREFIX_DELEGATION=true on a Nitro type or a larger type'}`,
    );
  }
  if (r.churnPerMinute > 0 && r.pods === 0)
    throw new ManifestError('--churn needs --pods > 0: churn replaces running pods');
}

/** The planner's targets for a request, exactly as ipamd builds them (`targetsFrom`). */
export function targetsFor(r: PlanRequest): { targets: PoolTargets; limits: InstanceLimits; maxPods: number } {
  const limits = limitsOf(r.instanceType);
  const s = r.settings;
  const prefixDelegation = s.ENABLE_PREFIX_DELEGATION && limits.nitro;
  const maxPods = maxPodsFor(limits, { prefixDelegation, maxEni: s.MAX_ENI });
  const targets = targetsFrom(
    {
      warmEniTarget: s.WARM_ENI_TARGET,
      warmIpTarget: s.WARM_IP_TARGET,
      minimumIpTarget: s.MINIMUM_IP_TARGET,
      warmPrefixTarget: s.WARM_PREFIX_TARGET,
      maxEni: s.MAX_ENI,
      prefixDelegation,
      ipCooldownSeconds: 30,
      disableNetworkResourceProvisioning: false,
      manageEnisNonSchedulable: false,
      maxPods: undefined,
      enableSubnetDiscovery: false,
      disableLeakedEniCleanup: false,
      manageUntaggedEni: true,
    },
    limits,
    { eniMinAgeMs: 60_000, prefixDelegation },
  );
  return { targets, limits, maxPods };
}

const TICK_MS = 5_000;

/**
 * Work out a setting on paper with ipamd's real planner and datastore (perfect EC2, upstream cadence): held
 * addresses idle and at the expected pods, EC2 calls for the scale-up and scale-down, calls per hour under churn,
 * how many nodes the subnet holds, and warnings. Pure; throws ManifestError for invalid input.
 */
export function planWhatIf(r: PlanRequest): PlanResult {
  validateRequest(r);
  const { targets, limits, maxPods } = targetsFor(r);
  const s = r.settings;
  const pd = targets.prefixDelegation;
  const timeline: NodePoint[] = [];
  const node = new PaperNode(targets, 30_000, TICK_MS);
  const mark = () => {
    const st = node.stats;
    timeline.push({ t: node.now / 1000, pods: st.pods, held: st.total, enis: st.enis });
  };
  const run = (ticks: number, each?: (i: number) => void) => {
    for (let i = 0; i < ticks; i++) {
      each?.(i);
      node.tick();
      mark();
    }
  };
  // 1. start-up: settle with no pods
  mark();
  run(24);
  node.settle();
  mark();
  const idle = node.stats;
  // 2. scale-up: all pods arrive within one minute
  const before = { ...node.calls };
  const perTick = Math.ceil(r.pods / 12);
  let added = 0;
  run(12, () => {
    const n = Math.min(perTick, r.pods - added);
    node.addPods(n);
    added += n;
  });
  run(60);
  const upCalls = Object.fromEntries(
    Object.entries(node.calls).map(([k, v]) => [k, v - before[k as Ec2Action]]),
  ) as Record<Ec2Action, number>;
  const atPods = node.stats;
  const podsWithoutAddress = atPods.waiting;
  // 3. churn for an hour: replace churnPerMinute pods per minute, spread over the ticks
  const churnStart = node.totalCalls();
  let carry = 0;
  run(720, () => {
    carry += (r.churnPerMinute * TICK_MS) / 60_000;
    const n = Math.floor(carry);
    carry -= n;
    if (n > 0) {
      node.removePods(n);
      node.addPods(n);
    }
  });
  const churnCalls = node.totalCalls() - churnStart;
  // 4. scale-down to 0 and settle
  const downStart = node.totalCalls();
  node.removePods(node.stats.pods + node.stats.waiting);
  mark();
  run(60);
  node.settle();
  mark();
  const downCalls = node.totalCalls() - downStart;

  const usable = 2 ** (32 - r.subnetPrefixLength) - 5;
  const subnetAddresses = atPods.total + atPods.enis;
  const nodesThatFit = Math.floor(usable / Math.max(1, subnetAddresses));
  const warnings: PlanWarning[] = [];
  const warmIp = s.WARM_IP_TARGET > 0 || s.MINIMUM_IP_TARGET > 0;
  if (podsWithoutAddress > 0) {
    warnings.push({
      kind: 'stops-allocation',
      message:
        s.MINIMUM_IP_TARGET > 0 && s.WARM_IP_TARGET === 0
          ? `MINIMUM_IP_TARGET=${s.MINIMUM_IP_TARGET} without WARM_IP_TARGET: ipamd allocates exactly the minimum and then stops; ${podsWithoutAddress} of ${r.pods} pods would get no address. Set WARM_IP_TARGET >= 1.`
          : `${podsWithoutAddress} of ${r.pods} pods would get no address (MAX_ENI=${s.MAX_ENI ?? 'unset'} caps the node at ${atPods.total} addresses).`,
    });
  } else if (s.MINIMUM_IP_TARGET > 0 && s.WARM_IP_TARGET === 0) {
    warnings.push({
      kind: 'stops-allocation',
      message: `MINIMUM_IP_TARGET=${s.MINIMUM_IP_TARGET} without WARM_IP_TARGET: allocation stops at ${s.MINIMUM_IP_TARGET} addresses; any pod beyond that gets no address. Set WARM_IP_TARGET >= 1.`,
    });
  }
  if (s.ENABLE_PREFIX_DELEGATION && !limits.nitro) {
    warnings.push({
      kind: 'ignored',
      message: `ENABLE_PREFIX_DELEGATION=true but ${r.instanceType} is not Nitro (hypervisor ${limits.hypervisor || 'unknown'}): ipamd uses secondary IPs; the numbers above are for secondary IPs.`,
    });
  }
  if (s.WARM_PREFIX_TARGET > 0 && !pd)
    warnings.push({
      kind: 'ignored',
      message: 'WARM_PREFIX_TARGET only applies with prefix delegation; it is ignored here.',
    });
  if (warmIp && s.WARM_ENI_TARGET !== DEFAULT_SETTINGS.WARM_ENI_TARGET)
    warnings.push({
      kind: 'ignored',
      message: 'WARM_ENI_TARGET is ignored when WARM_IP_TARGET or MINIMUM_IP_TARGET is set.',
    });
  if (pd && warmIp && s.WARM_PREFIX_TARGET > 0)
    warnings.push({
      kind: 'ignored',
      message: 'WARM_PREFIX_TARGET is ignored when WARM_IP_TARGET or MINIMUM_IP_TARGET is set.',
    });
  if (!warmIp && !pd && s.WARM_ENI_TARGET === 0)
    warnings.push({
      kind: 'oscillation',
      message:
        'WARM_ENI_TARGET=0 keeps no spare: every pod beyond the current ENI waits for a new ENI (upstream #1775 reports attach/free loops with no pods).',
    });
  const clusterPerSecond = (churnCalls / 3600) * r.nodes;
  const overBudget = clusterPerSecond > ACCOUNT_MUTATING_PER_SECOND / 2;
  const rate = `about ${clusterPerSecond.toFixed(2)} EC2 calls/s for the cluster under steady churn on paper (the account's mutating budget is ${ACCOUNT_MUTATING_PER_SECOND}/s, shared with everything else in it)`;
  if (s.WARM_IP_TARGET > 0 && (r.nodes >= 100 || r.churnPerMinute >= 5 || overBudget)) {
    warnings.push({
      kind: 'api-calls',
      message: `WARM_IP_TARGET on ${r.nodes} nodes with ${r.churnPerMinute} pods/min/node churn: pod starts and stops turn into EC2 calls; ${rate}${overBudget ? '; expect throttling' : '; bursts and restarts multiply it'}. The readme advises against it on large or high-churn clusters: set MINIMUM_IP_TARGET to the expected pods with a small WARM_IP_TARGET, or use prefix delegation.`,
    });
  } else if (overBudget) {
    warnings.push({ kind: 'api-calls', message: `${rate}; expect throttling.` });
  }
  const idleAtPods = atPods.total - atPods.assigned;
  if (idleAtPods > Math.max(16, atPods.assigned))
    warnings.push({
      kind: 'waste',
      message: `${idleAtPods} addresses per node held idle with ${r.pods} pods (${idleAtPods * r.nodes} across ${r.nodes} nodes).`,
    });
  if (r.nodes > nodesThatFit)
    warnings.push({
      kind: 'subnet',
      message: `a /${r.subnetPrefixLength} (${usable} usable addresses) holds only ${nodesThatFit} such nodes; ${r.nodes} were asked for.`,
    });

  return {
    instanceType: r.instanceType,
    settings: s,
    prefixDelegation: pd,
    maxPods,
    pods: r.pods,
    perNode: {
      heldIdle: idle.total,
      heldAtPods: atPods.total,
      enisAtPods: atPods.enis,
      idleAtPods,
      subnetAddresses,
      podsWithoutAddress,
    },
    scaleUpCalls: { ...upCalls, total: Object.values(upCalls).reduce((a, b) => a + b, 0) },
    scaleDownCalls: downCalls,
    churnCallsPerNodeHour: churnCalls,
    churnCallsPerClusterSecond: Math.round(clusterPerSecond * 1000) / 1000,
    subnet: { prefixLength: r.subnetPrefixLength, usable, nodesThatFit, usedByCluster: subnetAddresses * r.nodes },
    warnings,
    timeline,
  };
}

/** A recommended setting and why it won. */
export interface Recommendation {
  readonly settings: PoolSettings;
  readonly result: PlanResult;
  readonly reason: string;
}

const differs = (a: PoolSettings, b: PoolSettings): string =>
  (Object.keys(a) as (keyof PoolSettings)[])
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}=${a[k] === undefined ? 'unset' : String(a[k])}`)
    .join(' ');

/** Render settings as environment variables, only those that differ from the defaults. */
export function settingsEnv(s: PoolSettings): string {
  return differs(s, DEFAULT_SETTINGS) || '(defaults)';
}

/**
 * Try a few settings (the given one, the default, MINIMUM_IP_TARGET=pods with a small WARM_IP_TARGET, prefix
 * delegation with WARM_PREFIX_TARGET=1 on Nitro). Keep those that serve every pod with cluster EC2 calls under half
 * the account budget; among those within 10 % of the fewest subnet addresses per node, take the fewest EC2 calls
 * per node (an hour of churn plus one scale-up).
 */
export function recommend(r: PlanRequest, current: PlanResult): Recommendation {
  const limits = limitsOf(r.instanceType);
  const warm = Math.max(2, Math.ceil(r.churnPerMinute / 2));
  const candidates: PoolSettings[] = [
    r.settings,
    DEFAULT_SETTINGS,
    { ...DEFAULT_SETTINGS, MINIMUM_IP_TARGET: r.pods, WARM_IP_TARGET: warm, MAX_ENI: r.settings.MAX_ENI },
  ];
  if (limits.nitro)
    candidates.push({
      ...DEFAULT_SETTINGS,
      ENABLE_PREFIX_DELEGATION: true,
      WARM_PREFIX_TARGET: 1,
      MAX_ENI: r.settings.MAX_ENI,
    });
  const scored: { s: PoolSettings; res: PlanResult; ok: boolean }[] = [];
  for (const s of candidates) {
    let res: PlanResult;
    try {
      res = s === r.settings ? current : planWhatIf({ ...r, settings: s });
    } catch {
      continue;
    }
    const ok =
      res.perNode.podsWithoutAddress === 0 &&
      !res.warnings.some((w) => w.kind === 'stops-allocation') &&
      res.churnCallsPerClusterSecond <= ACCOUNT_MUTATING_PER_SECOND / 2;
    scored.push({ s, res, ok });
  }
  const pool = scored.some((x) => x.ok) ? scored.filter((x) => x.ok) : scored;
  // Fewest subnet addresses, but among settings within 10 % of that, the fewest EC2 calls (churn, then scale-up).
  const fewest = Math.min(...pool.map((x) => x.res.perNode.subnetAddresses));
  const near = pool.filter((x) => x.res.perNode.subnetAddresses <= Math.max(fewest * 1.1, fewest + 2));
  const calls = (x: (typeof pool)[number]) => x.res.churnCallsPerNodeHour + x.res.scaleUpCalls.total;
  near.sort((a, b) => calls(a) - calls(b) || a.res.perNode.subnetAddresses - b.res.perNode.subnetAddresses);
  const best = near[0];
  const same = best.s === r.settings || differs(best.s, r.settings) === '';
  const reason = same
    ? 'the given settings are already the best of the candidates tried'
    : `takes ${best.res.perNode.subnetAddresses} subnet addresses per node (vs ${current.perNode.subnetAddresses}), ${best.res.churnCallsPerClusterSecond} cluster EC2 calls/s under churn (vs ${current.churnCallsPerClusterSecond}), ${best.res.scaleUpCalls.total} calls per node to scale up (vs ${current.scaleUpCalls.total})`;
  return { settings: best.s, result: best.res, reason };
}
