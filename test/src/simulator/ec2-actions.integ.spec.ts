import {
  AssignIpv6AddressesCommand,
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateTagsCommand,
  DeleteNetworkInterfaceCommand,
  DescribeInstancesCommand,
  DescribeInstanceTypesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DetachNetworkInterfaceCommand,
  type EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
  paginateDescribeNetworkInterfaces,
  UnassignIpv6AddressesCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';

import { ManualClock } from './clock';
import { ec2ClientFor, imdsClientFor } from './sdk-clients';
import { ec2Failure } from './sdk-test-helpers';
import { type Simulator, startSimulator } from './simulator';

describe('EC2 actions through @aws-sdk/client-ec2', () => {
  let sim: Simulator;
  let ec2: EC2Client;
  let clock: ManualClock;
  let podSubnet: string;
  let nodeSubnet: string;
  let vpcId: string;

  beforeAll(async () => {
    clock = new ManualClock();
    sim = await startSimulator(
      {
        throttling: false,
        securityGroups: ['sg-0000000000000a001', 'sg-0000000000000b002'],
        timing: { attachDelayMs: 1000, detachDelayMs: 1000, imdsLagMs: 0 },
      },
      { clock },
    );
    ec2 = ec2ClientFor(sim);
    podSubnet = sim.state.resolveSubnet('pods-a')!.subnetId;
    nodeSubnet = sim.state.resolveSubnet('node-a')!.subnetId;
    vpcId = sim.state.resolveSubnet('pods-a')!.vpcId;
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.stop();
  });

  it('DescribeInstanceTypes reports the table limits, incl. network cards', async () => {
    const out = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: ['m5.large', 'p5.48xlarge'] }));
    const byType = Object.fromEntries((out.InstanceTypes ?? []).map((t) => [t.InstanceType, t]));
    expect(byType['m5.large'].NetworkInfo).toMatchObject({
      MaximumNetworkInterfaces: 3,
      Ipv4AddressesPerInterface: 10,
      DefaultNetworkCardIndex: 0,
    });
    expect(byType['m5.large'].Hypervisor).toBe('nitro');
    expect(byType['p5.48xlarge'].NetworkInfo?.NetworkCards).toHaveLength(32);
    const all = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 100 }));
    expect(all.InstanceTypes).toHaveLength(100);
    expect(all.NextToken).toBeDefined();
  });

  it('DescribeSubnets by id and by vpc-id + availability-zone + tag filters', async () => {
    const byId = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [podSubnet] }));
    expect(byId.Subnets?.[0]).toMatchObject({
      SubnetId: podSubnet,
      CidrBlock: '10.99.16.0/20',
      AvailabilityZone: 'us-west-2a',
      VpcId: vpcId,
    });
    expect(byId.Subnets?.[0].Ipv6CidrBlockAssociationSet?.[0].Ipv6CidrBlock).toBe('fd99:0:0:ff01::/64');
    const inZone = await ec2.send(
      new DescribeSubnetsCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'availability-zone', Values: ['us-west-2a'] },
        ],
      }),
    );
    expect(inZone.Subnets?.map((s) => s.CidrBlock).sort()).toEqual(['10.99.0.0/20', '10.99.16.0/20']);
    const tagged = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'tag:kubernetes.io/role/cni', Values: ['1'] }] }),
    );
    expect(tagged.Subnets?.map((s) => s.SubnetId)).toEqual([podSubnet]);
    const byKey = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'tag-key', Values: ['kubernetes.io/role/cni'] }] }),
    );
    expect(byKey.Subnets).toHaveLength(1);
  });

  it('creates, attaches (attaching -> attached), modifies, tags, detaches and deletes an ENI', async () => {
    const created = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: podSubnet,
        Description: `aws-K8S-${sim.instanceId}`,
        Groups: ['sg-0000000000000b002'],
        SecondaryPrivateIpAddressCount: 3,
        TagSpecifications: [
          {
            ResourceType: 'network-interface',
            Tags: [{ Key: 'node.k8s.amazonaws.com/instance_id', Value: sim.instanceId }],
          },
        ],
      }),
    );
    const eni = created.NetworkInterface!;
    const eniId = eni.NetworkInterfaceId!;
    expect(eniId).toMatch(/^eni-[0-9a-f]{17}$/);
    expect(eni).toMatchObject({
      Status: 'available',
      SubnetId: podSubnet,
      VpcId: vpcId,
      Description: `aws-K8S-${sim.instanceId}`,
    });
    expect(eni.Groups).toEqual([{ GroupId: 'sg-0000000000000b002', GroupName: 'sg-0000000000000b002' }]);
    expect(eni.PrivateIpAddresses).toHaveLength(4);
    expect(eni.PrivateIpAddresses?.[0].Primary).toBe(true);
    expect(eni.TagSet).toEqual([{ Key: 'node.k8s.amazonaws.com/instance_id', Value: sim.instanceId }]);

    const att = await ec2.send(
      new AttachNetworkInterfaceCommand({
        NetworkInterfaceId: eniId,
        InstanceId: sim.instanceId,
        DeviceIndex: 1,
        NetworkCardIndex: 0,
      }),
    );
    expect(att.AttachmentId).toMatch(/^eni-attach-[0-9a-f]{17}$/);
    let d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(d.NetworkInterfaces?.[0].Attachment).toMatchObject({
      Status: 'attaching',
      DeviceIndex: 1,
      InstanceId: sim.instanceId,
      DeleteOnTermination: false,
    });
    clock.advance(1000);
    d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(d.NetworkInterfaces?.[0].Attachment?.Status).toBe('attached');
    expect(d.NetworkInterfaces?.[0].Status).toBe('in-use');

    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: eniId,
        Attachment: { AttachmentId: att.AttachmentId, DeleteOnTermination: true },
      }),
    );
    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: eniId,
        Groups: ['sg-0000000000000a001', 'sg-0000000000000b002'],
      }),
    );
    await ec2.send(
      new CreateTagsCommand({
        Resources: [eniId],
        Tags: [{ Key: 'node.k8s.amazonaws.com/createdAt', Value: '2026-01-01T00:00:00Z' }],
      }),
    );
    d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(d.NetworkInterfaces?.[0].Attachment?.DeleteOnTermination).toBe(true);
    expect(d.NetworkInterfaces?.[0].Groups?.map((g) => g.GroupId)).toEqual([
      'sg-0000000000000a001',
      'sg-0000000000000b002',
    ]);
    expect(d.NetworkInterfaces?.[0].TagSet).toHaveLength(2);

    const inst = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [sim.instanceId] }));
    expect(inst.Reservations?.[0].Instances?.[0].NetworkInterfaces?.map((n) => n.Attachment?.DeviceIndex)).toEqual([
      0, 1,
    ]);

    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId }));
    d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(d.NetworkInterfaces?.[0].Attachment?.Status).toBe('detaching');
    expect(await ec2Failure(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })))).toMatchObject({
      code: 'InvalidNetworkInterface.InUse',
      status: 400,
    });
    clock.advance(1000);
    d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
    expect(d.NetworkInterfaces?.[0].Status).toBe('available');
    expect(d.NetworkInterfaces?.[0].Attachment).toBeUndefined();
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    expect(
      await ec2Failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))),
    ).toMatchObject({
      code: 'InvalidNetworkInterfaceID.NotFound',
    });
  });

  it('ModifyNetworkInterfaceAttribute: Description and SourceDestCheck', async () => {
    const primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: primary, Description: { Value: 'node eni' } }),
    );
    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: primary, SourceDestCheck: { Value: false } }),
    );
    const d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));
    expect(d.NetworkInterfaces?.[0]).toMatchObject({ Description: 'node eni', SourceDestCheck: false });
  });

  it('many instances, each with its own IMDS view, served concurrently', async () => {
    const nodes = Array.from({ length: 40 }, (_, i) =>
      sim.addInstance(i % 2 ? 't3.large' : 'c5.large', i % 2 ? 'node-a' : 'node-b'),
    );
    const ids = await Promise.all(
      nodes.map((n) => imdsClientFor(n.imdsEndpoint).request('/latest/meta-data/instance-id', {})),
    );
    expect(ids).toEqual(nodes.map((n) => n.instanceId));
    const out = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-type', Values: ['t3.large'] }] }),
    );
    expect(out.Reservations).toHaveLength(20);
    for (const n of nodes) sim.terminateInstance(n.instanceId);
  });

  it('eventual consistency: a new ENI is NotFound to Describe for describeLagMs', async () => {
    sim.setTiming({ describeLagMs: 2000 });
    try {
      const { NetworkInterface: eni } = await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: nodeSubnet,
          TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'fresh', Value: '1' }] }],
        }),
      );
      const id = eni!.NetworkInterfaceId!;
      expect(
        await ec2Failure(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }))),
      ).toMatchObject({ code: 'InvalidNetworkInterfaceID.NotFound' });
      const byTag = (): Promise<unknown[]> =>
        ec2
          .send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'tag:fresh', Values: ['1'] }] }))
          .then((o) => o.NetworkInterfaces ?? []);
      expect(await byTag()).toHaveLength(0);
      clock.advance(2000);
      expect(await byTag()).toHaveLength(1);
      await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
    } finally {
      sim.setTiming({ describeLagMs: 0 });
    }
  });

  it('Force detach completes at once', async () => {
    const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: nodeSubnet }));
    const att = await ec2.send(
      new AttachNetworkInterfaceCommand({
        NetworkInterfaceId: eni!.NetworkInterfaceId,
        InstanceId: sim.instanceId,
        DeviceIndex: 2,
      }),
    );
    clock.advance(1000);
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId, Force: true }));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni!.NetworkInterfaceId }));
  });

  it('assigns and unassigns secondary IPs and /28 prefixes', async () => {
    const primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
    const a = await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, SecondaryPrivateIpAddressCount: 2 }),
    );
    expect(a.AssignedPrivateIpAddresses).toHaveLength(2);
    const specific = await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, PrivateIpAddresses: ['10.99.0.200'] }),
    );
    expect(specific.AssignedPrivateIpAddresses).toEqual([{ PrivateIpAddress: '10.99.0.200' }]);
    const p = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, Ipv4PrefixCount: 2 }));
    expect(p.AssignedIpv4Prefixes?.map((x) => x.Ipv4Prefix)).toEqual(['10.99.0.16/28', '10.99.0.32/28']);
    const ps = await ec2.send(
      new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, Ipv4Prefixes: ['10.99.1.0/28'] }),
    );
    expect(ps.AssignedIpv4Prefixes).toEqual([{ Ipv4Prefix: '10.99.1.0/28' }]);
    let d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));
    expect(d.NetworkInterfaces?.[0].PrivateIpAddresses).toHaveLength(4);
    expect(d.NetworkInterfaces?.[0].Ipv4Prefixes).toHaveLength(3);
    await ec2.send(
      new UnassignPrivateIpAddressesCommand({
        NetworkInterfaceId: primary,
        PrivateIpAddresses: a.AssignedPrivateIpAddresses!.map((x) => x.PrivateIpAddress!),
      }),
    );
    await ec2.send(
      new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: primary, PrivateIpAddresses: ['10.99.0.200'] }),
    );
    await ec2.send(
      new UnassignPrivateIpAddressesCommand({
        NetworkInterfaceId: primary,
        Ipv4Prefixes: ['10.99.0.16/28', '10.99.0.32/28', '10.99.1.0/28'],
      }),
    );
    d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));
    expect(d.NetworkInterfaces?.[0].PrivateIpAddresses).toHaveLength(1);
    expect(d.NetworkInterfaces?.[0].Ipv4Prefixes ?? []).toHaveLength(0);
  });

  it('assigns and unassigns IPv6 addresses and /80 prefixes; creates ENIs with IPv6', async () => {
    const primary = sim.state.instances.get(sim.instanceId)!.primaryEniId;
    const a = await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: primary, Ipv6AddressCount: 2 }));
    expect(a.AssignedIpv6Addresses).toEqual(['fd99:0:0:ff00::4', 'fd99:0:0:ff00::5']);
    const p = await ec2.send(new AssignIpv6AddressesCommand({ NetworkInterfaceId: primary, Ipv6PrefixCount: 1 }));
    expect(p.AssignedIpv6Prefixes).toEqual(['fd99:0:0:ff00:1::/80']);
    const d = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary] }));
    expect(d.NetworkInterfaces?.[0].Ipv6Prefixes).toEqual([{ Ipv6Prefix: 'fd99:0:0:ff00:1::/80' }]);
    expect(d.NetworkInterfaces?.[0].Ipv6Addresses?.map((x) => x.Ipv6Address)).toEqual([
      'fd99:0:0:ff00::4',
      'fd99:0:0:ff00::5',
    ]);
    const u = await ec2.send(
      new UnassignIpv6AddressesCommand({ NetworkInterfaceId: primary, Ipv6Prefixes: ['fd99:0:0:ff00:1::/80'] }),
    );
    expect(u.UnassignedIpv6Prefixes).toEqual(['fd99:0:0:ff00:1::/80']);
    const u2 = await ec2.send(
      new UnassignIpv6AddressesCommand({ NetworkInterfaceId: primary, Ipv6Addresses: a.AssignedIpv6Addresses }),
    );
    expect(u2.UnassignedIpv6Addresses).toHaveLength(2);
    const c = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: podSubnet, Ipv6AddressCount: 1, Ipv6PrefixCount: 1 }),
    );
    expect(c.NetworkInterface?.Ipv6Addresses).toHaveLength(1);
    expect(c.NetworkInterface?.Ipv6Prefixes?.[0].Ipv6Prefix).toMatch(/^fd99:0:0:ff01:\w+::\/80$/);
    const c4 = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: podSubnet, Ipv4PrefixCount: 2 }));
    expect(c4.NetworkInterface?.Ipv4Prefixes).toHaveLength(2);
    for (const e of [c, c4])
      await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: e.NetworkInterface!.NetworkInterfaceId }));
  });

  it('DescribeNetworkInterfaces filters: attachment.instance-id, tag:*, tag-key, status, subnet-id, vpc-id', async () => {
    const tag = { Key: 'node.k8s.amazonaws.com/instance_id', Value: 'i-leaked00000000000' };
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: podSubnet,
          Description: 'aws-K8S-i-leaked',
          TagSpecifications: [
            {
              ResourceType: 'network-interface',
              Tags: [tag, { Key: 'cluster.k8s.amazonaws.com/name', Value: i === 0 ? 'blue' : 'green' }],
            },
          ],
        }),
      );
      made.push(c.NetworkInterface!.NetworkInterfaceId!);
    }
    const q = async (Filters: { Name: string; Values: string[] }[]): Promise<string[]> =>
      ((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters }))).NetworkInterfaces ?? [])
        .map((n) => n.NetworkInterfaceId!)
        .sort();
    expect(await q([{ Name: 'attachment.instance-id', Values: [sim.instanceId] }])).toEqual([
      sim.state.instances.get(sim.instanceId)!.primaryEniId,
    ]);
    expect(
      await q([
        { Name: 'tag-key', Values: [tag.Key] },
        { Name: 'status', Values: ['available'] },
        { Name: 'vpc-id', Values: [vpcId] },
      ]),
    ).toEqual([...made].sort());
    expect(await q([{ Name: 'tag:cluster.k8s.amazonaws.com/name', Values: ['green'] }])).toEqual(made.slice(1).sort());
    expect(
      await q([
        { Name: 'subnet-id', Values: [podSubnet] },
        { Name: 'status', Values: ['in-use'] },
      ]),
    ).toEqual([]);
    expect(await q([{ Name: 'description', Values: ['aws-K8S-*'] }])).toEqual([...made].sort());
    for (const id of made) await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
  });

  it('paginates DescribeNetworkInterfaces with MaxResults/NextToken (the SDK paginator walks every page)', async () => {
    const made: string[] = [];
    for (let i = 0; i < 23; i++) {
      const c = await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: nodeSubnet,
          TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'page', Value: 'yes' }] }],
        }),
      );
      made.push(c.NetworkInterface!.NetworkInterfaceId!);
    }
    const first = await ec2.send(
      new DescribeNetworkInterfacesCommand({ MaxResults: 5, Filters: [{ Name: 'tag:page', Values: ['yes'] }] }),
    );
    expect(first.NetworkInterfaces).toHaveLength(5);
    expect(first.NextToken).toBeDefined();
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeNetworkInterfaces(
      { client: ec2, pageSize: 5 },
      { Filters: [{ Name: 'tag:page', Values: ['yes'] }] },
    )) {
      pages++;
      seen.push(...(page.NetworkInterfaces ?? []).map((n) => n.NetworkInterfaceId!));
    }
    expect(pages).toBe(5);
    expect(seen.sort()).toEqual([...made].sort());
    for (const id of made) await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: id }));
  });

  it('CreateTags and DescribeTags on instances, subnets, ENIs', async () => {
    await ec2.send(
      new CreateTagsCommand({
        Resources: [sim.instanceId, podSubnet],
        Tags: [{ Key: 'eks:cluster-name', Value: 'demo' }],
      }),
    );
    const t = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-id', Values: [sim.instanceId] },
          { Name: 'key', Values: ['eks:cluster-name'] },
        ],
      }),
    );
    expect(t.Tags).toEqual([
      { Key: 'eks:cluster-name', ResourceId: sim.instanceId, ResourceType: 'instance', Value: 'demo' },
    ]);
    const bySubnet = await ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-type', Values: ['subnet'] },
          { Name: 'key', Values: ['eks:*'] },
        ],
      }),
    );
    expect(bySubnet.Tags?.map((x) => x.ResourceId)).toEqual([podSubnet]);
    const di = await ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:eks:cluster-name', Values: ['demo'] }] }),
    );
    expect(di.Reservations?.[0].Instances?.[0].InstanceId).toBe(sim.instanceId);
  });
});
