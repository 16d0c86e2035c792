import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';

import { ec2ClientFor } from './sdk-clients';
import { ec2Failure } from './sdk-test-helpers';
import { type Simulator, startSimulator } from './simulator';

describe('EC2 limits and capacity errors through the SDK', () => {
  let sim: Simulator;
  let ec2: EC2Client;
  let tiny: string;
  let small: string;
  let node: string;

  beforeAll(async () => {
    sim = await startSimulator({
      throttling: false,
      timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 },
      vpcs: [
        {
          cidrBlocks: ['10.99.0.0/16'],
          subnets: [
            { name: 'node', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/20' },
            { name: 'tiny', availabilityZone: 'us-west-2a', cidrBlock: '10.99.16.0/28' },
            { name: 'small', availabilityZone: 'us-west-2a', cidrBlock: '10.99.17.0/26' },
            { name: 'other-az', availabilityZone: 'us-west-2b', cidrBlock: '10.99.32.0/24' },
          ],
        },
      ],
      instances: [
        { instanceType: 'm5.large', subnet: 'node' },
        { instanceType: 'm4.large', subnet: 'node' },
      ],
    });
    ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
    tiny = sim.state.resolveSubnet('tiny')!.subnetId;
    small = sim.state.resolveSubnet('small')!.subnetId;
    node = sim.state.resolveSubnet('node')!.subnetId;
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.stop();
  });

  const createEni = async (SubnetId: string, extra: Record<string, unknown> = {}): Promise<string> =>
    (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId, ...extra }))).NetworkInterface!.NetworkInterfaceId!;

  it('PrivateIpAddressLimitExceeded past the per-ENI limit (m5.large: 10 slots, a prefix takes one)', async () => {
    const primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
    await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 5 }),
    );
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, Ipv4PrefixCount: 4 }));
    expect(
      await ec2Failure(
        ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 1 }),
        ),
      ),
    ).toMatchObject({
      code: 'PrivateIpAddressLimitExceeded',
      status: 400,
    });
    expect(
      await ec2Failure(
        ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, Ipv4PrefixCount: 1 })),
      ),
    ).toMatchObject({
      code: 'PrivateIpAddressLimitExceeded',
    });
    const eni = sim.state.enis.get(primary)!;
    expect(eni.secondaryIps).toHaveLength(5);
    expect(eni.ipv4Prefixes).toHaveLength(4);
  });

  it('attaching an ENI holding more addresses than the type allows fails', async () => {
    const eni = await createEni(node, { SecondaryPrivateIpAddressCount: 10 });
    expect(
      await ec2Failure(
        ec2.send(
          new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni, InstanceId: sim.instanceId, DeviceIndex: 1 }),
        ),
      ),
    ).toMatchObject({
      code: 'PrivateIpAddressLimitExceeded',
    });
  });

  it('a used device index is InvalidParameterValue; past the ENI limit is AttachmentLimitExceeded', async () => {
    const a = await createEni(node);
    const b = await createEni(node);
    const c = await createEni(node);
    expect(
      await ec2Failure(
        ec2.send(
          new AttachNetworkInterfaceCommand({ NetworkInterfaceId: a, InstanceId: sim.instanceId, DeviceIndex: 0 }),
        ),
      ),
    ).toMatchObject({
      code: 'InvalidParameterValue',
      message: expect.stringContaining('device index'),
    });
    await ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: a, InstanceId: sim.instanceId, DeviceIndex: 1 }),
    );
    await ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: b, InstanceId: sim.instanceId, DeviceIndex: 2 }),
    );
    expect(
      await ec2Failure(
        ec2.send(
          new AttachNetworkInterfaceCommand({ NetworkInterfaceId: c, InstanceId: sim.instanceId, DeviceIndex: 3 }),
        ),
      ),
    ).toMatchObject({
      code: 'AttachmentLimitExceeded',
    });
    expect(
      await ec2Failure(
        ec2.send(
          new AttachNetworkInterfaceCommand({ NetworkInterfaceId: a, InstanceId: sim.instanceId, DeviceIndex: 4 }),
        ),
      ),
    ).toMatchObject({
      code: 'InvalidNetworkInterface.InUse',
    });
    expect(
      await ec2Failure(
        ec2.send(
          new AttachNetworkInterfaceCommand({
            NetworkInterfaceId: c,
            InstanceId: sim.instanceId,
            DeviceIndex: 3,
            NetworkCardIndex: 1,
          }),
        ),
      ),
    ).toMatchObject({ code: 'InvalidParameterValue', message: expect.stringContaining('Network card index 1') });
  });

  it('an ENI from another zone cannot be attached', async () => {
    const far = await createEni(sim.state.resolveSubnet('other-az')!.subnetId);
    const other = [...sim.state.instances.keys()][1];
    expect(
      await ec2Failure(
        ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: far, InstanceId: other, DeviceIndex: 1 })),
      ),
    ).toMatchObject({
      code: 'InvalidParameterCombination',
    });
  });

  it('prefix delegation is refused on a non-Nitro type (m4.large)', async () => {
    const other = sim.state.instances.get([...sim.state.instances.keys()][1])!;
    expect(
      await ec2Failure(
        ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: other.primaryEniId, Ipv4PrefixCount: 1 })),
      ),
    ).toMatchObject({
      code: 'InvalidParameterValue',
      message: expect.stringContaining('Nitro'),
    });
  });

  it('a full subnet gives InsufficientFreeAddressesInSubnet (a /28 has 11 usable addresses)', async () => {
    const eni = await createEni(tiny, { SecondaryPrivateIpAddressCount: 9 });
    const s = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [tiny] }));
    expect(s.Subnets?.[0].AvailableIpAddressCount).toBe(1);
    expect(
      await ec2Failure(
        ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 2 })),
      ),
    ).toMatchObject({
      code: 'InsufficientFreeAddressesInSubnet',
      status: 400,
    });
    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: 1 }));
    expect(await ec2Failure(createEni(tiny))).toMatchObject({ code: 'InsufficientFreeAddressesInSubnet' });
  });

  it('fragmentation gives InsufficientCidrBlocks while addresses remain free', async () => {
    // /26 = 4 blocks of 16; reserved addresses sit in blocks 0 and 3
    const eni = await createEni(small); // takes .4 (block 0)
    const got = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, Ipv4PrefixCount: 2 }));
    expect(got.AssignedIpv4Prefixes?.map((p) => p.Ipv4Prefix)).toEqual(['10.99.17.16/28', '10.99.17.32/28']);
    expect(
      await ec2Failure(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, Ipv4PrefixCount: 1 }))),
    ).toMatchObject({
      code: 'InsufficientCidrBlocks',
    });
    const s = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [small] }));
    expect(s.Subnets?.[0].AvailableIpAddressCount).toBe(64 - 5 - 1 - 32);
    // free one prefix, take one single address inside it: still no whole /28
    await ec2.send(
      new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, Ipv4Prefixes: ['10.99.17.16/28'] }),
    );
    await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, PrivateIpAddresses: ['10.99.17.20'] }),
    );
    expect(
      await ec2Failure(ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, Ipv4PrefixCount: 1 }))),
    ).toMatchObject({
      code: 'InsufficientCidrBlocks',
    });
    expect(
      await ec2Failure(
        ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, Ipv4Prefixes: ['10.99.17.24/28'] })),
      ),
    ).toMatchObject({
      code: 'InvalidParameterValue',
    });
    expect(
      await ec2Failure(
        ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eni, PrivateIpAddresses: ['10.99.17.20'] })),
      ),
    ).toMatchObject({
      code: 'InvalidIPAddress.InUse',
    });
  });
});
