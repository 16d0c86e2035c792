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
}
