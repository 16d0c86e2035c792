// SPDX-License-Identifier: Apache-2.0
/**
 * Domain types of ipamd: what the daemon reasons about, independent of EC2's SDK shapes or IMDS paths.
 * Adapters turn wire shapes into these at the edge.
 */

/** An elastic network interface as ipamd sees it (EC2 or IMDS view). */
export interface Eni {
  readonly id: string;
  readonly mac: string;
  /** Device index of the attachment (0 = primary ENI). */
  readonly deviceNumber: number;
  readonly networkCard: number;
  readonly subnetId: string;
  /** Subnet CIDR when known (IMDS `subnet-ipv4-cidr-block`). */
  readonly subnetCidr?: string;
  /** The ENI's own primary private IPv4 address; never handed to pods. */
  readonly primaryIp: string;
  /** Secondary private IPv4 addresses (primary excluded). */
  readonly secondaryIps: readonly string[];
  /** Delegated IPv4 prefixes, CIDR notation (`10.0.1.16/28`). */
  readonly ipv4Prefixes: readonly string[];
  /** Delegated IPv6 prefixes (/80, IPv6 mode), CIDR notation. */
  readonly ipv6Prefixes?: readonly string[];
  readonly isPrimary: boolean;
  readonly isTrunk?: boolean;
  readonly isEfa?: boolean;
  readonly attachmentId?: string;
  readonly deleteOnTermination?: boolean;
  readonly status?: 'available' | 'in-use' | 'attaching' | 'detaching' | string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly securityGroupIds?: readonly string[];
}

/** A VPC subnet. */
export interface Subnet {
  readonly id: string;
  readonly cidr: string;
  readonly availabilityZone: string;
  readonly availableIpAddressCount: number;
  readonly vpcId: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Facts about the node from instance metadata. */
export interface InstanceIdentity {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  readonly region: string;
  readonly localIpv4: string;
  readonly primaryMac: string;
}

/** Allocation key of upstream ipamd: (networkName, containerID, ifName). */
export interface IpamKey {
  readonly networkName: string;
  readonly containerId: string;
  readonly ifName: string;
}

/** Pod facts kept with an allocation (checkpoint `metadata`). */
export interface IpamMetadata {
  readonly k8sPodNamespace?: string;
  readonly k8sPodName?: string;
  readonly interfacesCount?: number;
}

/** Render a key for maps and logs. */
export function keyString(k: IpamKey): string {
  return `${k.networkName}/${k.containerId}/${k.ifName}`;
}
