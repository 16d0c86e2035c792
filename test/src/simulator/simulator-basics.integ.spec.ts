import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';

import { ec2ClientFor, imdsClientFor } from './sdk-clients';
import { type Scenario, type Simulator, startSimulator } from './index';

describe('simulator basics through the real SDK', () => {
  let sim: Simulator;
  let ec2: EC2Client;
  beforeAll(async () => {
    const scenario: Scenario = {};
    sim = await startSimulator(scenario, { host: '127.0.0.1', ec2Port: 0, imdsPort: 0 });
    ec2 = ec2ClientFor(sim);
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.stop();
  });

  it('describes the default m5.large with its primary ENI attached at device 0', async () => {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [sim.instanceId] }));
    const inst = out.Reservations?.[0]?.Instances?.[0];
    expect(inst?.InstanceId).toBe(sim.instanceId);
    expect(inst?.InstanceType).toBe('m5.large');
    expect(inst?.State?.Name).toBe('running');
    expect(inst?.PrivateIpAddress).toMatch(/^10\.99\./);
    const enis = inst?.NetworkInterfaces ?? [];
    expect(enis).toHaveLength(1);
    expect(enis[0].Attachment).toMatchObject({ DeviceIndex: 0, Status: 'attached', DeleteOnTermination: true });
    expect(enis[0].NetworkInterfaceId).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(enis[0].MacAddress).toMatch(/^02(:[0-9a-f]{2}){5}$/);
  });

  it('answers IMDS with the same instance through the IMDSv2 token flow', async () => {
    const md = imdsClientFor(sim.imdsEndpoint);
    expect(await md.request('/latest/meta-data/instance-id', {})).toBe(sim.instanceId);
    expect(await md.request('/latest/meta-data/instance-type', {})).toBe('m5.large');
    expect(await md.request('/latest/meta-data/placement/region', {})).toBe('us-west-2');
    const mac = await md.request('/latest/meta-data/mac', {});
    expect(await md.request('/latest/meta-data/network/interfaces/macs/', {})).toBe(`${mac}/`);
    expect(await md.request(`/latest/meta-data/network/interfaces/macs/${mac}/device-number`, {})).toBe('0');
  });
});
