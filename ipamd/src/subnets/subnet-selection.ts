// SPDX-License-Identifier: Apache-2.0
import type { Subnet } from '../domain/types';

/** Subnet tag that opts a subnet in (any value but "0") or out ("0") of pod ENIs. */
export const CNI_ROLE_TAG = 'kubernetes.io/role/cni';
/** Prefix of the per-cluster subnet tag: `cni.networking.k8s.aws/cluster/<cluster name>`. */
export const CLUSTER_TAG_PREFIX = 'cni.networking.k8s.aws/cluster/';

/** Why a subnet can or cannot get new ENIs. */
export type SubnetVerdict =
  | { readonly eligible: true; readonly reason: 'primary-subnet' | 'tagged-for-cni' }
  | {
      readonly eligible: false;
      readonly reason: 'tagged-0' | 'not-tagged' | 'other-cluster' | 'other-az' | 'other-vpc';
    };

export interface SelectionContext {
  /** The node's (primary ENI's) subnet. */
  readonly primarySubnetId: string;
  /** CLUSTER_NAME; "" = no cluster rule. */
  readonly clusterName: string;
  /** When set, subnets of other AZs/VPCs are refused (DescribeSubnets already filters; this is a guard). */
  readonly vpcId?: string;
  readonly availabilityZone?: string;
}

/**
 * Whether new ENIs may go into `subnet` (notes 4.8, pure): `kubernetes.io/role/cni=0` always excludes; the primary
 * subnet is eligible untagged, any other subnet needs the tag (with another value); with CLUSTER_NAME set, a subnet
 * carrying any `cni.networking.k8s.aws/cluster/*` tag must carry this cluster's key.
 */
export function subnetVerdict(subnet: Subnet, ctx: SelectionContext): SubnetVerdict {
  if (ctx.vpcId && subnet.vpcId && subnet.vpcId !== ctx.vpcId) return { eligible: false, reason: 'other-vpc' };
  if (ctx.availabilityZone && subnet.availabilityZone && subnet.availabilityZone !== ctx.availabilityZone)
    return { eligible: false, reason: 'other-az' };
  const tags = subnet.tags ?? {};
  const role = tags[CNI_ROLE_TAG];
  if (role === '0') return { eligible: false, reason: 'tagged-0' };
  if (ctx.clusterName) {
    const clusterKeys = Object.keys(tags).filter((k) => k.startsWith(CLUSTER_TAG_PREFIX));
    if (clusterKeys.length && !clusterKeys.includes(CLUSTER_TAG_PREFIX + ctx.clusterName))
      return { eligible: false, reason: 'other-cluster' };
  }
  if (subnet.id === ctx.primarySubnetId) return { eligible: true, reason: 'primary-subnet' };
  return role === undefined ? { eligible: false, reason: 'not-tagged' } : { eligible: true, reason: 'tagged-for-cni' };
}

/** Input of `selectEniSubnets`. */
export interface SubnetSelectionInput extends SelectionContext {
  /** ENABLE_SUBNET_DISCOVERY. */
  readonly discovery: boolean;
  /**
   * Result of DescribeSubnets(vpc-id, availability-zone); `undefined` when the call failed (e.g. missing IAM
   * permission).
   */
  readonly subnets: readonly Subnet[] | undefined;
  /** The primary subnet as known without discovery (its tags, if any were read), for the fallback. */
  readonly primarySubnet?: Subnet;
}

/** Result of `selectEniSubnets`: subnet ids to try in order, and a verdict per considered subnet (for logs). */
export interface SubnetSelection {
  readonly subnetIds: readonly string[];
  readonly verdicts: Readonly<Record<string, SubnetVerdict>>;
  /** `discovery` = from DescribeSubnets; `fallback` = DescribeSubnets failed; `disabled` = discovery off. */
  readonly source: 'discovery' | 'fallback' | 'disabled';
}

/**
 * The subnets to try, in order, when creating an ENI (pure). Discovery on: eligible subnets sorted by free
 * addresses descending (ties by id, so the order is stable). Discovery off: the primary subnet only. DescribeSubnets
 * failed: the primary subnet unless it is known to be tagged `0`. An empty list means no subnet may be used.
 */
export function selectEniSubnets(input: SubnetSelectionInput): SubnetSelection {
  if (!input.discovery) return { subnetIds: [input.primarySubnetId], verdicts: {}, source: 'disabled' };
  if (!input.subnets) {
    const tagged0 = input.primarySubnet?.tags?.[CNI_ROLE_TAG] === '0';
    return {
      subnetIds: tagged0 ? [] : [input.primarySubnetId],
      verdicts: tagged0
        ? { [input.primarySubnetId]: { eligible: false, reason: 'tagged-0' } }
        : { [input.primarySubnetId]: { eligible: true, reason: 'primary-subnet' } },
      source: 'fallback',
    };
  }
  const verdicts: Record<string, SubnetVerdict> = {};
  const eligible: Subnet[] = [];
  for (const s of input.subnets) {
    const v = subnetVerdict(s, input);
    verdicts[s.id] = v;
    if (v.eligible) eligible.push(s);
  }
  eligible.sort(
    (a, b) => b.availableIpAddressCount - a.availableIpAddressCount || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { subnetIds: eligible.map((s) => s.id), verdicts, source: 'discovery' };
}

/**
 * Whether ENIs in `subnetId` are excluded for pod IPs (pure): only when the subnet is known and tagged
 * `kubernetes.io/role/cni=0`. A subnet not in the list (other account, HyperPod) is not excluded. Applies to the
 * primary ENI too.
 */
export function isSubnetExcludedForPodIps(subnetId: string, subnets: readonly Subnet[] | undefined): boolean {
  const s = subnets?.find((x) => x.id === subnetId);
  return s?.tags?.[CNI_ROLE_TAG] === '0';
}

/** The ids of `enis` whose subnet is excluded for pod IPs (pure). */
export function excludedEniIds(
  enis: readonly { readonly id: string; readonly subnetId: string }[],
  subnets: readonly Subnet[] | undefined,
): string[] {
  return enis.filter((e) => isSubnetExcludedForPodIps(e.subnetId, subnets)).map((e) => e.id);
}
