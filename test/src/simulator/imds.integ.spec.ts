import {
  AssignPrivateIpAddressesCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DetachNetworkInterfaceCommand,
  type EC2Client,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';

import { ManualClock } from './clock';
import { ec2ClientFor, imdsClientFor } from './sdk-clients';
import { type Simulator, startSimulator } from './simulator';

describe('IMDSv2', () => {
  let sim: Simulator;
  let ec2: EC2Client;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock();
    sim = await startSimulator(
      {
        throttling: false,
        securityGroups: ['sg-0000000000000a001', 'sg-0000000000000b002'],
        timing: { attachDelayMs: 500, detachDelayMs: 500, imdsLagMs: 2000 },
      },
      { clock },
    );
    ec2 = ec2ClientFor(sim);
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.stop();
  });

  const token = async (ttl = '60', base = sim.imdsEndpoint): Promise<Response> =>
    fetch(`${base}/latest/api/token`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } });

  it('token flow: PUT for a token, 401 without / with a bad / with an expired one, 400 for a bad TTL', async () => {
    const url = `${sim.imdsEndpoint}/latest/meta-data/instance-id`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { 'x-aws-ec2-metadata-token': 'forged' } })).status).toBe(401);
    const r = await token('60');
    expect(r.status).toBe(200);
    const t = await r.text();
    const ok = await fetch(url, { headers: { 'x-aws-ec2-metadata-token': t } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe(sim.instanceId);
    clock.advance(60_000);
    expect((await fetch(url, { headers: { 'x-aws-ec2-metadata-token': t } })).status).toBe(401);
    expect((await token('0')).status).toBe(400);
    expect((await token('21601')).status).toBe(400);
    expect((await fetch(`${sim.imdsEndpoint}/latest/api/token`, { method: 'PUT' })).status).toBe(400);
    expect((await fetch(`${sim.imdsEndpoint}/latest/api/token`)).status).toBe(405);
  });

  it('serves the instance and interface paths ipamd reads, with 404 where AWS has nothing', async () => {
    const md = imdsClientFor(sim.imdsEndpoint);
    const get = (p: string): Promise<string> => md.request(`/latest/meta-data/${p}`, {});
    const inst = sim.state.instances.get(sim.instanceId)!;
    const eni = sim.state.enis.get(inst.primaryEniId)!;
    const mac = eni.macAddress;
    expect(await get('instance-type')).toBe('m5.large');
    expect(await get('placement/availability-zone')).toBe('us-west-2a');
    expect(await get('placement/region')).toBe('us-west-2');
    expect(await get('local-ipv4')).toBe('10.99.0.4');
    expect(await get('mac')).toBe(mac);
    await expect(get('ipv6')).rejects.toThrow(/404/);
    const m = (f: string): Promise<string> => get(`network/interfaces/macs/${mac}/${f}`);
    expect(await m('device-number')).toBe('0');
    expect(await m('interface-id')).toBe(inst.primaryEniId);
    expect(await m('subnet-id')).toBe(inst.subnetId);
    expect(await m('vpc-id')).toBe(inst.vpcId);
    expect(await m('security-group-ids')).toBe('sg-0000000000000a001');
    expect(await m('local-ipv4s')).toBe('10.99.0.4');
    expect(await m('subnet-ipv4-cidr-block')).toBe('10.99.0.0/20');
    expect(await m('subnet-ipv6-cidr-blocks')).toBe('fd99:0:0:ff00::/64');
    expect(await m('vpc-ipv4-cidr-blocks')).toBe('10.99.0.0/16');
    expect(await m('vpc-ipv6-cidr-blocks')).toBe('fd99:0:0:ff00::/56');
    for (const f of ['ipv4-prefix', 'ipv6s', 'ipv6-prefix', 'network-card', 'no-such-field'])
      await expect(m(f)).rejects.toThrow(/404/);
    expect((await m('')).split('\n')).toEqual(
      expect.arrayContaining(['device-number', 'interface-id', 'local-ipv4s', 'subnet-id']),
    );
    expect((await m('')).split('\n')).not.toContain('ipv4-prefix');
    const doc = JSON.parse(await md.request('/latest/dynamic/instance-identity/document', {})) as Record<
      string,
      string
    >;
    expect(doc).toMatchObject({ instanceId: sim.instanceId, region: 'us-west-2', accountId: '123456789012' });
  });

  it('trails EC2 by the configured lag after attach, assign, SG change and detach', async () => {
    const md = imdsClientFor(sim.imdsEndpoint);
    const macs = async (): Promise<string[]> =>
      (await md.request('/latest/meta-data/network/interfaces/macs/', {})).split('\n');
    const podSubnet = sim.state.resolveSubnet('pods-a')!.subnetId;
    const { NetworkInterface: eni } = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: podSubnet, Ipv4PrefixCount: 1 }),
    );
    const eniId = eni!.NetworkInterfaceId!;
    const mac = eni!.MacAddress!;
    const att = await ec2.send(
      new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: sim.instanceId, DeviceIndex: 1 }),
    );
    clock.advance(500); // attached now
    expect(await macs()).toHaveLength(1);
    clock.advance(1999);
    expect(await macs()).toHaveLength(1);
    clock.advance(1);
    expect(await macs()).toEqual(expect.arrayContaining([`${mac}/`]));
    const m = (f: string): Promise<string> => md.request(`/latest/meta-data/network/interfaces/macs/${mac}/${f}`, {});
    expect(await m('device-number')).toBe('1');
    expect(await m('ipv4-prefix')).toBe(eni!.Ipv4Prefixes![0].Ipv4Prefix);
    expect(await m('subnet-ipv4-cidr-block')).toBe('10.99.16.0/20');

    await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, Ipv4PrefixCount: 1 }));
    await ec2.send(
      new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, Groups: ['sg-0000000000000b002'] }),
    );
    expect((await m('ipv4-prefix')).split('\n')).toHaveLength(1);
    expect(await m('security-group-ids')).toBe('sg-0000000000000a001');
    clock.advance(2000);
    expect((await m('ipv4-prefix')).split('\n')).toHaveLength(2);
    expect(await m('security-group-ids')).toBe('sg-0000000000000b002');

    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: att.AttachmentId }));
    clock.advance(500);
    expect(await macs()).toHaveLength(2);
    clock.advance(2000);
    expect(await macs()).toHaveLength(1);
  });

  it('many instances: per-instance views by path prefix or a dedicated server', async () => {
    const other = sim.addInstance('c5.xlarge', 'node-b');
    const byPrefix = imdsClientFor(other.imdsEndpoint);
    expect(await byPrefix.request('/latest/meta-data/instance-id', {})).toBe(other.instanceId);
    expect(await byPrefix.request('/latest/meta-data/placement/availability-zone', {})).toBe('us-west-2b');
    expect(await byPrefix.request('/latest/meta-data/local-ipv4', {})).toBe(other.primaryIp);
    const dedicated = imdsClientFor(await sim.startImdsFor(other.instanceId));
    expect(await dedicated.request('/latest/meta-data/mac', {})).toBe(other.mac);
    expect(await imdsClientFor(sim.imdsEndpoint).request('/latest/meta-data/instance-id', {})).toBe(sim.instanceId);
    await expect(
      imdsClientFor(`${sim.imdsEndpoint}/i-0123456789abcdef0`).request('/latest/meta-data/instance-id', {}),
    ).rejects.toThrow(/404/);
  });

  it('multi-card types expose network-card', async () => {
    const big = sim.addInstance('p5.48xlarge', 'node-a');
    clock.advance(2000);
    const md = imdsClientFor(big.imdsEndpoint);
    expect(await md.request(`/latest/meta-data/network/interfaces/macs/${big.mac}/network-card`, {})).toBe('0');
  });
});
