import { statsOf, Datastore } from '../datastore';
import { loadConfig } from '../config';
import { MemoryLogger, MemoryMetrics, NoopHostNetwork } from '../ports';
import { FakeAws, InstantClock } from '../testing';
import { PoolManager } from './pool-manager';
import { IpamService } from '../service';

async function rig(
  env: Record<string, string>,
  instanceType = 'm5.large',
  imdsLagMs = 0,
  eniSubnets?: () => Promise<readonly string[]>,
) {
  const clock = new InstantClock();
  const aws = new FakeAws({ instanceType, clock, imdsLagMs });
  const config = loadConfig({ IPAMD_ENI_MIN_AGE_MS: '60000', ...env });
  const id = await aws.imds.identity();
  const [primary] = await aws.imds.interfaces();
  const node = {
    identity: id,
    limits: aws.limits,
    vpcId: aws.vpcId,
    vpcCidrs: ['10.0.0.0/16'],
    primaryEniId: aws.primaryEniId,
    primarySubnetId: primary!.subnetId,
    securityGroupIds: ['sg-0fake'],
  };
  const ds = new Datastore({
    prefixMode: config.pool.prefixDelegation,
    cooldownMs: config.pool.ipCooldownSeconds * 1000,
  });
  const logger = new MemoryLogger();
  const metrics = new MemoryMetrics();
  const pool = new PoolManager({
    config,
    node,
    datastore: ds,
    ec2: aws,
    imds: aws.imds,
    clock,
    logger,
    metrics,
    hostNetwork: new NoopHostNetwork(),
    commit: async () => {},
    placement: eniSubnets && {
      forNewEni: async () => ({ subnetIds: await eniSubnets(), source: 'test' }),
      excludedEnis: async () => [],
    },
  });
  await pool.discover();
  const svc = new IpamService(ds, async () => {}, pool, clock, metrics, logger, config.pool.ipCooldownSeconds);
  let n = 0;
  const pods: string[] = [];
  const api = {
    aws,
    clock,
    ds,
    pool,
    svc,
    logger,
    metrics,
    stats: () => ({ enis: ds.eniIds().length, ...statsOf(ds.snapshot(clock.now())) }),
    /** Tick `n` times, `gapMs` apart. */
    async ticks(k: number, gapMs = 5000) {
      for (let i = 0; i < k; i++) {
        await pool.tick();
        clock.skip(gapMs);
      }
    },
    async addPod() {
      const c = `c${n++}`;
      for (let tries = 0; tries < 50; tries++) {
        try {
          await svc.add({ networkName: 'aws-cni', containerId: c, ifName: 'eth0' });
          pods.push(c);
          return c;
        } catch {
          await api.ticks(1);
        }
      }
      throw new Error(`pod ${c} never got an address: ${svc.explainEmpty()}`);
    },
    async delPod() {
      const c = pods.pop()!;
      await svc.del({ networkName: 'aws-cni', containerId: c, ifName: 'eth0' });
    },
    /** EC2 and datastore agree; no address is held twice; no ENI leaked. */
    checkInvariants() {
      const held = ds.assignedAddresses();
      expect(new Set(held.keys()).size).toBe(held.size);
      const ec2Addrs = new Set<string>();
      for (const e of aws.attachedEnis()) {
        for (const ip of e.secondaryIps) ec2Addrs.add(ip);
        for (const p of e.ipv4Prefixes) ec2Addrs.add(p.split('/')[0]!);
      }
      for (const id of ds.eniIds()) expect(aws.enis.get(id)?.status).toBe('in-use');
      for (const e of aws.enis.values()) expect(e.status).toBe('in-use'); // nothing left detached (leaked)
      for (const c of ds.eniIds().flatMap((id) => ds.cidrsOf(id)))
        expect(ec2Addrs.has(c.cidr.split('/')[0]!)).toBe(true);
    },
  };
  return api;
}

describe('PoolManager against the stateful FakeAws', () => {
  it('fresh m5.large: fills the primary ENI, then creates, attaches, tags and protects a new ENI', async () => {
    const r = await rig({ CLUSTER_NAME: 'prod', ADDITIONAL_ENI_TAGS: '{"team":"net"}' });
    await r.ticks(1);
    expect(r.stats()).toMatchObject({ enis: 1, total: 9 });
    for (let i = 0; i < 5; i++) await r.addPod();
    await r.ticks(1);
    expect(r.stats()).toMatchObject({ enis: 2, total: 18, assigned: 5 });
    const eni = [...r.aws.enis.values()].find((e) => e.deviceIndex === 1)!;
    expect(eni.deleteOnTermination).toBe(true);
    expect(eni.description).toBe(`aws-K8S-${r.aws.instanceId}`);
    expect(eni.tags).toMatchObject({
      'node.k8s.amazonaws.com/instance_id': r.aws.instanceId,
      'cluster.k8s.amazonaws.com/name': 'prod',
      'eks:eni:owner': 'amazon-vpc-cni',
      team: 'net',
    });
    expect(eni.tags['node.k8s.amazonaws.com/createdAt']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    r.checkInvariants();
  });

  it('scales 0 -> max pods -> 0 without double assignment or leaked ENIs, freeing idle ENIs afterwards', async () => {
    const r = await rig({ IP_COOLDOWN_PERIOD: '30' });
    await r.ticks(1);
    for (let i = 0; i < 27; i++) await r.addPod();
    expect(r.stats()).toMatchObject({ enis: 3, total: 27, assigned: 27 });
    await expect(r.svc.add({ networkName: 'aws-cni', containerId: 'one-too-many', ifName: 'eth0' })).rejects.toThrow(
      /ENI limit reached|max-pods/,
    );
    r.checkInvariants();
    for (let i = 0; i < 27; i++) await r.delPod();
    await r.ticks(40, 5000);
    expect(r.stats()).toMatchObject({ enis: 1, total: 9, assigned: 0 });
    expect(r.aws.count('DeleteNetworkInterface')).toBe(2);
    r.checkInvariants();
  });

  it('subnet running out: backs off instead of hammering EC2 and says "subnet full"', async () => {
    const r = await rig({ WARM_IP_TARGET: '4', IPAMD_CAPACITY_BACKOFF_MS: '120000' });
    r.aws.freeAddressBudget = 6;
    await r.ticks(1);
    for (let i = 0; i < 6; i++) await r.addPod(); // the last two come one at a time (retry with 1)
    await r.ticks(1);
    const before = r.aws.count('AssignPrivateIpAddresses');
    await r.ticks(20, 5000); // 100 s of ticks inside the 120 s pause
    expect(r.aws.count('AssignPrivateIpAddresses') - before).toBe(0);
    await expect(r.svc.add({ networkName: 'aws-cni', containerId: 'x', ifName: 'eth0' })).rejects.toThrow(
      /subnet full: subnet subnet-0fake has no free IP addresses/,
    );
    expect(r.metrics.get('awscni_ipamd_action_backoff', { reason: 'subnet-full' })).toBeGreaterThan(0);
    r.aws.freeAddressBudget = 100;
    await r.ticks(6, 5000);
    await r.addPod();
    r.checkInvariants();
  });

  it('throttling storm: exponential backoff with jitter, then recovers', async () => {
    const r = await rig({});
    r.aws.failNext('AssignPrivateIpAddresses', 'RequestLimitExceeded', 6);
    const errs: string[] = [];
    for (let i = 0; i < 300; i++) {
      await r.pool.tick();
      r.clock.skip(1000);
      if (r.stats().total > 0) break;
      errs.push(r.pool.blockReason()?.reason ?? '');
    }
    expect(r.stats().total).toBe(9);
    expect(r.aws.count('AssignPrivateIpAddresses')).toBe(7);
    expect(errs.filter((e) => e === 'throttled').length).toBeGreaterThan(6); // ticks skipped while backing off
    expect(
      r.metrics.get('awscni_ec2api_error_count', { fn: 'AssignPrivateIpAddresses', error: 'RequestLimitExceeded' }),
    ).toBe(6);
  });

  it('prefix delegation on a fragmented subnet falls back to secondary IPs (log line + metric)', async () => {
    const r = await rig({ ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' }, 'm5.4xlarge');
    r.aws.fragmented = true;
    await r.ticks(1);
    expect(r.stats().total).toBe(16);
    expect(r.stats().totalPrefixes).toBe(0);
    expect(r.metrics.get('awscni_prefix_fallback_to_secondary_ip')).toBe(1);
    expect(r.logger.lines.some((l) => /falling back to secondary IPs/.test(l.msg))).toBe(true);
    const c = await r.addPod();
    expect(r.ds.lookup({ networkName: 'aws-cni', containerId: c, ifName: 'eth0' })).toBeDefined();
    r.aws.fragmented = false;
    r.clock.skip(130_000);
    for (let i = 0; i < 16; i++) await r.addPod();
    await r.ticks(2);
    expect(r.stats().totalPrefixes).toBeGreaterThan(0);
    r.checkInvariants();
  });

  it('waits for a new ENI to appear in lagging IMDS and ignores stale IMDS after a release', async () => {
    const r = await rig(
      {
        WARM_IP_TARGET: '2',
        IPAMD_DECREASE_INTERVAL_MS: '0',
        IPAMD_RECONCILE_INTERVAL_MS: '1000',
        IPAMD_RELEASE_GRACE_MS: '60000',
      },
      'm5.large',
      3000,
    );
    await r.ticks(1);
    for (let i = 0; i < 10; i++) await r.addPod();
    expect(r.stats().enis).toBe(2);
    for (let i = 0; i < 10; i++) await r.delPod();
    r.clock.skip(31_000);
    const describesBefore = r.aws.count('DescribeNetworkInterfaces');
    await r.ticks(3, 1000); // release, then reconcile while IMDS still lists released addresses
    expect(r.stats().total).toBeLessThan(12);
    const totalAfterRelease = r.stats().total;
    await r.ticks(3, 1000);
    expect(r.stats().total).toBe(totalAfterRelease); // stale IMDS did not re-add released addresses
    expect(r.aws.count('DescribeNetworkInterfaces') - describesBefore).toBeLessThanOrEqual(2);
    r.checkInvariants();
  });

  it('reconcile calls EC2 only on mismatch and force-removes addresses EC2 no longer has', async () => {
    const r = await rig({ IPAMD_RECONCILE_INTERVAL_MS: '1000' });
    await r.ticks(1);
    const c = await r.addPod();
    const d0 = r.aws.count('DescribeNetworkInterfaces');
    await r.ticks(3, 2000);
    expect(r.aws.count('DescribeNetworkInterfaces')).toBe(d0); // IMDS agreed: no EC2 call
    const held = r.ds.lookup({ networkName: 'aws-cni', containerId: c, ifName: 'eth0' })!;
    await r.aws.unassignPrivateIpAddresses(r.aws.primaryEniId, { ips: [held.address] });
    await r.pool.reconcile();
    expect(r.ds.lookup({ networkName: 'aws-cni', containerId: c, ifName: 'eth0' })).toBeUndefined();
    expect(r.metrics.get('awscni_force_removed_ips')).toBe(1);
    expect(r.metrics.get('awscni_reconcile_count', { fn: 'eniIPPoolReconcileDel' })).toBe(1);
  });

  // With EC2's detach delay (1.5 s, under upstream's 2 s pause) the delete still succeeds at the first call.
  it.each([0, 1500])(
    'an ENI that never shows up in IMDS is detached and deleted, not leaked (EC2 detach delay %i ms)',
    async (detachDelayMs) => {
      const r = await rig({ IPAMD_IMDS_WAIT_MS: '2000' }, 'm5.large', 10 ** 9);
      r.aws.detachDelayMs = detachDelayMs;
      await r.ticks(1);
      for (let i = 0; i < 5; i++) await r.addPod();
      await r.pool.tick();
      expect(r.aws.count('CreateNetworkInterface')).toBe(1);
      expect(r.aws.count('DetachNetworkInterface')).toBe(1);
      expect(r.aws.count('DeleteNetworkInterface')).toBe(1);
      expect([...r.aws.enis.values()].length).toBe(1);
    },
  );

  it('DISABLE_NETWORK_RESOURCE_PROVISIONING never calls EC2 to allocate', async () => {
    const r = await rig({ DISABLE_NETWORK_RESOURCE_PROVISIONING: 'true' });
    await r.ticks(5);
    expect(r.aws.totalCalls()).toBe(0);
    await expect(r.svc.add({ networkName: 'aws-cni', containerId: 'x', ifName: 'eth0' })).rejects.toThrow(
      /no available IP address/,
    );
  });
});

describe('PoolManager release after a quiet period (IPAMD_RELEASE_QUIET_MS)', () => {
  it.each([
    ['0', true],
    ['120000', false],
  ])('IPAMD_RELEASE_QUIET_MS=%s: released within a minute of the last growth: %s', async (quiet, early) => {
    const r = await rig({ WARM_IP_TARGET: '1', IP_COOLDOWN_PERIOD: '0', IPAMD_RELEASE_QUIET_MS: quiet });
    await r.ticks(1);
    for (let i = 0; i < 6; i++) await r.addPod();
    await r.ticks(1);
    for (let i = 0; i < 6; i++) await r.delPod();
    await r.ticks(12, 5000); // one minute
    expect(r.aws.count('UnassignPrivateIpAddresses') > 0).toBe(early);
    await r.ticks(24, 5000); // two more minutes: quiet long enough either way
    expect(r.aws.count('UnassignPrivateIpAddresses')).toBeGreaterThan(0);
    r.checkInvariants();
  });
});

describe('PoolManager subnets for new ENIs', () => {
  it('asks for the subnets at each ENI creation and moves past a full one', async () => {
    let asked = 0;
    const r = await rig({ WARM_IP_TARGET: '12' }, 'm5.large', 0, async () => {
      asked++;
      return ['subnet-0full', r.aws.subnet.id];
    });
    r.aws.failNext('CreateNetworkInterface', 'InsufficientFreeAddressesInSubnet');
    await r.ticks(2);
    expect(asked).toBe(1);
    expect(r.aws.count('CreateNetworkInterface')).toBe(2);
    expect(r.stats().enis).toBe(2);
    r.checkInvariants();
  });
});

describe('PoolManager housekeeping', () => {
  it('tags managed secondary ENIs that lack the instance tag, and leaves available ENIs to the leaked-ENI job', async () => {
    const clock = new InstantClock();
    const aws = new FakeAws({ instanceType: 'm5.large', clock });
    // An untagged ENI attached at device 1, and a leaked (available) ENI created by this instance.
    const untagged = await aws.createNetworkInterface({
      subnetId: aws.subnet.id,
      securityGroupIds: [],
      description: 'manual',
      secondaryIpCount: 2,
      tags: {},
    });
    await aws.attachNetworkInterface(untagged.id, aws.instanceId, 1);
    const leaked = await aws.createNetworkInterface({
      subnetId: aws.subnet.id,
      securityGroupIds: [],
      description: `aws-K8S-${aws.instanceId}`,
      tags: { 'node.k8s.amazonaws.com/instance_id': aws.instanceId },
    });
    const foreign = await aws.createNetworkInterface({
      subnetId: aws.subnet.id,
      securityGroupIds: [],
      description: 'aws-K8S-i-other',
      tags: { 'node.k8s.amazonaws.com/instance_id': 'i-other' },
    });
    const config = loadConfig({});
    const id = await aws.imds.identity();
    const node = {
      identity: id,
      limits: aws.limits,
      vpcId: aws.vpcId,
      vpcCidrs: [],
      primaryEniId: aws.primaryEniId,
      primarySubnetId: aws.subnet.id,
      securityGroupIds: [],
    };
    const ds = new Datastore({ prefixMode: false, cooldownMs: 0 });
    const pool = new PoolManager({
      config,
      node,
      datastore: ds,
      ec2: aws,
      imds: aws.imds,
      clock,
      logger: new MemoryLogger(),
      metrics: new MemoryMetrics(),
      hostNetwork: new NoopHostNetwork(),
      commit: async () => {},
    });
    await pool.discover();
    expect(aws.enis.get(untagged.id)!.tags['node.k8s.amazonaws.com/instance_id']).toBe(aws.instanceId);
    expect(ds.cidrsOf(untagged.id)).toHaveLength(2);
    // Deleting leaked ENIs is LeakedEniCleanupJob's (eni-hygiene), run by the daemon after discover().
    expect(aws.enis.has(leaked.id)).toBe(true);
    expect(aws.enis.has(foreign.id)).toBe(true);
  });
});

describe('PoolManager discovery with lagging IMDS (upstream #3887)', () => {
  it('takes an ENI attached in EC2 but not yet in IMDS, so restored pods keep their addresses', async () => {
    const clock = new InstantClock();
    const aws = new FakeAws({ instanceType: 'm5.large', clock, imdsLagMs: 3_600_000 });
    const eni = await aws.createNetworkInterface({
      subnetId: aws.subnet.id,
      securityGroupIds: [],
      description: `aws-K8S-${aws.instanceId}`,
      secondaryIpCount: 3,
      tags: { 'node.k8s.amazonaws.com/instance_id': aws.instanceId },
    });
    await aws.attachNetworkInterface(eni.id, aws.instanceId, 1);
    expect((await aws.imds.interfaces()).map((i) => i.eniId)).toEqual([aws.primaryEniId]);
    const id = await aws.imds.identity();
    const node = {
      identity: id,
      limits: aws.limits,
      vpcId: aws.vpcId,
      vpcCidrs: [],
      primaryEniId: aws.primaryEniId,
      primarySubnetId: aws.subnet.id,
      securityGroupIds: [],
    };
    const ds = new Datastore({ prefixMode: false, cooldownMs: 0 });
    const pool = new PoolManager({
      config: loadConfig({}),
      node,
      datastore: ds,
      ec2: aws,
      imds: aws.imds,
      clock,
      logger: new MemoryLogger(),
      metrics: new MemoryMetrics(),
      hostNetwork: new NoopHostNetwork(),
      commit: async () => {},
    });
    await pool.discover();
    expect(ds.hasEni(eni.id)).toBe(true);
    expect(
      ds.restore({
        key: { networkName: 'aws-cni', containerId: 'c', ifName: 'eth0' },
        ipv4: eni.secondaryIps[0]!,
        allocationTimestampNs: '1',
        metadata: {},
      }),
    ).toBe(true);
  });
});

describe('PoolManager on a cordoned node', () => {
  it.each([
    ['false', 0],
    ['true', 1],
  ])('AWS_MANAGE_ENIS_NON_SCHEDULABLE=%s: %i EC2 assign calls while unschedulable', async (flag, calls) => {
    const clock = new InstantClock();
    const aws = new FakeAws({ instanceType: 'm5.large', clock });
    const id = await aws.imds.identity();
    const node = {
      identity: id,
      limits: aws.limits,
      vpcId: aws.vpcId,
      vpcCidrs: [],
      primaryEniId: aws.primaryEniId,
      primarySubnetId: aws.subnet.id,
      securityGroupIds: [],
    };
    const ds = new Datastore({ prefixMode: false, cooldownMs: 0 });
    const pool = new PoolManager({
      config: loadConfig({ AWS_MANAGE_ENIS_NON_SCHEDULABLE: flag }),
      node,
      datastore: ds,
      ec2: aws,
      imds: aws.imds,
      clock,
      logger: new MemoryLogger(),
      metrics: new MemoryMetrics(),
      hostNetwork: new NoopHostNetwork(),
      commit: async () => {},
      nodeStatus: { isSchedulable: () => false },
    });
    await pool.discover();
    await pool.tick();
    expect(aws.count('AssignPrivateIpAddresses')).toBe(calls);
  });
});
