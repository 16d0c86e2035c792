// SPDX-License-Identifier: Apache-2.0
import type { IpamdConfig } from '../config';
import { statsOf, type Datastore } from '../datastore';
import type { Eni } from '../domain/types';
import { planIncrease, planPool, targetsFrom, type IncreasePlan, type PoolTargets } from '../planner';
import {
  Ec2Error,
  isEc2Error,
  type AssignedAddresses,
  type Clock,
  type Ec2Api,
  type HostNetwork,
  type Imds,
  type ImdsInterface,
  type Logger,
  type Metrics,
  type NodeStatus,
  PlacementError,
  PrimarySubnetPlacement,
  type EniPlacement,
} from '../ports';
import { GrowthGate, backoffDelay, retry, type PoolBlock } from './backoff';
import type { NodeInfo } from './node-info';
import { inFirstSubnetWithRoom } from '../subnets/subnet-discovery';
import { eniManagement } from '../eni-hygiene/eni-management';
import { tagManagedEnis } from '../eni-hygiene/eni-tagger';
import { eniCreationTags, managedEniTags } from '../eni-hygiene/eni-tags';

/** Dependencies of the pool manager (constructor injection; no I/O in the constructor). */
export interface PoolManagerDeps {
  readonly config: IpamdConfig;
  readonly node: NodeInfo;
  readonly datastore: Datastore;
  readonly ec2: Ec2Api;
  readonly imds: Imds;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly hostNetwork: HostNetwork;
  /** Persist the datastore (after forced removals). */
  readonly commit: () => Promise<void>;
  /** Cordoned-node check (AWS_MANAGE_ENIS_NON_SCHEDULABLE); defaults to always schedulable. */
  readonly nodeStatus?: NodeStatus;
  /**
   * Subnet and security groups of new ENIs and which ENIs give no pod addresses (subnet discovery, custom
   * networking); asked once per ENI creation. Default: the node's primary subnet, nothing excluded.
   */
  readonly placement?: EniPlacement;
  /** Pods kubelet is retrying for lack of an address (`IpamService.waitingPods`): the increase covers them. */
  readonly waitingPods?: () => number;
}

/** Pause between detaching an ENI and deleting it (upstream's 2 s, notes 4.10). */
export const DETACH_TO_DELETE_MS = 2000;

/** What one tick did, for logs and tests. */
export interface TickReport {
  readonly increased: number;
  readonly released: number;
  readonly freedEni?: string;
  readonly createdEni?: string;
  readonly reconciled: boolean;
  readonly skipped?: string;
}

/**
 * Keeps the warm pool at its targets: asks the planner what to do each tick and carries the plan out through the
 * EC2 and IMDS ports (fill existing ENIs first, then create/attach/tag a new ENI and wait for it in IMDS; release
 * surplus; free idle ENIs), backs off after capacity errors and throttling, and reconciles the datastore with IMDS
 * (EC2 only on mismatch).
 */
export class PoolManager {
  private targets: PoolTargets;
  private readonly gate: GrowthGate;
  private readonly log: Logger;
  private readonly unmanaged = new Set<string>();
  private readonly attachments = new Map<
    string,
    { attachmentId?: string; mac: string; subnetCidr?: string; primaryIp: string; deviceNumber: number }
  >();
  /** CIDRs and ENIs handed back to EC2, with the time: stale IMDS is ignored for `releaseGraceMs`. */
  private readonly released = new Map<string, number>();
  private lastDecrease = -Infinity;
  /** Last growth or pod waiting for an address (IPAMD_RELEASE_QUIET_MS counts from here). */
  private lastBusy = -Infinity;
  private lastAction = 0;
  private lastReconcile = 0;
  private prefixFallbackUntil = 0;
  private blocked: 'eni-limit' | 'max-pods' | undefined;
  /** The trunk ENI (SGP), attached by the VPC resource controller; never in the datastore. */
  private trunkEni: { readonly eniId: string; readonly mac: string } | undefined;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private wake: AbortController = new AbortController();
  private busy: Promise<TickReport> | undefined;

  private readonly placement: EniPlacement;
  /** Subnets the last ENI creation tried (named in capacity errors). */
  private createSubnets: readonly string[] = [];

  constructor(private readonly d: PoolManagerDeps) {
    this.log = d.logger.child({ component: 'pool' });
    this.placement = d.placement ?? new PrimarySubnetPlacement(d.node.primarySubnetId);
    this.gate = new GrowthGate(d.clock, d.config.timing.capacityBackoffMs);
    this.targets = this.makeTargets();
  }

  private makeTargets(): PoolTargets {
    return targetsFrom(this.d.config.pool, this.d.node.limits, {
      unmanagedEnis: this.unmanaged.size,
      eniMinAgeMs: this.d.config.timing.eniMinAgeMs,
      prefixDelegation: this.d.config.pool.prefixDelegation && this.d.node.limits.nitro,
      customNetworking: this.d.config.hostNetwork.customNetwork,
    });
  }

  /** The trunk ENI (ENABLE_POD_ENI), once the VPC resource controller attached it and ipamd saw it. */
  trunk(): { readonly eniId: string; readonly mac: string } | undefined {
    return this.trunkEni;
  }

  /** Targets in force (after discovery of unmanaged ENIs). */
  currentTargets(): PoolTargets {
    return this.targets;
  }

  /**
   * Load attached ENIs and their addresses from IMDS into the datastore, confirmed by one EC2 call (tags,
   * unmanaged ENIs, stale IMDS). Call once at start-up before restoring the checkpoint.
   */
  async discover(): Promise<void> {
    const imdsIfaces = (await this.d.imds.interfaces()).filter((i) => i.networkCard === 0);
    let ec2View: Map<string, Eni> | undefined;
    if (!this.d.config.pool.disableNetworkResourceProvisioning) {
      try {
        // EC2 is the truth for what is attached: IMDS may lag behind an attach or a release around a restart.
        ec2View = new Map(
          (await this.d.ec2.describeInstanceEnis(this.d.node.identity.instanceId)).map((e) => [e.id, e]),
        );
      } catch (e) {
        this.countError(e);
        this.log.warn({ err: (e as Error).message }, 'EC2 DescribeNetworkInterfaces failed at start-up; trusting IMDS');
      }
    }
    const ifaces: ImdsInterface[] = [];
    for (const i of imdsIfaces) {
      if (ec2View && !ec2View.has(i.eniId))
        this.log.warn({ eni: i.eniId }, 'IMDS lists an ENI EC2 does not have attached (stale IMDS); skipped');
      else ifaces.push(i);
    }
    for (const e of ec2View?.values() ?? []) {
      if (e.networkCard !== 0 || ifaces.some((i) => i.eniId === e.id)) continue;
      const primary = imdsIfaces.find((i) => i.eniId === this.d.node.primaryEniId);
      this.log.info({ eni: e.id }, 'ENI attached in EC2 but not yet in IMDS; taken from EC2');
      ifaces.push({
        mac: e.mac,
        eniId: e.id,
        deviceNumber: e.deviceNumber,
        networkCard: 0,
        subnetId: e.subnetId,
        subnetCidr: e.subnetId === primary?.subnetId ? primary?.subnetCidr : undefined,
        vpcId: this.d.node.vpcId,
        vpcCidrs: [...this.d.node.vpcCidrs],
        securityGroupIds: [...(e.securityGroupIds ?? [])],
        localIpv4s: [e.primaryIp, ...e.secondaryIps],
        ipv4Prefixes: [...e.ipv4Prefixes],
      });
    }
    const toTag: Eni[] = [];
    for (const i of ifaces) {
      const eni = ec2View?.get(i.eniId);
      const isPrimary = i.eniId === this.d.node.primaryEniId;
      const { managed, reason } = eniManagement(
        { isPrimary, tags: eni?.tags, networkCard: i.networkCard },
        {
          instanceId: this.d.node.identity.instanceId,
          manageUntaggedEni: this.d.config.pool.manageUntaggedEni,
          enableMultiNic: false, // one network card for now (README: not done yet)
        },
      );
      if (!managed || eni?.isTrunk || eni?.isEfa) {
        this.unmanaged.add(i.eniId);
        if (eni?.isTrunk) this.trunkEni = { eniId: i.eniId, mac: i.mac };
        this.log.info(
          { eni: i.eniId, reason: managed ? (eni?.isTrunk ? 'trunk' : 'efa') : reason },
          'ENI not managed by ipamd; skipped',
        );
        continue;
      }
      this.addEniToDatastore(i, eni, 0);
      if (!isPrimary) {
        if (eni) toTag.push(eni);
        await this.d.hostNetwork.setupEni(this.link(i.eniId));
      }
    }
    this.targets = this.makeTargets();
    await this.applyExclusions(this.d.datastore.eniIds());
    if (this.d.config.ipv6) await this.ensureIpv6Prefixes();
    if (toTag.length && !this.d.config.pool.disableNetworkResourceProvisioning)
      await tagManagedEnis(toTag, this.managedTags(), {
        api: { createTags: (id, tags) => this.d.ec2.createTags([id], tags) },
        clock: this.d.clock,
        logger: this.log,
      });
    if (this.d.config.pool.prefixDelegation && !this.d.node.limits.nitro) {
      this.log.warn(
        { instanceType: this.d.node.identity.instanceType },
        'ENABLE_PREFIX_DELEGATION=true but the instance type is not Nitro; using secondary IPs',
      );
    }
    this.lastAction = this.d.clock.now();
    this.lastReconcile = this.lastAction;
  }

  /**
   * Ask placement which of these ENIs give no pod addresses and mark them so in the datastore (their free CIDRs are
   * then released by the planner; pods already on them keep their addresses).
   */
  private async applyExclusions(eniIds: readonly string[]): Promise<void> {
    const wanted = new Set(eniIds);
    const enis = this.d.datastore
      .snapshot(this.d.clock.now())
      .enis.filter((e) => wanted.has(e.id))
      .map((e) => ({ id: e.id, subnetId: e.subnetId, isPrimary: e.isPrimary }));
    if (!enis.length) return;
    let excluded: ReadonlySet<string>;
    try {
      excluded = new Set(await this.placement.excludedEnis(enis));
    } catch (e) {
      this.log.warn(
        { err: (e as Error).message },
        'cannot tell which ENIs are excluded for pods; keeping the last answer',
      );
      return;
    }
    for (const e of enis) {
      const was = this.d.datastore.isEniExcluded(e.id);
      const now = excluded.has(e.id);
      this.d.datastore.setEniExcluded(e.id, now);
      if (was !== now)
        this.log.info(
          { eni: e.id, subnet: e.subnetId, primary: e.isPrimary },
          now ? 'ENI excluded for pod addresses' : 'ENI no longer excluded for pod addresses',
        );
    }
  }

  /**
   * IPv6 mode (notes 4.6): every ENI that gives pod addresses carries one /80 prefix; ask EC2 for one where there is
   * none. That is the whole pool: 2^48 addresses per ENI, no warm targets, no ENI growth.
   */
  private async ensureIpv6Prefixes(): Promise<void> {
    for (const e of this.d.datastore.snapshot(this.d.clock.now()).enis) {
      if (e.excluded || e.prefixCount > 0) continue;
      try {
        const got = await this.d.ec2.assignIpv6Prefixes(e.id, 1);
        for (const p of got) this.d.datastore.addCidr(e.id, p, true);
        this.log.info({ eni: e.id, prefixes: got }, 'IPv6 mode: assigned a /80 prefix to the ENI');
      } catch (err) {
        this.countError(err);
        throw new Error(
          `IPv6 mode: EC2 did not give ENI ${e.id} its /80 prefix (${(err as Error).message}); the subnet needs an IPv6 CIDR and the node's role ec2:AssignIpv6Addresses`,
          { cause: err },
        );
      }
    }
    if (!this.d.datastore.snapshot(this.d.clock.now()).enis.some((e) => !e.excluded && e.prefixCount > 0))
      throw new Error('IPv6 mode: no ENI has a /80 prefix for pods');
  }

  /** Tags every ENI ipamd manages carries (instance, cluster, ADDITIONAL_ENI_TAGS). */
  private managedTags(): Record<string, string> {
    return managedEniTags({
      instanceId: this.d.node.identity.instanceId,
      clusterName: this.d.config.aws.clusterName,
      additionalTags: this.d.config.aws.additionalEniTags,
    });
  }

  private addEniToDatastore(i: ImdsInterface, eni: Eni | undefined, createdAt: number): void {
    const primaryIp = eni?.primaryIp ?? i.localIpv4s[0] ?? '';
    this.d.datastore.addEni({
      id: i.eniId,
      deviceNumber: i.deviceNumber,
      isPrimary: i.eniId === this.d.node.primaryEniId,
      subnetId: i.subnetId,
      primaryIp,
      createdAt,
    });
    this.attachments.set(i.eniId, {
      attachmentId: eni?.attachmentId,
      mac: i.mac,
      subnetCidr: i.subnetCidr,
      primaryIp,
      deviceNumber: i.deviceNumber,
    });
    if (this.d.config.ipv6) {
      for (const p of eni?.ipv6Prefixes ?? []) this.d.datastore.addCidr(i.eniId, p, true);
      return;
    }
    const ips = eni ? eni.secondaryIps : i.localIpv4s.slice(1);
    const prefixes = eni ? eni.ipv4Prefixes : i.ipv4Prefixes;
    for (const ip of ips) if (ip !== primaryIp) this.d.datastore.addCidr(i.eniId, ip, false);
    for (const p of prefixes) this.d.datastore.addCidr(i.eniId, p, true);
  }

  private link(eniId: string) {
    const a = this.attachments.get(eniId)!;
    return { eniId, mac: a.mac, deviceNumber: a.deviceNumber, primaryIp: a.primaryIp, subnetCidr: a.subnetCidr };
  }

  /** Start the background loop. */
  start(): void {
    if (this.loop) return;
    this.loop = (async () => {
      while (!this.abort.signal.aborted) {
        await this.tick().catch((e) => {
          this.d.metrics.inc('awscni_ipamd_error_count', { fn: 'poolTick' });
          this.log.error({ err: (e as Error).message }, 'pool tick failed');
        });
        const sig = AbortSignal.any([this.abort.signal, this.wake.signal]);
        await this.d.clock.sleep(this.d.config.timing.poolTickMs, sig);
        if (this.wake.signal.aborted) this.wake = new AbortController();
      }
    })();
  }

  /** Stop the loop; waits for an action in flight. Never detaches or deletes while stopping. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }

  /** Run the next tick now (e.g. an ADD found the pool empty). */
  nudge(): void {
    this.wake.abort();
  }

  /** Why the pool cannot give more addresses right now, if something blocks it. */
  blockReason(): { reason: string; detail: string; retryInMs?: number } | undefined {
    const b: PoolBlock | undefined = this.gate.current() ?? this.gate.last();
    const now = this.d.clock.now();
    if (this.blocked === 'max-pods')
      return { reason: 'max-pods', detail: `the node holds max-pods (${this.targets.maxPods}) addresses` };
    if (b && (this.gate.current() || now - b.until < this.d.config.timing.poolTickMs * 2)) {
      return { reason: b.reason, detail: b.detail, retryInMs: Math.max(0, b.until - now) };
    }
    const live = this.d.config.pool.disableNetworkResourceProvisioning
      ? undefined
      : planIncrease(this.targets, this.d.datastore.snapshot(now));
    if (live?.kind === 'blocked' && live.reason === 'max-pods')
      return { reason: 'max-pods', detail: `the node holds max-pods (${this.targets.maxPods}) addresses` };
    if (this.blocked === 'eni-limit' || (live?.kind === 'blocked' && live.reason === 'eni-limit')) {
      return {
        reason: 'eni-limit',
        detail: `all ${this.targets.maxEnis} ENIs ipamd may use are attached and full (instance ${this.d.node.identity.instanceType}, MAX_ENI=${this.d.config.pool.maxEni ?? 'unset'})`,
      };
    }
    return undefined;
  }

  /** One pass: plan, then act. Ticks never overlap. */
  tick(): Promise<TickReport> {
    if (this.busy) return this.busy;
    this.busy = this.doTick().finally(() => (this.busy = undefined));
    return this.busy;
  }

  private async doTick(): Promise<TickReport> {
    const now = this.d.clock.now();
    const { timing, pool } = this.d.config;
    let report: TickReport = { increased: 0, released: 0, reconciled: false };
    // IPv6: the /80 per ENI given at start-up is the pool; nothing to grow, release or reconcile (notes 4.6).
    if (this.d.config.ipv6) return { ...report, skipped: 'IPv6 mode: one /80 prefix per ENI, no warm pool' };
    const cordoned = !pool.manageEnisNonSchedulable && this.d.nodeStatus?.isSchedulable() === false;
    if (cordoned) report = { ...report, skipped: 'node is unschedulable and AWS_MANAGE_ENIS_NON_SCHEDULABLE=false' };
    if (!pool.disableNetworkResourceProvisioning && !cordoned) {
      const waiting = this.d.waitingPods?.() ?? 0;
      if (waiting > 0) this.lastBusy = now;
      const allowRelease =
        now - this.lastDecrease >= timing.decreaseIntervalMs && now - this.lastBusy >= timing.releaseQuietMs;
      const plan = planPool(this.targets, this.d.datastore.snapshot(now), { allowRelease, waiting });
      this.gauges(plan.stats);
      this.blocked = plan.increase.kind === 'blocked' ? plan.increase.reason : undefined;
      if (plan.increase.kind === 'assign' || plan.increase.kind === 'create-eni') {
        const g = this.gate.current();
        if (g) report = { ...report, skipped: `${g.reason}: retry in ${g.until - now} ms` };
        else report = { ...report, ...(await this.increase(plan.increase)) };
      }
      if (plan.release.releases.length) report = { ...report, released: await this.release(plan.release.releases) };
      if (plan.freeEni && (await this.freeEni(plan.freeEni))) report = { ...report, freedEni: plan.freeEni };
      if (report.increased || report.released || report.freedEni) this.lastAction = this.d.clock.now();
      if (report.increased) this.lastBusy = this.d.clock.now();
    }
    const since = this.d.clock.now() - Math.max(this.lastAction, this.lastReconcile);
    if (since >= timing.reconcileIntervalMs) {
      await this.reconcile();
      report = { ...report, reconciled: true };
    }
    return report;
  }

  private gauges(s: { total: number; assigned: number; cooling: number }): void {
    this.d.metrics.set('awscni_total_ip_addresses', s.total);
    this.d.metrics.set('awscni_assigned_ip_addresses', s.assigned);
    this.d.metrics.set('awscni_cooldown_ip_addresses', s.cooling);
  }

  private countError(e: unknown): void {
    if (e instanceof Ec2Error) this.d.metrics.inc('awscni_ec2api_error_count', { fn: e.action, error: e.code });
    this.d.metrics.inc('awscni_ipamd_error_count', { fn: e instanceof Ec2Error ? e.action : 'pool' });
  }

  /** Record a failed growth attempt so the next ticks back off instead of hammering EC2. */
  private growthFailed(e: unknown, subnetId: string): void {
    this.countError(e);
    let b: PoolBlock;
    if (isEc2Error(e, 'subnet-full'))
      b = this.gate.capacity('subnet-full', `subnet ${subnetId} has no free IP addresses (${(e as Ec2Error).code})`);
    else if (isEc2Error(e, 'no-contiguous-cidr'))
      b = this.gate.capacity(
        'no-contiguous-cidr',
        `subnet ${subnetId} has no free contiguous /28 and no free addresses for the fallback (${(e as Ec2Error).code})`,
      );
    else if (isEc2Error(e, 'throttled'))
      b = this.gate.failed('throttled', `EC2 is throttling ipamd (${(e as Ec2Error).code}); retrying with backoff`);
    else if (e instanceof PlacementError) b = this.gate.failed('eni-placement', e.message);
    else b = this.gate.failed('ec2-error', `EC2 call failed: ${(e as Error).message}`);
    this.d.metrics.inc('awscni_ipamd_action_backoff', { reason: b.reason });
    this.log.warn(
      { reason: b.reason, retryInMs: b.until - this.d.clock.now(), err: (e as Error).message },
      'cannot grow the pool; backing off',
    );
  }

  private async increase(
    p: Extract<IncreasePlan, { kind: 'assign' | 'create-eni' }>,
  ): Promise<{ increased: number; createdEni?: string }> {
    const now = this.d.clock.now();
    const fallback = p.unit === 'prefix' && now < this.prefixFallbackUntil;
    if (p.kind === 'assign') {
      const eni = this.d.datastore.snapshot(now).enis.find((e) => e.id === p.eniId)!;
      const room = this.targets.slotsPerEni - eni.ipCount - eni.prefixCount;
      try {
        let got: AssignedAddresses;
        if (fallback) got = await this.assignFallback(p.eniId, room, p.addressesWanted);
        else {
          try {
            got = await this.assignWithRetryOfOne(p.eniId, p.unit, p.count);
          } catch (e) {
            if (p.unit !== 'prefix' || !isEc2Error(e, 'no-contiguous-cidr')) throw e;
            this.countError(e);
            this.startPrefixFallback(e as Ec2Error);
            got = await this.assignFallback(p.eniId, room, p.addressesWanted);
          }
        }
        for (const ip of got.ips) this.d.datastore.addCidr(p.eniId, ip, false);
        for (const c of got.prefixes) this.d.datastore.addCidr(p.eniId, c, true);
        this.gate.succeeded();
        this.d.metrics.inc('awscni_assign_ip_count', {}, got.ips.length + got.prefixes.length * 16);
        this.log.info({ eni: p.eniId, ips: got.ips.length, prefixes: got.prefixes.length }, 'added addresses to ENI');
        return { increased: got.ips.length + got.prefixes.length * 16 };
      } catch (e) {
        if (isEc2Error(e, 'address-limit')) {
          this.countError(e);
          this.log.warn({ eni: p.eniId }, 'EC2 says the ENI is full: datastore out of sync, re-reading it from EC2');
          await this.resyncEni(p.eniId).catch((e2) => this.growthFailed(e2, eni.subnetId));
          return { increased: 0 };
        }
        this.growthFailed(e, eni.subnetId);
        return { increased: 0 };
      }
    }
    try {
      const id = await this.createEni(
        p.unit === 'prefix' && !fallback
          ? { ipv4PrefixCount: p.count }
          : { secondaryIpCount: Math.min(this.targets.slotsPerEni, fallback ? p.addressesWanted : p.count) },
        p.addressesWanted,
      );
      this.gate.succeeded();
      return { increased: 1, createdEni: id };
    } catch (e) {
      this.growthFailed(e, this.createSubnets.join(' / ') || this.d.node.primarySubnetId);
      return { increased: 0 };
    }
  }

  /** Upstream `tryAssignIPs`: when asking for several fails for lack of room, try once with a single slot. */
  private async assignWithRetryOfOne(eniId: string, unit: 'ip' | 'prefix', count: number): Promise<AssignedAddresses> {
    const req = (n: number) => (unit === 'prefix' ? { prefixCount: n } : { ipCount: n });
    try {
      return await this.d.ec2.assignPrivateIpAddresses(eniId, req(count));
    } catch (e) {
      if (count <= 1 || !isEc2Error(e, 'subnet-full', 'no-contiguous-cidr')) throw e;
      this.countError(e);
      return await this.d.ec2.assignPrivateIpAddresses(eniId, req(1));
    }
  }

  private startPrefixFallback(e: Ec2Error): void {
    this.prefixFallbackUntil = this.d.clock.now() + this.d.config.timing.capacityBackoffMs;
    this.d.metrics.inc('awscni_prefix_fallback_to_secondary_ip');
    this.log.warn(
      { subnet: this.d.node.primarySubnetId, code: e.code, forMs: this.d.config.timing.capacityBackoffMs },
      'prefix delegation: subnet has no free contiguous /28 (fragmented); falling back to secondary IPs',
    );
  }

  private assignFallback(eniId: string, room: number, wanted: number): Promise<AssignedAddresses> {
    return this.d.ec2.assignPrivateIpAddresses(eniId, { ipCount: Math.max(1, Math.min(room, wanted || 16)) });
  }

  private nextDeviceIndex(): number {
    const used = new Set([...this.attachments.values()].map((a) => a.deviceNumber));
    let i = 1;
    while (used.has(i)) i++;
    return i;
  }

  private async createEni(
    amount: { secondaryIpCount?: number; ipv4PrefixCount?: number },
    wanted: number,
  ): Promise<string> {
    const { identity } = this.d.node;
    const { tags, description } = eniCreationTags({
      instanceId: identity.instanceId,
      clusterName: this.d.config.aws.clusterName,
      additionalTags: this.d.config.aws.additionalEniTags,
      nowMs: this.d.clock.now(),
    });
    this.createSubnets = [];
    const place = await this.placement.forNewEni();
    this.createSubnets = place.subnetIds;
    const securityGroupIds = place.securityGroupIds ?? this.d.node.securityGroupIds;
    const createIn = async (subnetId: string): Promise<Eni> => {
      const req = { subnetId, securityGroupIds, description, tags };
      try {
        return await this.d.ec2.createNetworkInterface({ ...req, ...amount });
      } catch (e) {
        if (!amount.ipv4PrefixCount || !isEc2Error(e, 'no-contiguous-cidr')) throw e;
        this.countError(e);
        this.startPrefixFallback(e as Ec2Error);
        return await this.d.ec2.createNetworkInterface({
          ...req,
          secondaryIpCount: Math.max(1, Math.min(this.targets.slotsPerEni, wanted || 16)),
        });
      }
    };
    // A full subnet moves on to the next eligible one; only when all are full does the capacity error stand.
    const { result: eni } = await inFirstSubnetWithRoom(place.subnetIds, createIn);
    const deviceIndex = this.nextDeviceIndex();
    let attachmentId: string | undefined;
    try {
      attachmentId = await this.d.ec2.attachNetworkInterface(eni.id, identity.instanceId, deviceIndex);
      await this.d.ec2.setDeleteOnTermination(eni.id, attachmentId);
      const iface = await this.waitForImds(eni.id);
      this.attachments.set(eni.id, {
        attachmentId,
        mac: iface.mac,
        subnetCidr: iface.subnetCidr,
        primaryIp: eni.primaryIp,
        deviceNumber: iface.deviceNumber,
      });
      await this.d.hostNetwork.setupEni(this.link(eni.id));
      this.d.datastore.addEni({
        id: eni.id,
        deviceNumber: iface.deviceNumber,
        isPrimary: false,
        subnetId: eni.subnetId,
        primaryIp: eni.primaryIp,
        createdAt: this.d.clock.now(),
      });
      for (const ip of eni.secondaryIps) this.d.datastore.addCidr(eni.id, ip, false);
      for (const c of eni.ipv4Prefixes) this.d.datastore.addCidr(eni.id, c, true);
      this.d.metrics.inc('awscni_eni_created_total');
      this.log.info(
        {
          eni: eni.id,
          deviceIndex,
          subnet: eni.subnetId,
          placement: place.source,
          ips: eni.secondaryIps.length,
          prefixes: eni.ipv4Prefixes.length,
        },
        'attached new ENI',
      );
      return eni.id;
    } catch (e) {
      this.attachments.delete(eni.id);
      if (this.abort.signal.aborted) {
        // Stopping (SIGTERM): no detach/delete on the way out. The next start adopts the ENI if it is attached, or
        // deletes it as leaked if it is not.
        this.log.warn({ eni: eni.id }, 'stopping while a new ENI was coming up; the next start adopts or deletes it');
        throw e;
      }
      this.log.warn(
        { eni: eni.id, err: (e as Error).message },
        'new ENI failed to come up; detaching and deleting it so it does not leak',
      );
      await this.destroyEni(eni.id, attachmentId).catch((e2) =>
        this.log.error(
          { eni: eni.id, err: (e2 as Error).message },
          'could not delete failed ENI (the leaked-ENI cleanup will)',
        ),
      );
      throw e;
    }
  }

  private async waitForImds(eniId: string): Promise<ImdsInterface> {
    const deadline = this.d.clock.now() + this.d.config.timing.imdsWaitMs;
    for (let attempt = 0; ; attempt++) {
      const hit = (await this.d.imds.interfaces().catch(() => [])).find((i) => i.eniId === eniId);
      if (hit) return hit;
      if (this.d.clock.now() >= deadline)
        throw new Error(
          `ENI ${eniId} did not appear in instance metadata within ${this.d.config.timing.imdsWaitMs} ms`,
        );
      if (this.abort.signal.aborted) throw new Error(`stopping while waiting for ENI ${eniId} in instance metadata`);
      await this.d.clock.sleep(
        backoffDelay(attempt, { baseMs: 100, maxMs: 5000, jitter: 0.15 }, () => this.d.clock.random()),
        this.abort.signal,
      );
    }
  }

  private async destroyEni(eniId: string, attachmentId: string | undefined): Promise<void> {
    const c = this.d.clock;
    if (attachmentId) {
      await retry(
        () => this.d.ec2.detachNetworkInterface(attachmentId),
        {
          attempts: 12,
          baseMs: 200,
          maxMs: 60_000,
          retryable: (e) => !isEc2Error(e, 'not-found'),
          signal: this.abort.signal,
        },
        c,
      ).catch((e) => {
        if (!isEc2Error(e, 'not-found')) throw e;
      });
      // EC2 keeps a detached ENI `detaching` for a moment; deleting at once fails with InUse (upstream waits 2 s).
      // Once detached, the delete is finished even while stopping: a detached ENI left behind is a leak.
      await c.sleep(DETACH_TO_DELETE_MS);
    }
    const stopping = this.abort.signal.aborted;
    await retry(
      () => this.d.ec2.deleteNetworkInterface(eniId),
      {
        attempts: stopping ? 4 : 12,
        baseMs: 500,
        maxMs: stopping ? 2000 : 60_000,
        retryable: (e) => !isEc2Error(e, 'not-found', 'unauthorized'),
        signal: attachmentId ? undefined : this.abort.signal,
      },
      c,
    ).catch((e) => {
      if (!isEc2Error(e, 'not-found')) throw e;
    });
  }

  private async release(
    releases: readonly { eniId: string; ips: readonly string[]; prefixes: readonly string[] }[],
  ): Promise<number> {
    let n = 0;
    this.lastDecrease = this.d.clock.now();
    for (const r of releases) {
      // Re-check at act time: an address may have been assigned (or released into cooldown) since the plan.
      const now = this.d.clock.now();
      const take = (c: string) =>
        this.d.datastore.isCidrIdle(r.eniId, c, now) && this.d.datastore.removeCidr(r.eniId, c).removed;
      const ips = r.ips.filter(take);
      const prefixes = r.prefixes.filter(take);
      if (!ips.length && !prefixes.length) continue;
      try {
        await this.d.ec2.unassignPrivateIpAddresses(r.eniId, { ips: ips.map((c) => c.replace(/\/32$/, '')), prefixes });
        const t = this.d.clock.now();
        for (const c of [...ips, ...prefixes]) this.released.set(c, t);
        n += ips.length + prefixes.length * 16;
        this.d.metrics.inc('awscni_unassign_ip_count', {}, ips.length + prefixes.length * 16);
        this.log.info({ eni: r.eniId, ips: ips.length, prefixes: prefixes.length }, 'released surplus addresses');
      } catch (e) {
        this.countError(e);
        for (const c of ips) this.d.datastore.addCidr(r.eniId, c, false);
        for (const c of prefixes) this.d.datastore.addCidr(r.eniId, c, true);
        this.log.warn({ eni: r.eniId, err: (e as Error).message }, 'release failed; keeping the addresses');
        if (isEc2Error(e, 'throttled'))
          this.gate.failed('throttled', `EC2 is throttling ipamd (${(e as Ec2Error).code}); retrying with backoff`);
      }
    }
    return n;
  }

  private async freeEni(eniId: string): Promise<boolean> {
    const a = this.attachments.get(eniId);
    if (!a || !this.d.datastore.isEniIdle(eniId, this.d.clock.now()) || !this.d.datastore.removeEni(eniId).removed)
      return false;
    try {
      await this.d.hostNetwork.teardownEni(this.link(eniId));
      let attachmentId = a.attachmentId;
      if (!attachmentId) attachmentId = (await this.d.ec2.describeNetworkInterfaces([eniId]))[0]?.attachmentId;
      this.released.set(eniId, this.d.clock.now());
      await this.destroyEni(eniId, attachmentId);
      this.attachments.delete(eniId);
      this.d.metrics.inc('awscni_eni_freed');
      this.log.info({ eni: eniId }, 'freed idle ENI');
      return true;
    } catch (e) {
      this.countError(e);
      this.released.delete(eniId);
      this.log.warn({ eni: eniId, err: (e as Error).message }, 'could not free ENI; reconcile will pick it up again');
      return false;
    }
  }

  private async resyncEni(eniId: string): Promise<void> {
    const [eni] = await this.d.ec2.describeNetworkInterfaces([eniId]);
    if (eni) await this.applyTruth(eniId, eni);
  }

  private recentlyReleased(key: string, now: number): boolean {
    const t = this.released.get(key);
    if (t === undefined) return false;
    if (now - t < this.d.config.timing.releaseGraceMs) return true;
    this.released.delete(key);
    return false;
  }

  /** Make the datastore match EC2's view of one ENI: add what EC2 has, force-remove what it lacks. */
  private async applyTruth(eniId: string, eni: Eni): Promise<void> {
    const now = this.d.clock.now();
    const want = new Map<string, boolean>();
    for (const ip of eni.secondaryIps) if (ip !== eni.primaryIp) want.set(`${ip}/32`, false);
    for (const p of eni.ipv4Prefixes) want.set(p, true);
    const have = new Map(this.d.datastore.cidrsOf(eniId).map((c) => [c.cidr, c.isPrefix]));
    let forced = 0;
    for (const [c, isPrefix] of want)
      if (!have.has(c) && !this.recentlyReleased(c, now)) {
        this.d.datastore.addCidr(eniId, c, isPrefix);
        this.d.metrics.inc('awscni_reconcile_count', { fn: 'eniIPPoolReconcileAdd' });
      }
    for (const c of have.keys()) {
      if (want.has(c)) continue;
      const r = this.d.datastore.removeCidr(eniId, c, true);
      this.d.metrics.inc('awscni_reconcile_count', { fn: 'eniIPPoolReconcileDel' });
      if (r.evicted.length) {
        forced += r.evicted.length;
        this.log.error(
          { eni: eniId, cidr: c, pods: r.evicted },
          'EC2 no longer has an address that pods hold; removed it (pods must be recreated)',
        );
      }
    }
    if (forced) {
      this.d.metrics.inc('awscni_force_removed_ips', {}, forced);
      await this.d.commit();
    }
  }

  /**
   * Compare IMDS with the datastore; call EC2 only for ENIs that differ. Stale IMDS entries for recently released
   * addresses or freed ENIs are ignored for `releaseGraceMs`.
   */
  async reconcile(): Promise<void> {
    const now = this.d.clock.now();
    this.lastReconcile = now;
    const ifaces = (await this.d.imds.interfaces()).filter((i) => i.networkCard === 0 && !this.unmanaged.has(i.eniId));
    const seen = new Set<string>();
    for (const i of ifaces) {
      seen.add(i.eniId);
      if (!this.d.datastore.hasEni(i.eniId)) {
        if (this.recentlyReleased(i.eniId, now)) continue;
        try {
          const [eni] = await this.d.ec2.describeNetworkInterfaces([i.eniId]);
          if (eni?.isTrunk || eni?.isEfa) {
            // The VPC resource controller attached the trunk (SGP): branch ENIs hang off it, pods never use its IPs.
            this.unmanaged.add(i.eniId);
            if (eni.isTrunk) this.trunkEni = { eniId: i.eniId, mac: i.mac };
            this.targets = this.makeTargets();
            this.log.info({ eni: i.eniId, kind: eni.isTrunk ? 'trunk' : 'efa' }, 'reconcile: new ENI is not for pods');
          } else if (eni && (eni.attachmentId || eni.status === 'in-use')) {
            this.addEniToDatastore(i, eni, now);
            await this.applyExclusions([i.eniId]);
            this.d.metrics.inc('awscni_reconcile_count', { fn: 'eniReconcileAdd' });
            await this.d.hostNetwork.setupEni(this.link(i.eniId));
            this.log.info({ eni: i.eniId }, 'reconcile: found an attached ENI missing from the datastore; added');
          }
        } catch (e) {
          this.countError(e);
          if (!isEc2Error(e, 'not-found'))
            this.log.warn({ eni: i.eniId, err: (e as Error).message }, 'reconcile: cannot verify ENI');
        }
        continue;
      }
      const imdsSet = new Set([...i.localIpv4s.slice(1).map((ip) => `${ip}/32`), ...i.ipv4Prefixes]);
      const dsSet = new Set(this.d.datastore.cidrsOf(i.eniId).map((c) => c.cidr));
      const extra = [...imdsSet].filter((c) => !dsSet.has(c) && !this.recentlyReleased(c, now));
      const missing = [...dsSet].filter((c) => !imdsSet.has(c));
      if (!extra.length && !missing.length) continue;
      try {
        const [eni] = await this.d.ec2.describeNetworkInterfaces([i.eniId]);
        if (eni) await this.applyTruth(i.eniId, eni);
      } catch (e) {
        this.countError(e);
        this.log.warn({ eni: i.eniId, err: (e as Error).message }, 'reconcile: EC2 check failed; will retry');
      }
    }
    for (const id of this.d.datastore.eniIds()) {
      if (seen.has(id) || id === this.d.node.primaryEniId) continue;
      try {
        const [eni] = await this.d.ec2.describeNetworkInterfaces([id]);
        if (eni && eni.attachmentId && eni.status !== 'available') continue; // IMDS lag
      } catch (e) {
        if (!isEc2Error(e, 'not-found')) {
          this.countError(e);
          continue;
        }
      }
      const r = this.d.datastore.removeEni(id, true);
      this.attachments.delete(id);
      this.d.metrics.inc('awscni_force_removed_enis');
      this.d.metrics.inc('awscni_reconcile_count', { fn: 'eniReconcileDel' });
      this.log.error({ eni: id, pods: r.evicted }, 'reconcile: ENI is no longer attached; removed from the datastore');
      if (r.evicted.length) {
        this.d.metrics.inc('awscni_force_removed_ips', {}, r.evicted.length);
        await this.d.commit();
      }
    }
  }

  /** Pool totals, for logs and introspection. */
  stats() {
    return statsOf(this.d.datastore.snapshot(this.d.clock.now()));
  }
}
