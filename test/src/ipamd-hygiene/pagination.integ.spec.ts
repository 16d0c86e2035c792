// SPDX-License-Identifier: Apache-2.0
/** The hygiene and subnet adapters read every page (MaxResults 1000) from the simulator. */
import { silentLogger } from '@vpc-cni-ts/ipamd';
import {
  LeakedEniCleanupJob,
  rfc3339,
  SdkHygieneApi,
  TAG_CREATED_AT,
  TAG_INSTANCE_ID,
} from '@vpc-cni-ts/ipamd/eni-hygiene';
import { SdkSubnetDirectory } from '@vpc-cni-ts/ipamd/subnets';

import { ec2ClientFor, startSimulator, type Simulator } from '../simulator';

const SUBNETS = 1003;
const LEAKED = 1004;

let sim: Simulator;
beforeAll(async () => {
  const subnets = [
    { name: 'node-a', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/20' },
    {
      name: 'pods',
      availabilityZone: 'us-west-2a',
      cidrBlock: '10.99.16.0/20',
      tags: { 'kubernetes.io/role/cni': '1' },
    },
  ];
  // 1,003 /28 subnets in 10.99.32.0/19 .. (room for 2048): more than one DescribeSubnets page.
  for (let i = 0; i < SUBNETS - 2; i++) {
    const base = 32 * 256 + i * 16;
    subnets.push({
      name: `s${i}`,
      availabilityZone: 'us-west-2a',
      cidrBlock: `10.99.${Math.floor(base / 256)}.${base % 256}/28`,
    } as (typeof subnets)[number]);
  }
  sim = await startSimulator({
    throttling: false,
    vpcs: [{ cidrBlocks: ['10.99.0.0/16'], subnets }],
    instances: [{ instanceType: 'm5.large', subnet: 'node-a' }],
  });
  const pods = sim.state.resolveSubnet('pods')!.subnetId;
  const old = rfc3339(Date.now() - 3_600_000);
  for (let i = 0; i < LEAKED; i++)
    sim.state.createNetworkInterface({
      subnetId: pods,
      description: `aws-K8S-i-node${i % 7}`,
      tags: [
        { key: TAG_INSTANCE_ID, value: `i-node${i % 7}` },
        { key: TAG_CREATED_AT, value: old },
      ],
    });
}, 60_000);
afterAll(async () => {
  await sim?.stop();
});

it('DescribeSubnets: every page', async () => {
  const ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
  const dir = new SdkSubnetDirectory({ client: ec2 });
  const inst = sim.state.instances.get(sim.instanceId)!;
  sim.resetCalls();
  const all = await dir.describeSubnetsInAz(inst.vpcId, inst.availabilityZone);
  expect(all.length).toBe(SUBNETS);
  expect(new Set(all.map((s) => s.id)).size).toBe(SUBNETS);
  expect(sim.calls()).toEqual({ DescribeSubnets: 2 });
  expect(dir.callCounts()).toEqual({ DescribeSubnets: 2 });
  ec2.destroy();
});

it('leaked-ENI job: reads every page and deletes every old leaked ENI', async () => {
  const api = new SdkHygieneApi({ client: ec2ClientFor(sim, { maxAttempts: 1 }) });
  const inst = sim.state.instances.get(sim.instanceId)!;
  sim.resetCalls();
  const job = new LeakedEniCleanupJob({
    api,
    clock: { now: () => Date.now(), random: () => 0, sleep: async () => {} },
    logger: silentLogger,
    vpcId: inst.vpcId,
    clusterName: '',
    switches: { ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false },
  });
  const r = await job.runOnce();
  expect(r.candidates).toBe(LEAKED);
  expect(r.deleted.length).toBe(LEAKED);
  expect(sim.calls()).toEqual({ DescribeNetworkInterfaces: 2, DeleteNetworkInterface: LEAKED });
  sim.resetCalls();
  expect((await job.runOnce()).candidates).toBe(0);
  expect(sim.calls()).toEqual({ DescribeNetworkInterfaces: 1 });
}, 60_000);
