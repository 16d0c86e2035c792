// SPDX-License-Identifier: Apache-2.0
/** The EC2 adapter of ipamd through the real SDK against the simulator: shapes, error mapping, retries, counts. */
import { Ec2Error, MemoryLogger, MemoryMetrics, SystemClock } from '@vpc-cni-ts/ipamd';
import { SdkEc2Api } from '@vpc-cni-ts/ipamd/adapters/ec2';

import type { Simulator } from '../simulator';
import { simulator } from './harness';

describe('SdkEc2Api against the simulator', () => {
  let sim: Simulator;
  let api: SdkEc2Api;
  let metrics: MemoryMetrics;
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATOR0000000';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'simulator-secret';
    sim = await simulator({ instances: [{ instanceType: 'm5.4xlarge' }] });
    metrics = new MemoryMetrics();
    api = new SdkEc2Api(
      { region: sim.region, endpoint: sim.ec2Endpoint, httpTimeoutMs: 10_000, maxAttempts: 5 },
      new SystemClock(),
      metrics,
      new MemoryLogger(),
    );
  });
  afterAll(async () => {
    api.destroy();
    await sim.stop();
  });

  it('creates, attaches, fills, describes, releases and deletes an ENI in domain terms', async () => {
    const primaryId = sim.world.getInstance(sim.instanceId).primaryEniId;
    const [primary] = await api.describeNetworkInterfaces([primaryId]);
    expect(primary).toMatchObject({
      id: primaryId,
      deviceNumber: 0,
      isPrimary: true,
      secondaryIps: [],
      ipv4Prefixes: [],
    });
    const eni = await api.createNetworkInterface({
      subnetId: primary!.subnetId,
      securityGroupIds: primary!.securityGroupIds ?? [],
      description: 'aws-K8S-test',
      secondaryIpCount: 3,
      tags: { a: 'b' },
    });
    expect(eni.secondaryIps).toHaveLength(3);
    expect(eni.tags).toMatchObject({ a: 'b' });
    const att = await api.attachNetworkInterface(eni.id, sim.instanceId, 1);
    await api.setDeleteOnTermination(eni.id, att);
    const got = await api.assignPrivateIpAddresses(eni.id, { prefixCount: 2 });
    expect(got.prefixes).toHaveLength(2);
    expect(got.prefixes[0]).toMatch(/\/28$/);
    await api.unassignPrivateIpAddresses(eni.id, {
      ips: eni.secondaryIps.slice(0, 1),
      prefixes: got.prefixes.slice(0, 1),
    });
    const [after] = await api.describeNetworkInterfaces([eni.id]);
    expect(after).toMatchObject({
      secondaryIps: eni.secondaryIps.slice(1),
      ipv4Prefixes: got.prefixes.slice(1),
      attachmentId: att,
      deleteOnTermination: true,
    });
    await api.detachNetworkInterface(att);
    await new Promise((r) => setTimeout(r, 200));
    await api.deleteNetworkInterface(eni.id);
    await expect(api.describeNetworkInterfaces([eni.id])).rejects.toMatchObject({
      kind: 'not-found',
      code: 'InvalidNetworkInterfaceID.NotFound',
    });
    expect(api.callCounts()).toMatchObject({
      CreateNetworkInterface: 1,
      AttachNetworkInterface: 1,
      AssignPrivateIpAddresses: 1,
      UnassignPrivateIpAddresses: 2,
    });
  });

  it('retries throttling a few times with backoff, then reports it as throttled', async () => {
    sim.injectFault({ action: 'DescribeSubnets', code: 'RequestLimitExceeded', count: 2 });
    const before = api.callCounts().DescribeSubnets ?? 0;
    const primary = sim.world.getInstance(sim.instanceId);
    expect(await api.describeSubnet(primary.subnetId)).toMatchObject({ id: primary.subnetId });
    expect((api.callCounts().DescribeSubnets ?? 0) - before).toBe(3);
    sim.injectFault({ action: 'DescribeSubnets', code: 'RequestLimitExceeded', count: 5 });
    const err = await api.describeSubnet(primary.subnetId).catch((e) => e);
    expect(err).toBeInstanceOf(Ec2Error);
    expect(err).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded' });
    expect(metrics.get('awscni_ec2api_error_count', { fn: 'DescribeSubnets', error: 'RequestLimitExceeded' })).toBe(5);
  });

  it('maps capacity errors without retrying them', async () => {
    sim.injectFault({ action: 'AssignPrivateIpAddresses', code: 'InsufficientCidrBlocks', count: 1 });
    const before = api.callCounts().AssignPrivateIpAddresses ?? 0;
    const err = await api
      .assignPrivateIpAddresses(sim.world.getInstance(sim.instanceId).primaryEniId, { prefixCount: 1 })
      .catch((e) => e);
    expect(err).toMatchObject({ kind: 'no-contiguous-cidr', code: 'InsufficientCidrBlocks' });
    expect((api.callCounts().AssignPrivateIpAddresses ?? 0) - before).toBe(1);
  });

  it('describes an instance type (the fallback when the table lacks it)', async () => {
    expect(await api.describeInstanceType('m5.4xlarge')).toMatchObject({ eniLimit: 8, ipv4Limit: 30, nitro: true });
  });
});
