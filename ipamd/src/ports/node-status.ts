// SPDX-License-Identifier: Apache-2.0

/**
 * Seam for what Kubernetes knows about this node. Upstream skips growing and shrinking the pool while the node has
 * the taint `node.kubernetes.io/unschedulable:NoSchedule`, unless AWS_MANAGE_ENIS_NON_SCHEDULABLE=true. The
 * Kubernetes adapter comes with the kube work; until then `AlwaysSchedulable` is wired.
 */
export interface NodeStatus {
  /** False while the node is cordoned (unschedulable taint). */
  isSchedulable(): boolean;
}

export class AlwaysSchedulable implements NodeStatus {
  isSchedulable(): boolean {
    return true;
  }
}
