import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  type EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  UnassignIpv6AddressesCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';

import { ec2ClientFor } from './sdk-clients';
import { ec2Failure } from './sdk-test-helpers';
import { type Simulator, startSimulator } from './simulator';

const GHOST_ENI = 'eni-0123456789abcdef0';

describe('bad input gets EC2 error codes, never a crash', () => {
  let sim: Simulator;
  let ec2: EC2Client;
  let primary: string;
  let subnet: string;

  beforeAll(async () => {
    sim = await startSimulator({ throttling: false, timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 } });
    ec2 = ec2ClientFor(sim, { maxAttempts: 1 });
    primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
    subnet = sim.state.resolveSubnet('node-a')!.subnetId;
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.stop();
  });

  const raw = async (body: string): Promise<{ status: number; text: string }> => {
    const r = await fetch(sim.ec2Endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: r.status, text: await r.text() };
  };

  it('unknown action: InvalidAction in EC2 error XML', async () => {
    const r = await raw('Action=LaunchRockets&Version=2016-11-15');
    expect(r.status).toBe(400);
    expect(r.text).toMatch(
      /^<\?xml[^>]*>\s*<Response><Errors><Error><Code>InvalidAction<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/,
    );
    expect((await raw('Version=2016-11-15')).text).toContain('<Code>MissingAction</Code>');
    expect((await raw('%%%&&&==')).text).toContain('<Code>MissingAction</Code>');
  });

  it('missing and malformed parameters', async () => {
    const cases: [Promise<unknown>, string][] = [
      [ec2.send(new CreateNetworkInterfaceCommand({} as never)), 'MissingParameter'],
      [
        ec2.send(
          new AttachNetworkInterfaceCommand({ NetworkInterfaceId: primary, InstanceId: sim.instanceId } as never),
        ),
        'MissingParameter',
      ],
      [ec2.send(new DetachNetworkInterfaceCommand({} as never)), 'MissingParameter'],
      [ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary })), 'MissingParameter'],
      [ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: primary })), 'MissingParameter'],
      [ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: primary })), 'MissingParameter'],
      [ec2.send(new CreateTagsCommand({ Resources: [primary], Tags: [] })), 'MissingParameter'],
      [ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: primary })), 'MissingParameter'],
      [
        ec2.send(
          new AssignPrivateIpAddressesCommand({
            NetworkInterfaceId: primary,
            SecondaryPrivateIpAddressCount: 1,
            Ipv4PrefixCount: 1,
          }),
        ),
        'InvalidParameterCombination',
      ],
      [
        ec2.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: primary,
            Groups: ['sg-0000000000000a001'],
            Description: { Value: 'x' },
          }),
        ),
        'InvalidParameterCombination',
      ],
      [
        ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary], MaxResults: 5 })),
        'InvalidParameterCombination',
      ],
      [ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 2 })), 'InvalidParameterValue'],
      [ec2.send(new DescribeNetworkInterfacesCommand({ MaxResults: 5, NextToken: 'not-a-token' })), 'InvalidNextToken'],
      [
        ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
        'InvalidParameterValue',
      ],
      [
        ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
        'InvalidParameterValue',
      ],
      [
        ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, PrivateIpAddresses: ['10.99.0.999'] }),
        ),
        'InvalidParameterValue',
      ],
      [
        ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, PrivateIpAddresses: ['10.98.0.9'] }),
        ),
        'InvalidParameterValue',
      ],
      [
        ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, Ipv4Prefixes: ['10.99.0.48/27'] })),
        'InvalidParameterValue',
      ],
      [
        ec2.send(
          new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, PrivateIpAddresses: ['10.99.0.77'] }),
        ),
        'InvalidParameterValue',
      ],
      [
        ec2.send(
          new CreateNetworkInterfaceCommand({
            SubnetId: subnet,
            TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }],
          }),
        ),
        'InvalidParameterValue',
      ],
      [
        ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: ['sg-00000000000000bad'] })),
        'InvalidGroup.NotFound',
      ],
      [
        ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: ['default'] })),
        'InvalidGroupId.Malformed',
      ],
      [ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.gigantic' as never] })), 'InvalidInstanceType'],
    ];
    const got = await Promise.all(cases.map(([p]) => ec2Failure(p).then((f) => f.code)));
    expect(got).toEqual(cases.map(([, c]) => c));
    const r = await raw(
      'Action=AssignPrivateIpAddresses&Version=2016-11-15&NetworkInterfaceId=' +
        primary +
        '&SecondaryPrivateIpAddressCount=abc',
    );
    expect(r.text).toContain('<Code>InvalidParameterValue</Code>');
    expect((await raw('Action=DescribeNetworkInterfaces&Version=2016-11-15&Filter.1.Value.1=x')).text).toContain(
      '<Code>MissingParameter</Code>',
    );
  });

  it('unknown and malformed ids', async () => {
    const cases: [Promise<unknown>, string][] = [
      [
        ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [GHOST_ENI] })),
        'InvalidNetworkInterfaceID.NotFound',
      ],
      [
        ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-zzz'] })),
        'InvalidNetworkInterfaceID.Malformed',
      ],
      [
        ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: GHOST_ENI })),
        'InvalidNetworkInterfaceID.NotFound',
      ],
      [
        ec2.send(
          new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: GHOST_ENI, SecondaryPrivateIpAddressCount: 1 }),
        ),
        'InvalidNetworkInterfaceID.NotFound',
      ],
      [ec2.send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })), 'InvalidSubnetID.NotFound'],
      [
        ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: 'subnet-0123456789abcdef0' })),
        'InvalidSubnetID.NotFound',
      ],
      [ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: 'sub-1' })), 'InvalidSubnetID.Malformed'],
      [ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound'],
      [ec2.send(new DescribeInstancesCommand({ InstanceIds: ['instance-1'] })), 'InvalidInstanceID.Malformed'],
      [
        ec2.send(
          new AttachNetworkInterfaceCommand({
            NetworkInterfaceId: primary,
            InstanceId: 'i-0123456789abcdef0',
            DeviceIndex: 1,
          }),
        ),
        'InvalidInstanceID.NotFound',
      ],
      [
        ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: 'eni-attach-0123456789abcdef0' })),
        'InvalidAttachmentID.NotFound',
      ],
      [
        ec2.send(new CreateTagsCommand({ Resources: [GHOST_ENI], Tags: [{ Key: 'a', Value: 'b' }] })),
        'InvalidNetworkInterfaceID.NotFound',
      ],
      [ec2.send(new CreateTagsCommand({ Resources: ['ami-123'], Tags: [{ Key: 'a', Value: 'b' }] })), 'InvalidID'],
    ];
    const got = await Promise.all(cases.map(([p]) => ec2Failure(p).then((f) => f.code)));
    expect(got).toEqual(cases.map(([, c]) => c));
  });

  it('the primary ENI cannot be detached; DryRun answers DryRunOperation (412)', async () => {
    const attachmentId = sim.state.enis.get(primary)!.attachment!.attachmentId;
    expect(await ec2Failure(ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attachmentId })))).toMatchObject(
      { code: 'OperationNotPermitted' },
    );
    expect(await ec2Failure(ec2.send(new DescribeInstancesCommand({ DryRun: true })))).toMatchObject({
      code: 'DryRunOperation',
      status: 412,
    });
  });

  it('nothing above changed the world', () => {
    const eni = sim.state.enis.get(primary)!;
    expect(eni.secondaryIps).toEqual([]);
    expect(eni.ipv4Prefixes).toEqual([]);
    expect(sim.state.enis.size).toBe(1);
    expect(sim.callStats().AssignPrivateIpAddresses.ok).toBe(0);
  });
});
