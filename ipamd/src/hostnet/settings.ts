/** How SNAT picks source ports (AWS_VPC_K8S_CNI_RANDOMIZESNAT). */
export type RandomizeSnat = 'prng' | 'hashrandom' | 'none';

/** Which firewall carries the outbound connmark rules: upstream picks by `iptables --version`. */
export type ConnmarkBackend = 'iptables' | 'nftables';

/**
 * Everything the node's host rules depend on, gathered by the caller from ipamd's config and IMDS. A change to any
 * field means the rule set must be reconciled again.
 */
export interface HostNetSettings {
  readonly ipv6Mode: boolean;
  /** The node's primary interface (e.g. eth0) and its primary private IPv4. */
  readonly primaryInterface: string;
  readonly primaryIPv4: string;
  /** IMDS vpc-ipv4-cidr-blocks. */
  readonly vpcCidrs: readonly string[];
  /** AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS. */
  readonly excludeSnatCidrs: readonly string[];
  /** AWS_VPC_K8S_CNI_EXTERNALSNAT. */
  readonly externalSnat: boolean;
  readonly randomizeSnat: RandomizeSnat;
  /** AWS_VPC_CNI_NODE_PORT_SUPPORT. */
  readonly nodePortSupport: boolean;
  /** AWS_VPC_K8S_CNI_CONNMARK, e.g. 0x80. */
  readonly connmark: number;
  /** AWS_VPC_K8S_CNI_VETHPREFIX, e.g. eni. */
  readonly vethPrefix: string;
  /** AWS_EXTERNAL_SERVICE_CIDRS. */
  readonly externalServiceCidrs: readonly string[];
  /** ENABLE_V6_EGRESS (IPv4 mode) / ENABLE_V4_EGRESS (IPv6 mode). */
  readonly v6Egress: boolean;
  readonly connmarkBackend: ConnmarkBackend;
  /** ENABLE_POD_ENI: Security Groups for Pods (branch ENIs on a trunk). */
  readonly enablePodEni: boolean;
  /**
   * POD_SECURITY_GROUP_ENFORCING_MODE. With `enablePodEni`, `strict` moves the `lookup local` ip rule from priority 0
   * to 20 so the plugin's priority-10 VLAN rules win over local delivery; otherwise it has no host-level effect.
   */
  readonly podSecurityGroupEnforcingMode: PodSgEnforcingMode;
}

/** How Security Groups for Pods are enforced on branch-ENI pods. */
export type PodSgEnforcingMode = 'strict' | 'standard';

/** True when the node's host rules take the strict Security Groups for Pods shape (local rule moved to 20). */
export function strictPodSecurityGroups(
  s: Pick<HostNetSettings, 'enablePodEni' | 'podSecurityGroupEnforcingMode'>,
): boolean {
  return s.enablePodEni && s.podSecurityGroupEnforcingMode === 'strict';
}
