// SPDX-License-Identifier: Apache-2.0

/** An ENI as the leaked-ENI job sees it. */
export interface LeakCandidate {
  readonly id: string;
  readonly description: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * Port for ENI hygiene (tags and leaked ENIs), in domain terms. Adapters page through results and throw
 * `Ec2Error`. Kept apart from the shared `Ec2Api` port, which lacks the cluster-tag filter.
 */
export interface EniHygieneApi {
  /**
   * ENIs in `available` state in the VPC carrying the `node.k8s.amazonaws.com/instance_id` tag key, and
   * `cluster.k8s.amazonaws.com/name=<clusterName>` when given; every page (MaxResults 1000).
   */
  listLeakCandidates(filter: { readonly vpcId: string; readonly clusterName?: string }): Promise<LeakCandidate[]>;
  createTags(eniId: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Delete an ENI; an ENI that no longer exists counts as deleted. */
  deleteNetworkInterface(eniId: string): Promise<void>;
}
