import type { BudgetConfig } from './cluster-budget';

/** How a node retries a throttled or transient EC2 call. `attempts` includes the first try. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * A pool policy: how the real ipamd (planner, PoolManager, datastore, IpamService) is driven and wrapped.
 * Everything here sits around ipamd's code, never inside it.
 */
export interface PoolPolicy {
  readonly name: string;
  readonly description: string;
  /** ipamd environment forced by the policy (timing, MAX_PODS); workload settings come first, these override. */
  readonly env: Readonly<Record<string, string>>;
  /** An ADD that finds the pool empty runs the pool tick now (ours) or waits for the next tick (upstream). */
  readonly nudgeOnEmpty: boolean;
  /** Per-call retry with full jitter: delay = random x min(maxMs, baseMs x 2^attempt). */
  readonly retry: RetryPolicy;
  /** Raise the planner's AssignPrivateIpAddresses / CreateNetworkInterface counts to cover pods already waiting. */
  readonly batchToDemand: boolean;
  /**
   * Release surplus addresses only after the node has been quiet (no waiting pod, no growth) this long; an earlier
   * release is declined before it reaches EC2 and ipamd keeps the addresses (it tries again on its decrease cadence).
   * Undefined: release whenever the planner says (upstream's fixed 30 s cadence).
   */
  readonly releaseAfterQuietMs?: number;
  /**
   * Set an ENI's delete-on-termination in the background at the lowest budget priority instead of between attach and
   * first use (it does not help any pod get an address; a node terminated before it lands leaks the ENI to the
   * leaked-ENI cleanup).
   */
  readonly deferDeleteOnTermination?: boolean;
  /** One EC2 budget shared by the cluster's nodes, per throttling class; undefined = every node for itself. */
  readonly sharedBudget?: { readonly mutating: BudgetConfig; readonly describe: BudgetConfig };
}

/**
 * Upstream-faithful (notes 4.4, 4.10): pool check on a fixed cadence (2.5 s + 2.5 s), an empty pool waits for the
 * next tick, the planner's own amounts (a whole ENI for WARM_ENI_TARGET, the shortfall for WARM_IP_TARGET), the SDK
 * standard retryer (3 attempts, random x 2^attempt s, at most 20 s), no cap at max pods (upstream #2793), every node
 * on its own against the account's buckets. ipamd's own GrowthGate back-off applies to both policies.
 */
export const UPSTREAM_POLICY: PoolPolicy = Object.freeze({
  name: 'upstream',
  description:
    'upstream-faithful: fixed 5 s cadence, planner amounts, SDK standard retryer, no max-pods cap, no shared budget',
  env: { IPAMD_POOL_TICK_MS: '5000', MAX_PODS: '100000' },
  nudgeOnEmpty: false,
  retry: { attempts: 3, baseMs: 1000, maxMs: 20_000 },
  batchToDemand: false,
});

/**
 * Ours: an empty pool runs the tick at once, allocations sized to the pods already waiting, max pods respected,
 * full-jitter retries, surplus released only after two quiet minutes, and one cluster budget at 95 % of EC2's default buckets (mutating 200 / 5 per s,
 * describe 100 / 20 per s), served to the nodes with the most waiting pods first.
 */
export const OURS_POLICY: PoolPolicy = Object.freeze({
  name: 'ours',
  description:
    'ours: tick on empty pool, batches sized to waiting pods, max-pods cap, jittered retries, release after 2 min quiet, shared cluster EC2 budget',
  env: { IPAMD_POOL_TICK_MS: '5000' },
  nudgeOnEmpty: true,
  retry: { attempts: 3, baseMs: 500, maxMs: 10_000 },
  batchToDemand: true,
  releaseAfterQuietMs: 120_000,
  deferDeleteOnTermination: true,
  sharedBudget: { mutating: { size: 190, refillPerSecond: 4.75 }, describe: { size: 95, refillPerSecond: 19 } },
});

export const POLICIES: Readonly<Record<string, PoolPolicy>> = Object.freeze({
  upstream: UPSTREAM_POLICY,
  ours: OURS_POLICY,
});
