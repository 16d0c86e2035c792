import {
  Ec2Error,
  isEc2Error,
  type AssignedAddresses,
  type Clock,
  type CreateEniRequest,
  type Ec2Api,
} from '@vpc-cni-ts/ipamd/ports';

import type { ClusterBudget } from './cluster-budget';
import type { RetryPolicy } from './policy';

/** What the policy layer can see of its node when sizing a batch. */
export interface NodeDemand {
  /** Addresses wanted beyond what is free now (pods waiting minus free addresses), >= 0. */
  extraAddresses(): number;
  /** Free slots on an ENI (secondary IPs or prefixes). */
  roomOn(eniId: string): number;
  readonly slotsPerEni: number;
  /** Addresses the node may still take before max pods. */
  podRoom(): number;
  /** Priority in the shared budget (pods waiting on this node). */
  waiting(): number;
}

const MUTATING = new Set([
  'createNetworkInterface',
  'attachNetworkInterface',
  'setDeleteOnTermination',
  'detachNetworkInterface',
  'deleteNetworkInterface',
  'assignPrivateIpAddresses',
  'unassignPrivateIpAddresses',
  'assignIpv6Prefixes',
  'createTags',
]);

/**
 * The policy layer in front of one node's `Ec2Api`: per-call retries with full jitter, an optional shared cluster
 * budget, and optional batch sizing to visible demand. Counts what it did.
 */
export class PolicyEc2 implements Ec2Api {
  retries = 0;
  batchedExtra = 0;
  /** Releases declined because the node was not quiet long enough. */
  deferredReleases = 0;
  /** DeleteOnTermination calls moved off the allocation path. */
  deferredDot = 0;
  private lastGrowth = -Infinity;

  constructor(
    private readonly inner: Ec2Api,
    private readonly clock: Clock,
    private readonly retry: RetryPolicy,
    private readonly demand: NodeDemand,
    private readonly opts: {
      readonly batchToDemand: boolean;
      readonly releaseAfterQuietMs?: number;
      readonly deferDeleteOnTermination?: boolean;
      readonly budget?: { mutating: ClusterBudget; describe: ClusterBudget };
    },
  ) {}

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const b = this.opts.budget;
      // Finishing an ENI already created (attach, delete-on-termination) goes before starting new work: a created
      // but unattached ENI serves nobody. Then the node with the most waiting pods.
      const finishing = method === 'attachNetworkInterface' || method === 'setDeleteOnTermination' ? 1e6 : 0;
      if (b) await (MUTATING.has(method) ? b.mutating : b.describe).acquire(() => finishing + this.demand.waiting());
      try {
        return await fn();
      } catch (e) {
        if (attempt + 1 >= this.retry.attempts || !isEc2Error(e, 'throttled', 'transient')) throw e;
        this.retries++;
        await this.clock.sleep(
          this.clock.random() * Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt + 1)),
        );
      }
    }
  }

  private sized(count: number, perSlot: number, room: number): number {
    if (!this.opts.batchToDemand) return count;
    const extra = Math.min(this.demand.extraAddresses(), this.demand.podRoom());
    const want = Math.min(room, Math.max(count, Math.ceil(extra / perSlot)));
    if (want > count) this.batchedExtra += want - count;
    return want;
  }

  describeNetworkInterfaces(ids: readonly string[]) {
    return this.call('describeNetworkInterfaces', () => this.inner.describeNetworkInterfaces(ids));
  }
  describeInstanceEnis(instanceId: string) {
    return this.call('describeInstanceEnis', () => this.inner.describeInstanceEnis(instanceId));
  }
  describeSubnet(subnetId: string) {
    return this.call('describeSubnet', () => this.inner.describeSubnet(subnetId));
  }
  createNetworkInterface(req: CreateEniRequest) {
    this.lastGrowth = this.clock.now();
    const r: CreateEniRequest = req.ipv4PrefixCount
      ? { ...req, ipv4PrefixCount: this.sized(req.ipv4PrefixCount, 16, this.demand.slotsPerEni) }
      : { ...req, secondaryIpCount: this.sized(req.secondaryIpCount ?? 0, 1, this.demand.slotsPerEni) };
    return this.call('createNetworkInterface', () => this.inner.createNetworkInterface(r));
  }
  attachNetworkInterface(eniId: string, instanceId: string, deviceIndex: number) {
    return this.call('attachNetworkInterface', () => this.inner.attachNetworkInterface(eniId, instanceId, deviceIndex));
  }
  setDeleteOnTermination(eniId: string, attachmentId: string) {
    if (!this.opts.deferDeleteOnTermination)
      return this.call('setDeleteOnTermination', () => this.inner.setDeleteOnTermination(eniId, attachmentId));
    // Not on the path to a pod's address: done in the background when the budget has nothing more urgent. Until it
    // lands, a node terminated in between leaves the ENI behind for the leaked-ENI cleanup.
    this.deferredDot++;
    void this.background(() => this.inner.setDeleteOnTermination(eniId, attachmentId));
    return Promise.resolve();
  }

  private async background(fn: () => Promise<void>): Promise<void> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const b = this.opts.budget;
      if (b) await b.mutating.acquire(() => -1);
      try {
        return await fn();
      } catch (e) {
        if (!isEc2Error(e, 'throttled', 'transient')) return;
        this.retries++;
        await this.clock.sleep(
          this.clock.random() * Math.min(this.retry.maxMs, this.retry.baseMs * 2 ** (attempt + 1)),
        );
      }
    }
  }
  detachNetworkInterface(attachmentId: string) {
    return this.call('detachNetworkInterface', () => this.inner.detachNetworkInterface(attachmentId));
  }
  deleteNetworkInterface(eniId: string) {
    return this.call('deleteNetworkInterface', () => this.inner.deleteNetworkInterface(eniId));
  }
  assignIpv6Prefixes(eniId: string, count: number): Promise<string[]> {
    return this.call('assignIpv6Prefixes', () => this.inner.assignIpv6Prefixes(eniId, count));
  }

  assignPrivateIpAddresses(
    eniId: string,
    req: { readonly ipCount?: number; readonly prefixCount?: number },
  ): Promise<AssignedAddresses> {
    this.lastGrowth = this.clock.now();
    const room = this.demand.roomOn(eniId);
    const r = req.prefixCount
      ? { prefixCount: this.sized(req.prefixCount, 16, room) }
      : { ipCount: this.sized(req.ipCount ?? 1, 1, room) };
    return this.call('assignPrivateIpAddresses', () => this.inner.assignPrivateIpAddresses(eniId, r));
  }
  unassignPrivateIpAddresses(
    eniId: string,
    req: { readonly ips?: readonly string[]; readonly prefixes?: readonly string[] },
  ) {
    const quiet = this.opts.releaseAfterQuietMs;
    if (quiet !== undefined) {
      const now = this.clock.now();
      if (this.demand.waiting() > 0) this.lastGrowth = now;
      if (now - this.lastGrowth < quiet) {
        this.deferredReleases++;
        return Promise.reject(
          new Ec2Error(
            'UnassignPrivateIpAddresses',
            'ReleaseDeferred',
            `policy: node not quiet for ${quiet} ms; keeping the addresses`,
            'other',
          ),
        );
      }
    }
    return this.call('unassignPrivateIpAddresses', () => this.inner.unassignPrivateIpAddresses(eniId, req));
  }
  createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>) {
    return this.call('createTags', () => this.inner.createTags(resourceIds, tags));
  }
  describeInstanceType(instanceType: string) {
    return this.call('describeInstanceType', () => this.inner.describeInstanceType(instanceType));
  }
}
