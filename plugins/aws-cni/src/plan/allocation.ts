import { type Family } from './kernel-op';

/** One address handed out by ipamd for the pod. */
export interface IpAllocation {
  readonly address: string;
  readonly family: Family;
  /** ENI device number (-1 for branch ENI pods). */
  readonly deviceNumber: number;
  /** Route table of the ENI (254 = main). */
  readonly routeTable: number;
}

/** A branch ENI (security groups for pods) reached through a VLAN on the trunk ENI. */
export interface BranchEni {
  readonly vlanId: number;
  readonly eniMac: string;
  readonly subnetGateway: string;
  readonly parentIfIndex: number;
}

/** What ipamd decided for the pod. */
export interface PodAllocation {
  readonly ips: readonly IpAllocation[];
  readonly branch?: BranchEni;
  readonly networkPolicyMode: string;
}
