import { loadConfig, type IpamdConfig } from '@vpc-cni-ts/ipamd/config';
import { Datastore, statsOf } from '@vpc-cni-ts/ipamd/datastore';
import { maxPodsFor, type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';
import { PoolManager, type NodeInfo } from '@vpc-cni-ts/ipamd/pool';
import { MemoryMetrics, NoopHostNetwork, silentLogger, type Ec2Api, type Imds } from '@vpc-cni-ts/ipamd/ports';
import { IpamError, IpamService, type PoolStatusSource } from '@vpc-cni-ts/ipamd/service';

import { Simulator } from '../simulator';
import { ClusterBudget } from './cluster-budget';
import { InProcessEc2, InProcessImds, toDomainEni } from './in-process-aws';
import type { PoolPolicy } from './policy';
import { PolicyEc2 } from './policy-ec2';
import type { HoldingSample, ScaleReport } from './report';
import { Prng } from './prng';
import { serialize } from './serial-ec2';
import { VirtualClock } from './virtual-clock';
import { generatePods, type PodEvent, type WorkloadSpec } from './workload';

/** How ipamd reaches the simulated EC2. */
export type Transport = 'in-process' | 'http';

export interface RunOptions {
  readonly policy: PoolPolicy;
  /** Default in-process. `http` uses ipamd's SdkEc2Api (@aws-sdk/client-ec2) against the simulator's HTTP endpoint. */
  readonly transport?: Transport;
  /** Builds the SDK adapter for `http` (kept out of this file so the in-process path never loads the SDK). */
  readonly httpEc2?: (endpoint: string, region: string, clock: VirtualClock) => Ec2Api;
}

const T0 = 1_700_000_000_000;
const NET = 'aws-cni';

interface Pod {
  readonly ev: PodEvent;
  readonly key: { networkName: string; containerId: string; ifName: string };
  node?: SimNode;
  address?: string;
  assignedAt?: number;
  waited: boolean;
  deleted: boolean;
}

interface SimNode {
  readonly index: number;
  readonly instanceId: string;
  readonly ds: Datastore;
  readonly pm: PoolManager;
  readonly service: IpamService;
  readonly policyEc2: PolicyEc2;
  readonly limits: InstanceLimits;
  ready: boolean;
  scheduled: number;
  readonly pending: Map<number, Pod>;
  retryArmed: boolean;
}

/** The VPC /16 that holds the subnet. */
function vpcCidrFor(subnet: string): string {
  const [a, b] = subnet.split('.');
  return `${a}.${b}.0.0/16`;
}

/**
 * Run one workload against one policy: N simulated instances in one AWS simulator (shared subnet, account-wide
 * throttling buckets), each with the real ipamd pool manager, planner, datastore and IPAM service on a virtual
 * clock. Pods are scheduled to ready nodes (two random choices, the less loaded wins, never beyond max pods), get
 * their address through `IpamService.add` and are retried by the "kubelet" every `addRetrySeconds` while the pool
 * is empty. Deterministic for a given (workload, policy, seed).
 */
export async function runScale(w: WorkloadSpec, opts: RunOptions): Promise<ScaleReport> {
  const wall0 = performance.now();
  const seed = w.seed ?? 1;
  const transport = opts.transport ?? 'in-process';
  const instanceType = w.instanceType ?? 'm5.xlarge';
  const subnetCidr = w.subnetCidr ?? '10.0.0.0/16';
  const clock = new VirtualClock(seed, T0);
  const sim = new Simulator(
    {
      seed,
      region: 'us-west-2',
      vpcs: [
        {
          cidrBlocks: [vpcCidrFor(subnetCidr)],
          subnets: [{ name: 'nodes', availabilityZone: 'us-west-2a', cidrBlock: subnetCidr }],
        },
      ],
      instances: [],
    },
    { clock },
  );
  let closeSim = async (): Promise<void> => {};
  let shared: Ec2Api = new InProcessEc2(sim);
  if (transport === 'http') {
    if (!opts.httpEc2) throw new Error('transport http needs an httpEc2 factory (see scale/main.ts)');
    await sim.listen(0, 0);
    closeSim = () => sim.stop();
    const s = serialize(opts.httpEc2(sim.ec2Endpoint, sim.region, clock));
    shared = s.api;
    clock.settleWith = s.inFlight;
  }
  const subnet = [...sim.world.subnets.values()][0];
  const subnetSize = subnet.pool.available;
  const rng = new Prng(seed).fork(7);
  const policy = opts.policy;
  const budget = policy.sharedBudget
    ? {
        mutating: new ClusterBudget(clock, policy.sharedBudget.mutating),
        describe: new ClusterBudget(clock, policy.sharedBudget.describe),
      }
    : undefined;
  const violations: string[] = [];
  const held = new Map<string, number>();
  const latencies: number[] = [];
  const counts = { created: 0, waited: 0, deletedWaiting: 0, unschedulable: 0 };

  // ---- nodes ----
  const nodes: SimNode[] = [];
  let config: IpamdConfig | undefined;
  for (let i = 0; i < w.nodes; i++) {
    const inst = sim.addInstance(instanceType, 'nodes');
    const limits = sim.world.getInstance(inst.instanceId).limits;
    const pd = (w.settings?.ENABLE_PREFIX_DELEGATION ?? 'false') === 'true' && limits.nitro;
    const kubeletMaxPods = Math.min(maxPodsFor(limits, { prefixDelegation: pd }), pd ? 110 : Infinity);
    if (!config) config = loadConfig({ ...w.settings, MAX_PODS: String(kubeletMaxPods), ...policy.env });
    const cfg = config;
    const ds = new Datastore({
      prefixMode: cfg.pool.prefixDelegation && limits.nitro,
      cooldownMs: cfg.pool.ipCooldownSeconds * 1000,
    });
    const vpc = [...sim.world.vpcs.values()][0];
    const node: NodeInfo = {
      identity: {
        instanceId: inst.instanceId,
        instanceType,
        availabilityZone: inst.availabilityZone,
        region: sim.region,
        localIpv4: inst.primaryIp,
        primaryMac: inst.mac,
      },
      limits,
      vpcId: vpc.vpcId,
      vpcCidrs: [vpcCidrFor(subnetCidr)],
      primaryEniId: inst.primaryEniId,
      primarySubnetId: inst.subnetId,
      securityGroupIds: [...sim.world.enis.get(inst.primaryEniId)!.groups],
    };
    const imds: Imds = new InProcessImds(sim, inst.instanceId);
    const ref: { node?: SimNode } = {};
    const snapNow = () => ds.snapshot(clock.now());
    const policyEc2 = new PolicyEc2(
      shared,
      clock,
      policy.retry,
      {
        extraAddresses: () => Math.max(0, (ref.node?.pending.size ?? 0) - statsOf(snapNow()).available),
        roomOn: (eniId) => {
          const e = snapNow().enis.find((x) => x.id === eniId);
          return e ? Math.max(0, limits.ipv4Limit - 1 - e.ipCount - e.prefixCount) : limits.ipv4Limit - 1;
        },
        slotsPerEni: limits.ipv4Limit - 1,
        podRoom: () => Math.max(0, (ref.node?.pm.currentTargets().maxPods ?? Infinity) - statsOf(snapNow()).total),
        waiting: () => ref.node?.pending.size ?? 0,
      },
      {
        batchToDemand: policy.batchToDemand,
        releaseAfterQuietMs: policy.releaseAfterQuietMs,
        deferDeleteOnTermination: policy.deferDeleteOnTermination,
        budget,
      },
    );
    const pm = new PoolManager({
      config: cfg,
      node,
      datastore: ds,
      ec2: policyEc2,
      imds,
      clock,
      logger: silentLogger,
      metrics: new MemoryMetrics(),
      hostNetwork: new NoopHostNetwork(),
      commit: async () => {},
    });
    const status: PoolStatusSource = {
      blockReason: () => pm.blockReason(),
      nudge: () => (policy.nudgeOnEmpty ? pm.nudge() : undefined),
      currentTargets: () => pm.currentTargets(),
    };
    const service = new IpamService(
      ds,
      async () => {},
      status,
      clock,
      new MemoryMetrics(),
      silentLogger,
      cfg.pool.ipCooldownSeconds,
    );
    const self: SimNode = {
      index: i,
      instanceId: inst.instanceId,
      ds,
      pm,
      service,
      policyEc2,
      limits,
      ready: false,
      scheduled: 0,
      pending: new Map(),
      retryArmed: false,
    };
    ref.node = self;
    nodes.push(self);
  }
  const capacity = (n: SimNode): number => {
    const pd = n.ds.prefixMode;
    return Math.min(maxPodsFor(n.limits, { prefixDelegation: pd }), pd ? 110 : Infinity) - 2;
  };
  const ready: SimNode[] = [];

  // ---- pods ----
  const tryAdd = async (pod: Pod): Promise<boolean> => {
    const n = pod.node!;
    try {
      const g = await n.service.add({ ...pod.key, podName: `pod-${pod.ev.id}`, podNamespace: 'default' });
      if (pod.deleted) return true;
      const other = held.get(g.address);
      if (other !== undefined && other !== pod.ev.id)
        violations.push(`${g.address} handed to pod ${pod.ev.id} on node ${n.index} while pod ${other} holds it`);
      held.set(g.address, pod.ev.id);
      pod.address = g.address;
      pod.assignedAt = clock.now();
      latencies.push(pod.assignedAt - (T0 + pod.ev.createAt));
      n.pending.delete(pod.ev.id);
      return true;
    } catch (e) {
      if (!(e instanceof IpamError) || e.kind !== 'no-address')
        violations.push(`ADD of pod ${pod.ev.id} failed unexpectedly: ${(e as Error).message}`);
      return false;
    }
  };
  const armRetry = (n: SimNode): void => {
    if (n.retryArmed || !n.pending.size) return;
    n.retryArmed = true;
    void clock.sleep((w.addRetrySeconds ?? 2) * 1000).then(async () => {
      n.retryArmed = false;
      for (const pod of [...n.pending.values()]) if (!(await tryAdd(pod))) break;
      armRetry(n);
    });
  };
  const pickNode = (): SimNode | undefined => {
    if (!ready.length) return undefined;
    const a = ready[rng.int(ready.length)];
    const b = ready[rng.int(ready.length)];
    const best = [a, b]
      .filter((x) => x.scheduled < capacity(x))
      .sort((x, y) => x.scheduled - y.scheduled || x.index - y.index)[0];
    return (
      best ??
      ready.filter((x) => x.scheduled < capacity(x)).sort((x, y) => x.scheduled - y.scheduled || x.index - y.index)[0]
    );
  };
  const create = async (pod: Pod): Promise<void> => {
    counts.created++;
    const n = pickNode();
    if (!n) {
      counts.unschedulable++;
      pod.deleted = true;
      return;
    }
    pod.node = n;
    n.scheduled++;
    n.pending.set(pod.ev.id, pod);
    if (!(await tryAdd(pod))) {
      pod.waited = true;
      counts.waited++;
      armRetry(n);
    }
  };
  const remove = async (pod: Pod): Promise<void> => {
    if (pod.deleted || !pod.node) return;
    pod.deleted = true;
    const n = pod.node;
    n.scheduled--;
    if (pod.address === undefined) {
      n.pending.delete(pod.ev.id);
      counts.deletedWaiting++;
      return;
    }
    held.delete(pod.address);
    try {
      await n.service.del(pod.key);
    } catch (e) {
      violations.push(`DEL of pod ${pod.ev.id} failed: ${(e as Error).message}`);
    }
  };

  // ---- drivers (coroutines on the virtual clock) ----
  const endAt = T0 + w.durationSeconds * 1000;
  const starts = nodes
    .map((n) => ({ n, at: T0 + Math.round(rng.next() * (w.nodeStartSpreadSeconds ?? 60) * 1000) }))
    .sort((a, b) => a.at - b.at || a.n.index - b.n.index);
  const startNodes = (async () => {
    for (const s of starts) {
      if (s.at > clock.now()) await clock.sleep(s.at - clock.now());
      await s.n.pm.discover();
      s.n.pm.start();
      s.n.ready = true;
      ready.push(s.n);
    }
  })();
  const events = generatePods(w);
  const pods: Pod[] = events.map((ev) => ({
    ev,
    key: { networkName: NET, containerId: `c${ev.id.toString(16).padStart(8, '0')}`, ifName: 'eth0' },
    waited: false,
    deleted: false,
  }));
  const deletions: Pod[] = [];
  const podDriver = (async () => {
    let i = 0;
    const byDelete = (): void => void deletions.sort((a, b) => a.ev.deleteAt! - b.ev.deleteAt! || a.ev.id - b.ev.id);
    for (;;) {
      const nextCreate = i < pods.length ? T0 + pods[i].ev.createAt : Infinity;
      const nextDelete = deletions.length ? T0 + deletions[0].ev.deleteAt! : Infinity;
      const next = Math.min(nextCreate, nextDelete);
      if (next === Infinity || next >= endAt) return;
      if (next > clock.now()) await clock.sleep(next - clock.now());
      let added = false;
      while (deletions.length && T0 + deletions[0].ev.deleteAt! <= clock.now()) await remove(deletions.shift()!);
      while (i < pods.length && T0 + pods[i].ev.createAt <= clock.now()) {
        const pod = pods[i++];
        await create(pod);
        if (pod.ev.deleteAt !== undefined) {
          deletions.push(pod);
          added = true;
        }
      }
      if (added) byDelete();
    }
  })();
  const series: HoldingSample[] = [];
  const sampleMs = (w.sampleSeconds ?? 10) * 1000;
  let minFree = subnet.pool.available;
  const sample = (): void => {
    let held = 0,
      idle = 0,
      idleMax = 0,
      podsNow = 0;
    for (const n of ready) {
      const s = statsOf(n.ds.snapshot(clock.now()));
      held += s.total;
      idle += s.total - s.assigned;
      idleMax = Math.max(idleMax, s.total - s.assigned);
      podsNow += s.assigned;
    }
    const k = Math.max(1, ready.length);
    const free = subnet.pool.available;
    minFree = Math.min(minFree, free);
    series.push({
      t: Math.round((clock.now() - T0) / 1000),
      pods: podsNow,
      heldPerNode: round1(held / k),
      idlePerNode: round1(idle / k),
      idleMaxNode: idleMax,
      subnetFree: free,
    });
  };
  const sampler = (async () => {
    while (clock.now() + sampleMs <= endAt) {
      await clock.sleep(sampleMs);
      sample();
    }
  })();

  await clock.runUntil(endAt);
  await Promise.all([startNodes, podDriver, sampler]);
  if (!series.length || series[series.length - 1].t * 1000 < endAt - T0) sample();

  // ---- stop every ipamd, letting time run so in-flight actions finish ----
  let stopped = false;
  const stopping = Promise.all(nodes.map((n) => n.pm.stop())).then(() => (stopped = true));
  while (!stopped && (await clock.step())) {
    /* advance */
  }
  await stopping;
  await closeSim();

  // ---- end-state checks ----
  for (const n of nodes) {
    const inEc2 = new Set<string>();
    for (const e of sim.world.enisOf(n.instanceId)) {
      const d = toDomainEni(e);
      for (const ip of d.secondaryIps) inEc2.add(ip);
      for (const p of d.ipv4Prefixes) inEc2.add(p);
    }
    for (const [addr] of n.ds.assignedAddresses()) {
      const ok = inEc2.has(addr) || [...inEc2].some((c) => c.endsWith('/28') && inPrefix(addr, c));
      if (!ok) violations.push(`node ${n.index}: pod holds ${addr}, which EC2 does not have on the node's ENIs`);
    }
  }
  let enisWithoutDot = 0;
  for (const n of nodes)
    for (const e of sim.world.enisOf(n.instanceId))
      if (e.attachment && !e.attachment.deleteOnTermination) enisWithoutDot++;
  const unserved = pods.filter((p) => !p.deleted && p.node && p.address === undefined).length;
  const stats = sim.callStats();
  const byAction: Record<string, { calls: number; throttled: number; errors: number }> = {};
  let calls = 0,
    throttled = 0,
    errors = 0;
  for (const [a, s] of Object.entries(stats).sort(([x], [y]) => x.localeCompare(y))) {
    byAction[a] = { calls: s.total, throttled: s.throttled, errors: s.errors + s.faulted };
    calls += s.total;
    throttled += s.throttled;
    errors += s.errors + s.faulted;
  }
  const idleSeries = series.map((s) => s.idlePerNode);
  // Pods still waiting count with the time they have waited so far (a lower bound), so a policy that leaves pods
  // without an address cannot look faster for it.
  for (const p of pods)
    if (!p.deleted && p.node && p.address === undefined) latencies.push(endAt - (T0 + p.ev.createAt));
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    latencies.length
      ? latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))]
      : 0;
  return {
    workload: w.name ?? 'workload',
    policy: policy.name,
    transport,
    seed,
    nodes: w.nodes,
    instanceType,
    settings: { ...(w.settings ?? {}) },
    simulatedSeconds: w.durationSeconds,
    pods: {
      created: counts.created,
      served: latencies.length - unserved,
      waited: counts.waited,
      deletedWaiting: counts.deletedWaiting,
      unserved,
      unschedulable: counts.unschedulable,
    },
    timeToAddressMs: {
      p50: pct(50),
      p90: pct(90),
      p99: pct(99),
      max: latencies.length ? latencies[latencies.length - 1] : 0,
      mean: Math.round(latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length)),
    },
    ec2: {
      calls,
      throttled,
      errors,
      byAction,
      retries: nodes.reduce((a, n) => a + n.policyEc2.retries, 0),
      deferredReleases: nodes.reduce((a, n) => a + n.policyEc2.deferredReleases, 0),
      deferredDeleteOnTermination: nodes.reduce((a, n) => a + n.policyEc2.deferredDot, 0),
      enisWithoutDeleteOnTermination: enisWithoutDot,
      budgetWaits: budget ? budget.mutating.waited + budget.describe.waited : 0,
    },
    idle: {
      meanPerNode: round1(idleSeries.reduce((a, b) => a + b, 0) / Math.max(1, idleSeries.length)),
      peakPerNode: Math.max(0, ...idleSeries),
      endPerNode: idleSeries[idleSeries.length - 1] ?? 0,
    },
    subnet: { size: subnetSize, minFree, endFree: subnet.pool.available },
    series,
    violations,
    timersFired: clock.fired,
    wallMs: Math.round(performance.now() - wall0),
  };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function ipInt(s: string): number {
  return s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}
function inPrefix(addr: string, cidr: string): boolean {
  const [base, len] = cidr.split('/');
  const size = 2 ** (32 - Number(len));
  const b = ipInt(base);
  const a = ipInt(addr.replace(/\/32$/, ''));
  return a >= b && a < b + size;
}
