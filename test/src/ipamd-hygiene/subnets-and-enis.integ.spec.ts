// SPDX-License-Identifier: Apache-2.0
/**
 * Subnet discovery, ENI tags, no_manage and the leaked-ENI job against the AWS simulator, through the real
 * @aws-sdk/client-ec2, with EC2 call counts.
 */
import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DescribeNetworkInterfacesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

import { silentLogger, type Clock } from '@vpc-cni-ts/ipamd';
import {
  eniCreationTags,
  eniManagement,
  LeakedEniCleanupJob,
  managedEniTags,
  rfc3339,
  SdkHygieneApi,
  tagManagedEnis,
  TAG_CLUSTER_NAME,
  TAG_CREATED_AT,
  TAG_INSTANCE_ID,
  TAG_NO_MANAGE,
} from '@vpc-cni-ts/ipamd/eni-hygiene';
import { PromMetrics } from '@vpc-cni-ts/ipamd/metrics';
import { toEc2Error } from '@vpc-cni-ts/ipamd/adapters';
import { inFirstSubnetWithRoom, SdkSubnetDirectory, SubnetDiscovery } from '@vpc-cni-ts/ipamd/subnets';

import { ec2ClientFor, SIM_CREDENTIALS, startSimulator, type Simulator } from '../simulator';

const ROLE = 'kubernetes.io/role/cni';
const CL = 'cni.networking.k8s.aws/cluster/';

/** A clock the test sets by hand; sleeps return at once. */
class TestClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
  random(): number {
    return 0;
  }
  async sleep(): Promise<void> {}
}

let sim: Simulator;
let ec2: EC2Client;
let vpcId: string;
let az: string;
let primarySubnetId: string;
const subnetId = (name: string) => sim.state.resolveSubnet(name)!.subnetId;

beforeAll(async () => {
  sim = await startSimulator({
    throttling: false,
    timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 },
    vpcs: [
      {
        cidrBlocks: ['10.99.0.0/16'],
        subnets: [
          { name: 'node-a', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/20' },
          { name: 'pods-big', availabilityZone: 'us-west-2a', cidrBlock: '10.99.16.0/20', tags: { [ROLE]: '1' } },
          { name: 'pods-small', availabilityZone: 'us-west-2a', cidrBlock: '10.99.32.0/25', tags: { [ROLE]: '1' } },
          { name: 'excluded', availabilityZone: 'us-west-2a', cidrBlock: '10.99.33.0/24', tags: { [ROLE]: '0' } },
          { name: 'untagged', availabilityZone: 'us-west-2a', cidrBlock: '10.99.34.0/23' },
          {
            name: 'theirs',
            availabilityZone: 'us-west-2a',
            cidrBlock: '10.99.36.0/24',
            tags: { [ROLE]: '1', [`${CL}dev`]: '1' },
          },
          {
            name: 'mine',
            availabilityZone: 'us-west-2a',
            cidrBlock: '10.99.37.0/24',
            tags: { [ROLE]: '1', [`${CL}prod`]: '1' },
          },
          { name: 'node-b', availabilityZone: 'us-west-2b', cidrBlock: '10.99.48.0/20', tags: { [ROLE]: '1' } },
        ],
      },
    ],
    instances: [{ instanceType: 'm5.4xlarge', subnet: 'node-a' }],
  });
  ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
  const inst = sim.state.instances.get(sim.instanceId)!;
  vpcId = inst.vpcId;
  az = inst.availabilityZone;
  primarySubnetId = inst.subnetId;
});
afterAll(async () => {
  ec2?.destroy();
  await sim?.stop();
});
beforeEach(() => {
  sim.clearFaults();
  sim.resetCalls();
});

function discovery(clusterName: string, enableSubnetDiscovery = true, metrics?: PromMetrics) {
  const directory = new SdkSubnetDirectory({ client: ec2, metrics });
  return {
    directory,
    d: new SubnetDiscovery({
      directory,
      logger: silentLogger,
      node: { vpcId, availabilityZone: az, primarySubnetId },
      config: { enableSubnetDiscovery, clusterName },
    }),
  };
}

describe('subnet discovery against the simulator', () => {
  it('orders eligible subnets of the AZ by free addresses with one DescribeSubnets call', async () => {
    const { d } = discovery('');
    const sel = await d.eniSubnets();
    expect(sel.source).toBe('discovery');
    // mine and theirs are both /24s with the same free count: ties go by subnet id.
    const tie = [subnetId('mine'), subnetId('theirs')].sort();
    expect(sel.subnetIds).toEqual([subnetId('pods-big'), primarySubnetId, ...tie, subnetId('pods-small')]);
    expect(sel.verdicts[subnetId('excluded')]).toEqual({ eligible: false, reason: 'tagged-0' });
    expect(sel.verdicts[subnetId('untagged')]).toEqual({ eligible: false, reason: 'not-tagged' });
    expect(sel.verdicts[subnetId('node-b')]).toBeUndefined(); // other AZ: filtered by EC2
    expect(sim.calls()).toEqual({ DescribeSubnets: 1 });
  });

  it('CLUSTER_NAME drops subnets tagged for another cluster', async () => {
    const sel = await discovery('prod').d.eniSubnets();
    expect(sel.subnetIds).toEqual([subnetId('pods-big'), primarySubnetId, subnetId('mine'), subnetId('pods-small')]);
  });

  it('discovery disabled: the primary subnet, no EC2 call', async () => {
    const sel = await discovery('', false).d.eniSubnets();
    expect(sel.subnetIds).toEqual([primarySubnetId]);
    expect(sim.calls()).toEqual({});
  });

  it('missing DescribeSubnets permission falls back to the primary subnet', async () => {
    sim.injectFault({ action: 'DescribeSubnets', code: 'UnauthorizedOperation', count: 1, httpStatus: 403 });
    const sel = await discovery('').d.eniSubnets();
    expect(sel).toMatchObject({ subnetIds: [primarySubnetId], source: 'fallback' });
    expect(sim.calls()).toEqual({ DescribeSubnets: 1 });
    const metrics = new PromMetrics({ defaultCollectors: false });
    sim.injectFault({ action: 'DescribeSubnets', code: 'UnauthorizedOperation', count: 1, httpStatus: 403 });
    await discovery('', true, metrics).d.eniSubnets();
    await discovery('', true, metrics).d.eniSubnets();
    expect(await metrics.value('awscni_ec2api_req_count', { fn: 'DescribeSubnets' })).toBe(2);
    expect(await metrics.value('awscni_ec2api_error_count', { fn: 'DescribeSubnets' })).toBe(1);
    expect(
      await metrics.value('awscni_aws_api_error_count', { api: 'DescribeSubnets', error: 'UnauthorizedOperation' }),
    ).toBe(1);
    const lat = (await metrics.registry.getSingleMetric('awscni_aws_api_latency_ms')!.get()).values;
    const count = (error: string, status: string) =>
      lat.find(
        (v) =>
          (v as { metricName?: string }).metricName === 'awscni_aws_api_latency_ms_count' &&
          v.labels.error === error &&
          v.labels.status === status &&
          v.labels.api === 'DescribeSubnets',
      )?.value;
    expect(count('true', '403')).toBe(1);
    expect(count('false', '200')).toBe(1);
  });

  it('ENIs in a 0-tagged subnet are excluded for pod IPs; unknown subnets are not', async () => {
    const ex = await discovery('').d.excludedEnis([
      { id: 'eni-a', subnetId: subnetId('excluded') },
      { id: 'eni-b', subnetId: primarySubnetId },
      { id: 'eni-c', subnetId: 'subnet-0aaaaaaaaaaaaaaaa' },
    ]);
    expect(ex).toEqual(['eni-a']);
  });

  it('creates the ENI in the next subnet when the best one is full, with upstream tags and description', async () => {
    const { d } = discovery('prod');
    const sel = await d.eniSubnets();
    sim.injectFault({ action: 'CreateNetworkInterface', code: 'InsufficientFreeAddressesInSubnet', count: 1 });
    const { tags, description } = eniCreationTags({
      instanceId: sim.instanceId,
      clusterName: 'prod',
      additionalTags: { team: 'net' },
      nowMs: Date.now(),
    });
    const r = await inFirstSubnetWithRoom(sel.subnetIds, async (SubnetId) => {
      try {
        return await ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId,
            Description: description,
            TagSpecifications: [
              { ResourceType: 'network-interface', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
            ],
          }),
        );
      } catch (e) {
        throw toEc2Error('CreateNetworkInterface', e);
      }
    });
    expect(r.subnetId).toBe(primarySubnetId); // pods-big was "full"
    expect(sim.calls()).toEqual({ DescribeSubnets: 1, CreateNetworkInterface: 2 });
    const id = r.result.NetworkInterface!.NetworkInterfaceId!;
    const got = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] })))
      .NetworkInterfaces![0]!;
    expect(got.Description).toBe(`aws-K8S-${sim.instanceId}`);
    expect(Object.fromEntries(got.TagSet!.map((t) => [t.Key, t.Value]))).toEqual({
      team: 'net',
      [TAG_INSTANCE_ID]: sim.instanceId,
      [TAG_CREATED_AT]: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      [TAG_CLUSTER_NAME]: 'prod',
      'eks:eni:owner': 'amazon-vpc-cni',
    });
  });
});

async function createEni(opts: {
  description: string;
  tags: Record<string, string>;
  subnet?: string;
}): Promise<string> {
  const r = await ec2.send(
    new CreateNetworkInterfaceCommand({
      SubnetId: subnetId(opts.subnet ?? 'pods-big'),
      Description: opts.description,
      TagSpecifications: [
        { ResourceType: 'network-interface', Tags: Object.entries(opts.tags).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return r.NetworkInterface!.NetworkInterfaceId!;
}

async function exists(id: string): Promise<boolean> {
  try {
    await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
    return true;
  } catch {
    return false;
  }
}

describe('ENI hygiene against the simulator', () => {
  it('no_manage and instance tags decide which attached ENIs ipamd manages', async () => {
    const noManage = await createEni({ description: 'user ENI', tags: { [TAG_NO_MANAGE]: 'true' }, subnet: 'node-a' });
    const mineId = await createEni({
      description: `aws-K8S-${sim.instanceId}`,
      tags: { [TAG_INSTANCE_ID]: sim.instanceId },
      subnet: 'node-a',
    });
    const foreign = await createEni({ description: 'someone', tags: {}, subnet: 'node-a' });
    let dev = 1;
    for (const id of [noManage, mineId, foreign])
      await ec2.send(
        new AttachNetworkInterfaceCommand({ NetworkInterfaceId: id, InstanceId: sim.instanceId, DeviceIndex: dev++ }),
      );
    const r = await ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [noManage, mineId, foreign] }),
    );
    const decide = (manageUntaggedEni: boolean) =>
      Object.fromEntries(
        r.NetworkInterfaces!.map((n) => [
          n.NetworkInterfaceId,
          eniManagement(
            {
              isPrimary: n.Attachment?.DeviceIndex === 0,
              interfaceType: n.InterfaceType,
              networkCard: n.Attachment?.NetworkCardIndex ?? 0,
              tags: Object.fromEntries((n.TagSet ?? []).map((t) => [t.Key!, t.Value ?? ''])),
            },
            { instanceId: sim.instanceId, manageUntaggedEni, enableMultiNic: false },
          ).managed,
        ]),
      );
    expect(decide(true)).toEqual({ [noManage]: false, [mineId]: true, [foreign]: true });
    expect(decide(false)).toEqual({ [noManage]: false, [mineId]: true, [foreign]: false });

    // Tag the managed ones that lack tags: one CreateTags for `foreign`, none for the already-tagged one.
    sim.resetCalls();
    const api = new SdkHygieneApi({ client: ec2 });
    const wanted = managedEniTags({ instanceId: sim.instanceId, clusterName: '' });
    const tagged = await tagManagedEnis(
      r
        .NetworkInterfaces!.filter((n) => n.NetworkInterfaceId !== noManage)
        .map((n) => ({
          id: n.NetworkInterfaceId!,
          tags: Object.fromEntries((n.TagSet ?? []).map((t) => [t.Key!, t.Value ?? ''])),
        })),
      wanted,
      { api, clock: new TestClock(Date.now()), logger: silentLogger },
    );
    expect(tagged).toEqual({ tagged: [foreign], failed: [] });
    expect(sim.calls()).toEqual({ CreateTags: 1 });
    expect(api.callCounts()).toEqual({ CreateTags: 1 });
  });

  it('leaked-ENI job: deletes old ones, tags undated ones, leaves young, foreign, attached and other-cluster ENIs', async () => {
    const me = sim.instanceId;
    const t0 = Date.now();
    const old = rfc3339(t0 - 3_600_000);
    // ENIs an earlier test created (a real leak: available, dated now) are deleted once 5 minutes old.
    const earlier = (await new SdkHygieneApi({ client: ec2 }).listLeakCandidates({ vpcId, clusterName: 'prod' })).map(
      (c) => c.id,
    );
    const ids = {
      old: await createEni({
        description: `aws-K8S-${me}`,
        tags: { [TAG_INSTANCE_ID]: me, [TAG_CREATED_AT]: old, [TAG_CLUSTER_NAME]: 'prod' },
      }),
      otherNode: await createEni({
        description: 'aws-K8S-i-0ther',
        tags: { [TAG_INSTANCE_ID]: 'i-0ther', [TAG_CREATED_AT]: old, [TAG_CLUSTER_NAME]: 'prod' },
      }),
      young: await createEni({
        description: `aws-K8S-${me}`,
        tags: { [TAG_INSTANCE_ID]: me, [TAG_CREATED_AT]: rfc3339(t0 - 60_000), [TAG_CLUSTER_NAME]: 'prod' },
      }),
      undated: await createEni({
        description: `aws-K8S-${me}`,
        tags: { [TAG_INSTANCE_ID]: me, [TAG_CLUSTER_NAME]: 'prod' },
      }),
      foreign: await createEni({
        description: 'my database ENI',
        tags: { [TAG_INSTANCE_ID]: me, [TAG_CREATED_AT]: old, [TAG_CLUSTER_NAME]: 'prod' },
      }),
      otherCluster: await createEni({
        description: `aws-K8S-${me}`,
        tags: { [TAG_INSTANCE_ID]: me, [TAG_CREATED_AT]: old, [TAG_CLUSTER_NAME]: 'dev' },
      }),
      attached: await createEni({
        description: `aws-K8S-${me}`,
        tags: { [TAG_INSTANCE_ID]: me, [TAG_CREATED_AT]: old, [TAG_CLUSTER_NAME]: 'prod' },
        subnet: 'node-a',
      }),
    };
    await ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: ids.attached, InstanceId: me, DeviceIndex: 5 }),
    );
    sim.resetCalls();

    const api = new SdkHygieneApi({
      region: sim.region,
      endpoint: sim.ec2Endpoint,
      credentials: { ...SIM_CREDENTIALS },
    });
    const clock = new TestClock(t0);
    const job = new LeakedEniCleanupJob({
      api,
      clock,
      logger: silentLogger,
      vpcId,
      clusterName: 'prod',
      switches: { ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false },
    });
    const r1 = await job.runOnce();
    expect([...r1.deleted].sort()).toEqual([ids.old, ids.otherNode].sort());
    expect(r1.tagged).toEqual([ids.undated]);
    expect(sim.calls()).toEqual({ DescribeNetworkInterfaces: 1, DeleteNetworkInterface: 2, CreateTags: 1 });
    expect(api.callCounts()).toEqual({ DescribeNetworkInterfaces: 1, DeleteNetworkInterface: 2, CreateTags: 1 });
    const tagsOf = async (id: string) =>
      Object.fromEntries(
        (
          await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))
        ).NetworkInterfaces![0]!.TagSet!.map((t) => [t.Key, t.Value]),
      );
    expect((await tagsOf(ids.undated))[TAG_CREATED_AT]).toBe(rfc3339(t0));

    // 6 minutes later the young and the freshly dated ENIs are old enough.
    sim.resetCalls();
    clock.t = t0 + 6 * 60_000;
    const r2 = await job.runOnce();
    expect([...r2.deleted].sort()).toEqual([ids.young, ids.undated, ...earlier].sort());
    expect(sim.calls()).toEqual({ DescribeNetworkInterfaces: 1, DeleteNetworkInterface: 2 + earlier.length });
    for (const k of ['old', 'otherNode', 'young', 'undated'] as const) expect(await exists(ids[k])).toBe(false);
    for (const k of ['foreign', 'otherCluster', 'attached'] as const) expect(await exists(ids[k])).toBe(true);

    // Nothing left to do: one describe, nothing else.
    sim.resetCalls();
    const r3 = await job.runOnce();
    expect(r3.deleted).toEqual([]);
    expect(sim.calls()).toEqual({ DescribeNetworkInterfaces: 1 });
    api.destroy();
  });

  it('without CLUSTER_NAME the job sees every cluster; a delete racing another node counts as done', async () => {
    const me = sim.instanceId;
    const old = rfc3339(Date.now() - 3_600_000);
    const a = await createEni({
      description: `aws-K8S-${me}`,
      tags: { [TAG_INSTANCE_ID]: me, [TAG_CREATED_AT]: old, [TAG_CLUSTER_NAME]: 'dev' },
    });
    const api = new SdkHygieneApi({ client: ec2 });
    // Another node deletes it between our describe and our delete.
    const racing = {
      listLeakCandidates: async (f: { vpcId: string; clusterName?: string }) => {
        const l = await api.listLeakCandidates(f);
        await api.deleteNetworkInterface(a);
        return l;
      },
      createTags: api.createTags.bind(api),
      deleteNetworkInterface: api.deleteNetworkInterface.bind(api),
    };
    const job = new LeakedEniCleanupJob({
      api: racing,
      clock: new TestClock(Date.now()),
      logger: silentLogger,
      vpcId,
      clusterName: '',
      switches: { ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false },
    });
    const r = await job.runOnce();
    expect(r.deleted).toContain(a);
    expect(r.failed).toEqual([]);
  });
});
