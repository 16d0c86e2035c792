import { Datastore, statsOf } from '../datastore';
import { lookupInstanceLimits } from '../limits';
import { intToIp } from '../util/ipv4';
import { isPoolTooLow, planIncrease, planPool, targetState, type PoolPlan } from './plan';
import { targetsFrom, type PoolTargets } from './targets';

const pool = (o: Partial<Parameters<typeof targetsFrom>[0]> = {}) => ({
  warmEniTarget: 1,
  warmIpTarget: 0,
  minimumIpTarget: 0,
  warmPrefixTarget: 0,
  maxEni: undefined,
  prefixDelegation: false,
  ipCooldownSeconds: 30,
  disableNetworkResourceProvisioning: false,
  manageEnisNonSchedulable: false,
  maxPods: undefined,
  enableSubnetDiscovery: true,
  disableLeakedEniCleanup: false,
  manageUntaggedEni: true,
  ...o,
});
const targets = (type: string, o: Partial<Parameters<typeof targetsFrom>[0]> = {}, maxPods?: number): PoolTargets =>
  targetsFrom(pool(o), lookupInstanceLimits(type)!, { eniMinAgeMs: 60_000, maxPods });

/** A node on paper: applies plans to a real Datastore with made-up addresses, like a perfect EC2. */
class PaperNode {
  readonly ds: Datastore;
  now = 1_000_000;
  private nextIp = 0x0a000100; // 10.0.1.0
  private nextPrefix = 0x0a010000; // 10.1.0.0
  private enis = 1;
  private pods = 0;
  readonly calls: string[] = [];
  constructor(
    readonly t: PoolTargets,
    cooldownMs = 30_000,
  ) {
    this.ds = new Datastore({ prefixMode: t.prefixDelegation, cooldownMs });
    this.ds.addEni({
      id: 'eni-0',
      deviceNumber: 0,
      isPrimary: true,
      subnetId: 's',
      primaryIp: '10.0.0.10',
      createdAt: 0,
    });
  }
  private add(eniId: string, unit: 'ip' | 'prefix', n: number): void {
    for (let i = 0; i < n; i++) {
      if (unit === 'ip') this.ds.addCidr(eniId, intToIp(this.nextIp++), false);
      else {
        this.ds.addCidr(eniId, `${intToIp(this.nextPrefix)}/28`, true);
        this.nextPrefix += 16;
      }
    }
  }
  apply(p: PoolPlan): boolean {
    let changed = false;
    if (p.increase.kind === 'assign') {
      this.add(p.increase.eniId, p.increase.unit, p.increase.count);
      this.calls.push('assign');
      changed = true;
    }
    if (p.increase.kind === 'create-eni') {
      const id = `eni-${this.enis}`;
      this.ds.addEni({
        id,
        deviceNumber: this.enis++,
        isPrimary: false,
        subnetId: 's',
        primaryIp: intToIp(this.nextIp++),
        createdAt: this.now,
      });
      this.add(id, p.increase.unit, p.increase.count);
      this.calls.push('create');
      changed = true;
    }
    for (const r of p.release.releases) {
      for (const c of [...r.ips, ...r.prefixes]) {
        expect(this.ds.isCidrIdle(r.eniId, c, this.now)).toBe(true); // never releases assigned or cooling addresses
        expect(this.ds.removeCidr(r.eniId, c).removed).toBe(true);
      }
      this.calls.push('release');
      changed = true;
    }
    if (p.freeEni) {
      expect(this.ds.removeEni(p.freeEni).removed).toBe(true);
      this.calls.push('free');
      changed = true;
    }
    return changed;
  }
  /** Run pool ticks until nothing changes (time advances 61 s per tick so ENIs age and cooldowns expire). */
  settle(advanceMs = 61_000): this {
    for (let i = 0; i < 100; i++) {
      const changed = this.apply(planPool(this.t, this.ds.snapshot(this.now)));
      const cooling = this.ds.nextCoolingExpiry(this.now) !== undefined;
      this.now += advanceMs;
      if (!changed && !cooling) return this;
    }
    throw new Error('pool never settled');
  }
  scaleTo(n: number, settleEach = false): this {
    const assign = () =>
      this.ds.assign({ networkName: 'aws-cni', containerId: `c${this.pods}`, ifName: 'eth0' }, {}, this.now);
    while (this.pods < n) {
      if (!assign()) {
        this.settle();
        if (!assign()) throw new Error(`pool full at ${this.pods} pods`);
      }
      this.pods++;
      if (settleEach) this.settle();
    }
    while (this.pods > n)
      this.ds.unassign({ networkName: 'aws-cni', containerId: `c${--this.pods}`, ifName: 'eth0' }, this.now);
    return this.settle();
  }
  get stats() {
    return { enis: this.ds.eniIds().length, ...statsOf(this.ds.snapshot(this.now)) };
  }
}

describe('planner steady states (readme and notes examples)', () => {
  it('m4.4xlarge, WARM_ENI_TARGET=1: 0 pods -> 1 ENI of 29; 5 pods -> 2 ENIs, 58 addresses', () => {
    const n = new PaperNode(targets('m4.4xlarge')).settle();
    expect(n.stats).toMatchObject({ enis: 1, total: 29, available: 29 });
    n.scaleTo(5);
    expect(n.stats).toMatchObject({ enis: 2, total: 58, assigned: 5, available: 53 });
    n.scaleTo(30);
    expect(n.stats).toMatchObject({ enis: 3, total: 87 });
  });

  it('MINIMUM_IP_TARGET=30 + WARM_IP_TARGET=2 keeps 30 at idle and 32 with 30 pods', () => {
    const n = new PaperNode(targets('m4.4xlarge', { minimumIpTarget: 30, warmIpTarget: 2 })).settle();
    expect(n.stats).toMatchObject({ total: 30, enis: 2 });
    n.scaleTo(30, true);
    expect(n.stats).toMatchObject({ total: 32, assigned: 30, available: 2 });
    n.scaleTo(0);
    expect(n.stats.total).toBe(30);
  });

  it('prefix delegation, WARM_IP_TARGET=16: one /28 at idle, a second after the first pod', () => {
    const n = new PaperNode(targets('m5.4xlarge', { prefixDelegation: true, warmIpTarget: 16 })).settle();
    expect(n.stats).toMatchObject({ total: 16, totalPrefixes: 1 });
    n.scaleTo(1);
    expect(n.stats).toMatchObject({ total: 32, totalPrefixes: 2, available: 31 });
    n.scaleTo(0);
    expect(n.stats).toMatchObject({ total: 16, totalPrefixes: 1 });
  });

  it.each([
    // [instance, pool overrides, pods, expected {enis,total}]
    ['m5.large', { warmIpTarget: 5 }, 0, { total: 5, enis: 1 }],
    ['m5.large', { warmIpTarget: 5 }, 3, { total: 8, enis: 1 }],
    ['m5.large', { warmIpTarget: 5 }, 7, { total: 12, enis: 2 }],
    ['m5.large', {}, 0, { total: 9, enis: 1 }],
    ['m5.large', {}, 5, { total: 18, enis: 2 }],
    ['m5.large', {}, 10, { total: 27, enis: 3 }],
    ['m5.large', { warmEniTarget: 2 }, 0, { total: 18, enis: 2 }],
    ['m5.large', { warmEniTarget: 2 }, 1, { total: 27, enis: 3 }],
    ['m5.large', { warmEniTarget: 0 }, 0, { total: 9, enis: 1 }],
    ['m5.large', { warmEniTarget: 0 }, 9, { total: 18, enis: 2 }],
    ['m5.large', { maxEni: 1 }, 5, { total: 9, enis: 1 }],
    ['m5.large', { maxEni: 2 }, 12, { total: 18, enis: 2 }],
    ['m5.large', { minimumIpTarget: 10 }, 0, { total: 10, enis: 2 }],
    ['m5.large', { minimumIpTarget: 4, warmIpTarget: 1 }, 0, { total: 4, enis: 1 }],
    ['m5.large', { minimumIpTarget: 4, warmIpTarget: 1 }, 6, { total: 7, enis: 1 }],
    ['m5.4xlarge', { prefixDelegation: true }, 0, { total: 16, totalPrefixes: 1 }],
    ['m5.4xlarge', { prefixDelegation: true, warmPrefixTarget: 1 }, 0, { total: 16, totalPrefixes: 1 }],
    ['m5.4xlarge', { prefixDelegation: true, warmPrefixTarget: 1 }, 1, { total: 32, totalPrefixes: 2 }],
    ['m5.4xlarge', { prefixDelegation: true, warmPrefixTarget: 1 }, 16, { total: 32, totalPrefixes: 2 }],
    ['m5.4xlarge', { prefixDelegation: true, warmPrefixTarget: 1 }, 17, { total: 48, totalPrefixes: 3 }],
    ['m5.4xlarge', { prefixDelegation: true, warmPrefixTarget: 3 }, 0, { total: 48, totalPrefixes: 3 }],
    [
      'm5.4xlarge',
      { prefixDelegation: true, warmIpTarget: 5, minimumIpTarget: 40 },
      0,
      { total: 48, totalPrefixes: 3 },
    ],
    ['m5.4xlarge', { prefixDelegation: true, warmIpTarget: 20 }, 10, { total: 32, totalPrefixes: 2 }],
    ['m5.4xlarge', { prefixDelegation: true, warmIpTarget: 20 }, 13, { total: 48, totalPrefixes: 3 }],
  ] as const)('%s %j with %i pods settles at %j', (type, o, pods, want) => {
    const n = new PaperNode(targets(type, o)).scaleTo(pods);
    expect(n.stats).toMatchObject(want);
  });

  it('MINIMUM_IP_TARGET without WARM_IP_TARGET stops allocating at the minimum (readme note 2)', () => {
    const n = new PaperNode(targets('m5.large', { minimumIpTarget: 5 })).scaleTo(5);
    expect(n.stats).toMatchObject({ total: 5, available: 0 });
    expect(planIncrease(n.t, n.ds.snapshot(n.now)).kind).toBe('none');
  });

  it('with only WARM_ENI_TARGET single addresses are never released, whole idle ENIs are', () => {
    const n = new PaperNode(targets('m5.large')).scaleTo(10);
    expect(n.stats).toMatchObject({ enis: 3, total: 27 });
    n.scaleTo(0).settle();
    expect(n.stats).toMatchObject({ enis: 1, total: 9 });
    expect(n.calls.filter((c) => c === 'release')).toHaveLength(0);
    expect(n.calls.filter((c) => c === 'free')).toHaveLength(2);
  });

  it('never frees the primary ENI, an ENI younger than a minute, or one with cooling addresses', () => {
    const t = targets('m5.large', { warmIpTarget: 1 });
    const n = new PaperNode(t).scaleTo(12);
    expect(n.stats.enis).toBe(2);
    for (let i = 11; i >= 0; i--)
      n.ds.unassign({ networkName: 'aws-cni', containerId: `c${i}`, ifName: 'eth0' }, n.now);
    let p = planPool(t, n.ds.snapshot(n.now));
    expect(p.freeEni).toBeUndefined();
    expect(p.release.releases).toHaveLength(0);
    p = planPool(t, n.ds.snapshot(n.now + 31_000));
    expect(p.freeEni).toBe('eni-1');
    const young = new PaperNode(t);
    young.ds.addEni({
      id: 'eni-9',
      deviceNumber: 1,
      isPrimary: false,
      subnetId: 's',
      primaryIp: '10.0.9.9',
      createdAt: young.now - 10_000,
    });
    young.ds.addCidr('eni-9', '10.0.9.10', false);
    young.ds.addCidr('eni-0', '10.0.0.11', false);
    expect(planPool(t, young.ds.snapshot(young.now)).freeEni).toBeUndefined();
    expect(planPool(t, young.ds.snapshot(young.now + 60_000)).freeEni).toBe('eni-9');
  });
});

describe('upstream defects fixed', () => {
  it('#2896: cooling addresses count as unavailable, so a burst after churn allocates', () => {
    const t = targets('m5.large', { warmIpTarget: 2 });
    const n = new PaperNode(t).scaleTo(5);
    expect(n.stats.total).toBe(7);
    for (let i = 4; i >= 0; i--) n.ds.unassign({ networkName: 'aws-cni', containerId: `c${i}`, ifName: 'eth0' }, n.now);
    const s = statsOf(n.ds.snapshot(n.now));
    expect(s).toMatchObject({ total: 7, assigned: 0, cooling: 5, available: 2 });
    // Upstream: available = total - assigned = 7, so a burst of 3 more pods finds nothing after 2.
    for (let i = 0; i < 2; i++)
      n.ds.assign({ networkName: 'aws-cni', containerId: `b${i}`, ifName: 'eth0' }, {}, n.now);
    const s2 = statsOf(n.ds.snapshot(n.now));
    expect(isPoolTooLow(t, s2)).toBe(true);
    expect(targetState(t, s2).short).toBe(2);
    expect(planIncrease(t, n.ds.snapshot(n.now))).toMatchObject({ kind: 'assign', count: 2 });
  });

  it('#2793: never allocates beyond max pods', () => {
    const t = targets('m4.4xlarge', {}, 20);
    const n = new PaperNode(t).settle();
    expect(n.stats.total).toBe(20);
    n.scaleTo(20);
    expect(n.stats.total).toBe(20);
    expect(planIncrease(t, n.ds.snapshot(n.now))).toEqual({ kind: 'blocked', reason: 'max-pods' });
    const pd = new PaperNode(targets('m5.4xlarge', { prefixDelegation: true, warmIpTarget: 64 }, 40)).settle();
    expect(pd.stats.total).toBe(48); // ceil(40/16) prefixes, never more
  });

  it('pods waiting: the increase covers waiting - available at once, never beyond max pods', () => {
    const t = targets('m4.4xlarge', { warmIpTarget: 1 }, 40);
    const n = new PaperNode(t).settle();
    expect(n.stats.total).toBe(1);
    const snap = n.ds.snapshot(n.now);
    // Without demand: WARM_IP_TARGET=1 has nothing to do.
    expect(planIncrease(t, snap).kind).toBe('none');
    expect(planIncrease(t, snap, { waiting: 1 }).kind).toBe('none'); // one waiting, one available
    expect(planIncrease(t, snap, { waiting: 12 })).toMatchObject({ kind: 'assign', count: 11, addressesWanted: 11 });
    expect(planIncrease(t, snap, { waiting: 500 })).toMatchObject({ kind: 'assign', count: 28 }); // the ENI's room
    n.scaleTo(40);
    expect(planIncrease(t, n.ds.snapshot(n.now), { waiting: 5 })).toEqual({ kind: 'blocked', reason: 'max-pods' });
  });

  it('ENI limit reached is reported as blocked', () => {
    const t = targets('m5.large', { maxEni: 1 });
    const n = new PaperNode(t).scaleTo(9);
    expect(planIncrease(t, n.ds.snapshot(n.now))).toEqual({ kind: 'blocked', reason: 'eni-limit' });
  });

  it('free prefixes left from prefix mode are released in secondary-IP mode', () => {
    const t = targets('m5.large');
    const n = new PaperNode(t).settle();
    n.ds.addCidr('eni-0', '10.9.0.0/28', true);
    const p = planPool(t, n.ds.snapshot(n.now));
    expect(p.release.releases).toEqual([{ eniId: 'eni-0', ips: [], prefixes: ['10.9.0.0/28'] }]);
  });
});

describe('planner invariants over random scenarios', () => {
  function rng(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  it('settles (no oscillation), respects max ENIs and max pods, and is never low unless blocked', () => {
    const rand = rng(42);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (let scenario = 0; scenario < 150; scenario++) {
      const type = pick(['m5.large', 'm5.4xlarge', 't3.medium', 'c5.xlarge']);
      const pd = type !== 't3.medium' && rand() < 0.4;
      const o = {
        warmEniTarget: pick([0, 1, 2]),
        warmIpTarget: pick([0, 0, 1, 5, 16, 20]),
        minimumIpTarget: pick([0, 0, 4, 30]),
        warmPrefixTarget: pick([0, 1, 2]),
        maxEni: pick([undefined, 1, 2]),
        prefixDelegation: pd,
      };
      const maxPods = pick([undefined, 20, 40]);
      const t = targets(type, o, maxPods);
      const n = new PaperNode(t).settle();
      for (let step = 0; step < 6; step++) {
        const pods = Math.floor(rand() * Math.min(t.maxPods, 60));
        try {
          n.scaleTo(pods);
        } catch (e) {
          // Pods beyond capacity (ENI limit / max pods) do not all fit; anything else (e.g. no settling) fails.
          if (!/pool full/.test((e as Error).message)) throw e;
        }
        const st = n.stats;
        const ctx = JSON.stringify({ type, o, maxPods, pods, st });
        expect(st.enis).toBeLessThanOrEqual(t.maxEnis);
        expect(st.total).toBeLessThanOrEqual(Math.max(t.maxPods + (pd ? 15 : 0), st.assigned));
        const inc = planIncrease(t, n.ds.snapshot(n.now));
        if (inc.kind !== 'none' && inc.kind !== 'blocked')
          throw new Error(`not settled: ${ctx} ${JSON.stringify(inc)}`);
      }
    }
  });
});

describe('excluded ENIs (custom networking primary, kubernetes.io/role/cni=0)', () => {
  it('never tops up an excluded primary ENI: grows on a new ENI, and hands the primary ENI free addresses back', () => {
    const node = new PaperNode(targets('m5.large', { warmIpTarget: 3, warmEniTarget: 0 }));
    node.ds.addCidr('eni-0', '10.0.0.11', false);
    node.ds.addCidr('eni-0', '10.0.0.12', false);
    node.ds.setEniExcluded('eni-0', true);
    const first = planPool(node.t, node.ds.snapshot(node.now));
    expect(first.increase).toMatchObject({ kind: 'create-eni', count: 3 });
    node.settle();
    const snap = node.ds.snapshot(node.now);
    expect(node.ds.cidrsOf('eni-0')).toEqual([]); // both released, though WARM_IP_TARGET alone would keep them
    expect(snap.enis.find((e) => e.id === 'eni-1')).toMatchObject({ ipCount: 3, excluded: false });
    expect(statsOf(snap)).toMatchObject({ total: 3, available: 3 });
    node.scaleTo(5);
    expect([...node.ds.assignedAddresses().keys()].every((a) => !a.startsWith('10.0.0.'))).toBe(true);
  });

  it('counts an excluded ENI against the ENI limit', () => {
    const t = targets('t3.nano', { warmIpTarget: 1 }); // 2 ENIs, 2 addresses each
    const node = new PaperNode(t);
    node.ds.setEniExcluded('eni-0', true);
    node.settle();
    expect(node.ds.eniIds()).toHaveLength(2);
    node.scaleTo(1);
    node.ds.assign({ networkName: 'aws-cni', containerId: 'x', ifName: 'eth0' }, {}, node.now);
    expect(planIncrease(t, node.ds.snapshot(node.now))).toEqual({ kind: 'blocked', reason: 'eni-limit' });
  });
});
