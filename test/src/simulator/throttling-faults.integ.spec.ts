import {
  AssignPrivateIpAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

import { ManualClock } from './clock';
import { ec2ClientFor } from './sdk-clients';
import { ec2Failure } from './sdk-test-helpers';
import { type Simulator, startSimulator } from './simulator';

describe('throttling (token buckets), faults, latency, counters', () => {
  let sim: Simulator;
  let ec2: EC2Client;
  let clock: ManualClock;
  let primary: string;

  beforeAll(async () => {
    clock = new ManualClock();
    sim = await startSimulator(
      {
        throttling: {
          describe: { size: 10, refillPerSecond: 2 },
          unfilteredDescribe: { size: 3, refillPerSecond: 1 },
          mutating: { size: 5, refillPerSecond: 1 },
          actions: { AssignPrivateIpAddresses: { size: 4, refillPerSecond: 4 } },
        },
        timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 },
      },
      { clock },
    );
    ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
    primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.stop();
  });
  beforeEach(() => {
    sim.controls.resetBuckets();
    sim.resetCalls();
  });

  const describeEni = (): Promise<unknown> =>
    ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));

  it('a burst beyond the bucket gets RequestLimitExceeded (503) and recovers at the refill rate', async () => {
    const results = [];
    for (let i = 0; i < 14; i++)
      results.push(
        await describeEni().then(
          () => 'ok',
          (e: { name: string; $metadata: { httpStatusCode: number } }) => `${e.name}/${e.$metadata.httpStatusCode}`,
        ),
      );
    expect(results.filter((r) => r === 'ok')).toHaveLength(10);
    expect(results.slice(10)).toEqual(Array(4).fill('RequestLimitExceeded/503'));
    clock.advance(499);
    expect((await ec2Failure(describeEni())).code).toBe('RequestLimitExceeded');
    clock.advance(1);
    await describeEni(); // 2 per second: one token after 500 ms
    expect((await ec2Failure(describeEni())).code).toBe('RequestLimitExceeded');
    clock.advance(1000);
    await describeEni();
    await describeEni();
    expect((await ec2Failure(describeEni())).code).toBe('RequestLimitExceeded');
    expect(sim.callStats().DescribeNetworkInterfaces).toMatchObject({ total: 20, ok: 13, throttled: 7 });
  });

  it('unfiltered describes have their own, smaller bucket', async () => {
    for (let i = 0; i < 3; i++) await ec2.send(new DescribeInstancesCommand({}));
    expect((await ec2Failure(ec2.send(new DescribeInstancesCommand({})))).code).toBe('RequestLimitExceeded');
    await ec2.send(new DescribeInstancesCommand({ InstanceIds: [sim.instanceId] })); // filtered: other bucket
  });

  it('an action with its own bucket does not drain the class bucket', async () => {
    for (let i = 0; i < 4; i++)
      await ec2.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 1 }),
      );
    expect(
      (
        await ec2Failure(
          ec2.send(
            new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 1 }),
          ),
        )
      ).code,
    ).toBe('RequestLimitExceeded');
    expect(sim.controls.bucketLevels()).toMatchObject({ 'action:AssignPrivateIpAddresses': 0 });
    expect(sim.controls.bucketLevels()['class:mutating']).toBeUndefined();
  });

  it('the bucket is account-wide: two instances drain the same one', async () => {
    const other = sim.addInstance('c5.large', 'node-b');
    for (let i = 0; i < 5; i++)
      await ec2.send(new DescribeInstancesCommand({ InstanceIds: [i % 2 ? other.instanceId : sim.instanceId] }));
    for (let i = 0; i < 5; i++)
      await ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'attachment.instance-id', Values: [other.instanceId] }],
        }),
      );
    expect((await ec2Failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [other.instanceId] })))).code).toBe(
      'RequestLimitExceeded',
    );
  });

  it('SDK retries ride out throttling once tokens come back', async () => {
    sim.setThrottling({ describe: { size: 1, refillPerSecond: 1000 } });
    const retrying = ec2ClientFor(sim, { maxAttempts: 5 });
    await retrying.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));
    const p = retrying.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));
    setTimeout(() => clock.advance(10), 50);
    const out = await p;
    expect(out.$metadata.attempts).toBeGreaterThan(1);
    retrying.destroy();
    sim.setThrottling(false);
  });

  it('injected faults fail exactly the next N calls of the action, with the code and status', async () => {
    sim.setThrottling(false);
    sim.injectFault({ action: 'AssignPrivateIpAddresses', code: 'UnauthorizedOperation', count: 2 });
    const call = (): Promise<unknown> =>
      ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 1 }));
    expect(await ec2Failure(call())).toMatchObject({ code: 'UnauthorizedOperation', status: 403 });
    await describeEni(); // other actions unaffected
    expect(await ec2Failure(call())).toMatchObject({ code: 'UnauthorizedOperation' });
    await call();
    sim.injectFault({ action: '*', code: 'InternalError', count: 1 });
    expect(await ec2Failure(describeEni())).toMatchObject({ code: 'InternalError', status: 500 });
    await describeEni();
    expect(sim.callStats().AssignPrivateIpAddresses).toMatchObject({ total: 3, faulted: 2, ok: 1 });
    expect(sim.calls()).toMatchObject({ AssignPrivateIpAddresses: 3, DescribeNetworkInterfaces: 3 });
  });

  it('latency per action delays the answer', async () => {
    sim.setThrottling(false);
    sim.setLatency('DescribeNetworkInterfaces', 150);
    let t0 = Date.now();
    await describeEni();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    t0 = Date.now();
    await ec2.send(new DescribeInstancesCommand({ InstanceIds: [sim.instanceId] }));
    expect(Date.now() - t0).toBeLessThan(140);
    sim.setLatency('DescribeNetworkInterfaces', 0);
  });
});

describe('control API over HTTP JSON', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ throttling: false });
  });
  afterAll(() => sim.stop());

  const ctl = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const r = await fetch(`${sim.controlEndpoint}${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };

  it('inspects state, counts calls, injects faults, sets latency and timing, adds instances', async () => {
    const state = await ctl('GET', '/state');
    expect((state.json.instances as { instanceId: string }[])[0].instanceId).toBe(sim.instanceId);
    expect((state.json.subnets as unknown[]).length).toBe(3);
    const ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
    await ctl('POST', '/faults', { action: 'DescribeInstances', code: 'RequestLimitExceeded', count: 1 });
    expect(await ec2Failure(ec2.send(new DescribeInstancesCommand({})))).toMatchObject({
      code: 'RequestLimitExceeded',
      status: 503,
    });
    await ec2.send(new DescribeInstancesCommand({}));
    const calls = await ctl('GET', '/calls');
    expect(calls.json.calls).toMatchObject({ DescribeInstances: { total: 2, ok: 1, faulted: 1 } });
    await ctl('POST', '/calls/reset');
    expect((await ctl('GET', '/calls')).json.calls).toEqual({});
    expect((await ctl('POST', '/latency', { action: '*', ms: 5 })).json.latency).toEqual({ '*': 5 });
    expect((await ctl('POST', '/timing', { imdsLagMs: 0 })).json.timing).toMatchObject({ imdsLagMs: 0 });
    const added = await ctl('POST', '/instances', { instanceType: 't3.medium', subnet: 'node-b' });
    expect(added.json).toMatchObject({ instanceType: 't3.medium', availabilityZone: 'us-west-2b' });
    const di = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [added.json.instanceId as string] }));
    expect(di.Reservations?.[0].Instances?.[0].InstanceType).toBe('t3.medium');
    const eni = await ctl('GET', `/network-interfaces/${added.json.primaryEniId as string}`);
    expect(eni.json).toMatchObject({ status: 'in-use', privateIpAddress: added.json.primaryIp });
    expect((await ctl('POST', `/instances/${added.json.instanceId as string}/terminate`)).status).toBe(200);
    ec2.destroy();
  });

  it('bad control requests get 400/404 with an error, not a crash', async () => {
    expect(await ctl('POST', '/faults', { action: 'X' })).toMatchObject({
      status: 400,
      json: { error: expect.stringContaining('code') },
    });
    expect(await ctl('POST', '/instances', { instanceType: 'm5.gigantic' })).toMatchObject({
      status: 400,
      json: { code: 'InvalidInstanceType' },
    });
    expect(await ctl('GET', '/nope')).toMatchObject({ status: 404 });
    const r = await fetch(`${sim.controlEndpoint}/faults`, { method: 'POST', body: '{not json' });
    expect(r.status).toBe(400);
  });
});
