import { ClusterBudget } from './cluster-budget';
import { runScale } from './cluster-sim';
import { OURS_POLICY, UPSTREAM_POLICY } from './policy';
import { deterministicPart, formatReport } from './report';
import { VirtualClock } from './virtual-clock';
import { WorkloadError, generatePods, validateWorkload, type WorkloadSpec } from './workload';

const small: WorkloadSpec = {
  name: 'small',
  seed: 7,
  nodes: 5,
  instanceType: 'm5.xlarge',
  durationSeconds: 900,
  nodeStartSpreadSeconds: 20,
  phases: [
    { kind: 'burst', at: 60, pods: 150, overSeconds: 5, lifetimeSeconds: 400 },
    { kind: 'churn', from: 100, to: 700, podsPerSecond: 0.5, lifetimeSeconds: 60 },
    { kind: 'cron', from: 120, to: 700, everySeconds: 240, pods: 30, lifetimeSeconds: 30 },
  ],
};

describe('virtual clock', () => {
  it('wakes sleepers in time order, ties in the order they slept, and jumps time', async () => {
    const c = new VirtualClock(1, 0);
    const seen: string[] = [];
    void c.sleep(300).then(() => seen.push(`c@${c.now()}`));
    void c.sleep(100).then(() => seen.push(`a@${c.now()}`));
    void c.sleep(100).then(() => seen.push(`b@${c.now()}`));
    await c.runUntil(1_000);
    expect(seen).toEqual(['a@100', 'b@100', 'c@300']);
    expect(c.now()).toBe(1_000);
  });

  it('an aborted sleep resolves at once and its timer no longer holds time back', async () => {
    const c = new VirtualClock(1, 0);
    const ac = new AbortController();
    let woke = -1;
    void c.sleep(10_000, ac.signal).then(() => (woke = c.now()));
    ac.abort();
    await c.settle();
    expect(woke).toBe(0);
    expect(c.nextAt()).toBeUndefined();
  });

  it('random() is reproducible from the seed', () => {
    const a = new VirtualClock(42),
      b = new VirtualClock(42);
    expect([a.random(), a.random()]).toEqual([b.random(), b.random()]);
  });
});

describe('cluster budget', () => {
  it('serves waiting calls at the refill rate, most-waiting-pods first', async () => {
    const c = new VirtualClock(1, 0);
    const budget = new ClusterBudget(c, { size: 1, refillPerSecond: 1 });
    const order: string[] = [];
    await budget.acquire(() => 0);
    void budget.acquire(() => 1).then(() => order.push(`low@${c.now()}`));
    void budget.acquire(() => 5).then(() => order.push(`high@${c.now()}`));
    await c.runUntil(5_000);
    expect(order).toEqual(['high@1000', 'low@2000']);
    expect(budget.waited).toBe(2);
  });
});

describe('workload', () => {
  it('generates the same pods from the same seed, sorted by creation', () => {
    const a = generatePods(small),
      b = generatePods(small);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(150);
    expect(a.every((p, i) => i === 0 || a[i - 1].createAt <= p.createAt)).toBe(true);
    expect(generatePods({ ...small, seed: 8 })).not.toEqual(a);
  });

  it('rejects a bad workload naming every problem', () => {
    expect(() => validateWorkload({ nodes: 0, durationSeconds: 'x', phases: [{ kind: 'flood' }], extra: 1 })).toThrow(
      WorkloadError,
    );
    try {
      validateWorkload({ nodes: 0, durationSeconds: 'x', phases: [{ kind: 'flood' }], extra: 1 });
    } catch (e) {
      const p = (e as WorkloadError).problems.join('\n');
      expect(p).toMatch(/extra: unknown field/);
      expect(p).toMatch(/nodes: must be an integer >= 1/);
      expect(p).toMatch(/durationSeconds: must be a number/);
      expect(p).toMatch(/phases\[0\]\.kind: must be burst, churn or cron/);
    }
  });
});

describe('cluster simulation (5 nodes, real ipamd pool managers, one simulator)', () => {
  it.each([
    ['upstream', UPSTREAM_POLICY],
    ['ours', OURS_POLICY],
  ] as const)('%s: no address handed out twice, every pod gets one', async (_name, policy) => {
    const r = await runScale(small, { policy });
    expect(r.violations).toEqual([]);
    expect(r.pods.unserved).toBe(0);
    expect(r.pods.unschedulable).toBe(0);
    expect(r.pods.served + r.pods.deletedWaiting).toBe(r.pods.created);
    expect(r.pods.created).toBe(generatePods(small).length);
    expect(r.ec2.byAction.CreateNetworkInterface.calls).toBeGreaterThan(0);
    expect(r.subnet.endFree).toBeLessThan(r.subnet.size);
    expect(formatReport(r)).toMatch(/invariants held/);
    expect(r.ec2.enisWithoutDeleteOnTermination).toBe(0);
  });

  it('is deterministic: same seed, same report', async () => {
    const a = await runScale(small, { policy: OURS_POLICY });
    const b = await runScale(small, { policy: OURS_POLICY });
    expect(deterministicPart(a)).toEqual(deterministicPart(b));
    const u1 = await runScale(small, { policy: UPSTREAM_POLICY });
    const u2 = await runScale(small, { policy: UPSTREAM_POLICY });
    expect(deterministicPart(u1)).toEqual(deterministicPart(u2));
  });

  it('ours batches to demand: a WARM_IP_TARGET=1 burst needs fewer AssignPrivateIpAddresses calls and waits less', async () => {
    const w: WorkloadSpec = {
      ...small,
      settings: { WARM_IP_TARGET: '1' },
      phases: [{ kind: 'burst', at: 60, pods: 100, overSeconds: 1 }],
    };
    const up = await runScale(w, { policy: UPSTREAM_POLICY });
    const ours = await runScale(w, { policy: OURS_POLICY });
    expect(ours.violations).toEqual([]);
    expect(up.violations).toEqual([]);
    const assigns = (r: typeof up) => r.ec2.byAction.AssignPrivateIpAddresses?.calls ?? 0;
    expect(assigns(ours)).toBeLessThan(assigns(up));
    expect(ours.timeToAddressMs.p99).toBeLessThan(up.timeToAddressMs.p99);
  });
});

describe('release after a quiet period (ours)', () => {
  it('declines releases while pods churn, so fewer UnassignPrivateIpAddresses reach EC2', async () => {
    const w: WorkloadSpec = {
      ...small,
      settings: { WARM_IP_TARGET: '3', MINIMUM_IP_TARGET: '5' },
      phases: [
        { kind: 'churn', from: 30, to: 800, podsPerSecond: 1, lifetimeSeconds: 60 },
        { kind: 'cron', from: 60, to: 800, everySeconds: 120, pods: 40, lifetimeSeconds: 30 },
      ],
    };
    const up = await runScale(w, { policy: UPSTREAM_POLICY });
    const ours = await runScale(w, { policy: OURS_POLICY });
    expect(ours.violations).toEqual([]);
    expect(ours.pods.unserved).toBe(0);
    expect(ours.ec2.deferredReleases).toBeGreaterThan(0);
    expect(up.ec2.deferredReleases).toBe(0);
    const unassign = (r: typeof up) => r.ec2.byAction.UnassignPrivateIpAddresses?.calls ?? 0;
    expect(unassign(ours)).toBeLessThan(unassign(up));
  });
});
