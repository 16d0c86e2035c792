// SPDX-License-Identifier: Apache-2.0
import type { PoolConfig } from '../config';
import type { InstanceLimits } from '../limits';
import { maxPodsFor } from '../limits';

/** Everything the planner needs to know besides the datastore snapshot. */
export interface PoolTargets {
  readonly warmEniTarget: number;
  readonly warmIpTarget: number;
  readonly minimumIpTarget: number;
  readonly warmPrefixTarget: number;
  readonly prefixDelegation: boolean;
  /** ENIs ipamd may have attached (MAX_ENI and instance limit, minus unmanaged ENIs). */
  readonly maxEnis: number;
  /** Secondary-address (or prefix) slots per ENI: the instance's IPv4-per-ENI minus the ENI's primary. */
  readonly slotsPerEni: number;
  /** Ceiling on total addresses: the node's max pods (fix for upstream #2793). */
  readonly maxPods: number;
  /** ENIs younger than this are never freed. */
  readonly eniMinAgeMs: number;
}

/** "Warm IP targets defined" (notes 4.4): WARM_IP_TARGET or MINIMUM_IP_TARGET set; they override ENI/prefix targets. */
export function warmIpTargetsDefined(t: PoolTargets): boolean {
  return t.warmIpTarget > 0 || t.minimumIpTarget > 0;
}

/** Addresses one EC2 slot gives: 16 for a /28 prefix, 1 for a secondary IP. */
export function addressesPerSlot(t: PoolTargets): number {
  return t.prefixDelegation ? 16 : 1;
}

/** Build targets from config and instance limits. `unmanagedEnis` are subtracted from the ENI budget. */
export function targetsFrom(
  pool: PoolConfig,
  limits: InstanceLimits,
  opts: {
    readonly unmanagedEnis?: number;
    readonly eniMinAgeMs: number;
    readonly maxPods?: number;
    readonly prefixDelegation?: boolean;
    /** Custom networking: the primary ENI gives no pod addresses (one ENI fewer in max pods). */
    readonly customNetworking?: boolean;
  },
): PoolTargets {
  const prefixDelegation = opts.prefixDelegation ?? pool.prefixDelegation;
  const eniCap = pool.maxEni === undefined ? limits.eniLimit : Math.min(pool.maxEni, limits.eniLimit);
  return {
    warmEniTarget: pool.warmEniTarget,
    warmIpTarget: pool.warmIpTarget,
    minimumIpTarget: pool.minimumIpTarget,
    warmPrefixTarget: pool.warmPrefixTarget,
    prefixDelegation,
    maxEnis: Math.max(1, eniCap - (opts.unmanagedEnis ?? 0)),
    slotsPerEni: limits.ipv4Limit - 1,
    maxPods:
      opts.maxPods ??
      pool.maxPods ??
      maxPodsFor(limits, { prefixDelegation, maxEni: pool.maxEni, customNetworking: opts.customNetworking }),
    eniMinAgeMs: opts.eniMinAgeMs,
  };
}
