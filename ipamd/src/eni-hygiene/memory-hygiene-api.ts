// SPDX-License-Identifier: Apache-2.0
import { Ec2Error } from '../ports';
import type { EniHygieneApi, LeakCandidate } from './hygiene-api';
import { TAG_CLUSTER_NAME, TAG_INSTANCE_ID } from './eni-tags';

/** A stateful in-memory `EniHygieneApi` for tests: ENIs by id with a VPC, counts calls, injectable failures. */
export class MemoryHygieneApi implements EniHygieneApi {
  readonly enis = new Map<string, LeakCandidate & { vpcId: string }>();
  readonly calls: Record<string, number> = {};
  /** Next calls of an action fail with this error (consumed one per call). */
  readonly failures = new Map<string, Error[]>();

  add(e: LeakCandidate & { vpcId: string }): void {
    this.enis.set(e.id, e);
  }

  private count(action: string): void {
    this.calls[action] = (this.calls[action] ?? 0) + 1;
    const f = this.failures.get(action)?.shift();
    if (f) throw f;
  }

  async listLeakCandidates(filter: { vpcId: string; clusterName?: string }): Promise<LeakCandidate[]> {
    this.count('DescribeNetworkInterfaces');
    return [...this.enis.values()].filter(
      (e) =>
        e.vpcId === filter.vpcId &&
        e.status === 'available' &&
        TAG_INSTANCE_ID in e.tags &&
        (!filter.clusterName || e.tags[TAG_CLUSTER_NAME] === filter.clusterName),
    );
  }

  async createTags(eniId: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.count('CreateTags');
    const e = this.enis.get(eniId);
    if (!e) throw new Ec2Error('CreateTags', 'InvalidNetworkInterfaceID.NotFound', `${eniId} does not exist`);
    this.enis.set(eniId, { ...e, tags: { ...e.tags, ...tags } });
  }

  async deleteNetworkInterface(eniId: string): Promise<void> {
    this.count('DeleteNetworkInterface');
    this.enis.delete(eniId);
  }
}
