// SPDX-License-Identifier: Apache-2.0
import { BatchRecorder } from './batch-recorder';
import { ipBatchLine, netnsArg, planSteps } from './iproute2-commands';
import { HOST_NETNS, netnsByName, netnsByPath } from './netns';
import { type KernelOp } from './ops';

/** Records a batch and returns its operations (no kernel). */
function opsOf(build: (b: BatchRecorder) => void, ns = netnsByName('pod1')): KernelOp[] {
  let seen: readonly KernelOp[] = [];
  const b = new BatchRecorder(ns, async (_ns, ops) => {
    seen = ops;
    return { applied: ops.length, tolerated: 0, spawns: 0 };
  });
  build(b);
  void b.commit();
  return [...seen];
}

const lines = (ops: KernelOp[], ns = netnsByName('pod1')) => ops.map((o) => ipBatchLine(o, ns, 4242));

describe('ip batch lines', () => {
  it('a pod set-up batch', () => {
    const host = netnsByName('hostns');
    const ops = opsOf((b) =>
      b
        .addVeth({
          name: 'eth0',
          peerName: 'eni1a2b3c4d5e6',
          peerNetns: host,
          mac: '02:00:00:00:00:02',
          peerMac: '02:AA:00:00:00:01',
          mtu: 9001,
        })
        .setLinkUp('eth0')
        .replaceRoute({ dst: '169.254.1.1', dev: 'eth0', scope: 'link' })
        .replaceRoute({ dst: 'default', via: '169.254.1.1', dev: 'eth0' })
        .addAddress({ dev: 'eth0', cidr: '10.99.1.2/32' })
        .replaceNeighbour({ dev: 'eth0', ip: '169.254.1.1', mac: '02:aa:00:00:00:01' }),
    );
    expect(lines(ops)).toEqual([
      'link add eth0 address 02:00:00:00:00:02 mtu 9001 type veth peer name eni1a2b3c4d5e6 address 02:aa:00:00:00:01 mtu 9001 netns hostns',
      'link set dev eth0 up',
      'route replace 169.254.1.1/32 dev eth0 table main scope link',
      'route replace 0.0.0.0/0 via 169.254.1.1 dev eth0 table main',
      'addr add 10.99.1.2/32 dev eth0',
      'neigh replace 169.254.1.1 lladdr 02:aa:00:00:00:01 dev eth0 nud permanent',
    ]);
  });

  it('names the peer namespace by name, by path, or as our own (/proc/<pid>/ns/net)', () => {
    const pod = netnsByPath('/proc/77/ns/net');
    expect(netnsArg(netnsByName('a'), pod, 1)).toBe('a');
    expect(netnsArg(netnsByPath('/var/run/netns/cni-1'), pod, 1)).toBe('cni-1');
    expect(netnsArg(netnsByPath('/proc/99/ns/net'), pod, 1)).toBe('/proc/99/ns/net');
    expect(netnsArg(HOST_NETNS, pod, 4242)).toBe('/proc/4242/ns/net');
    expect(netnsArg(pod, pod, 1)).toBeUndefined();
    const ops = opsOf((b) => b.addVeth({ name: 'eth0', peerName: 'enix', peerNetns: HOST_NETNS }), pod);
    expect(lines(ops, pod)[0]).toBe('link add eth0 type veth peer name enix netns /proc/4242/ns/net');
  });

  it('links, addresses, routes, rules, neighbours', () => {
    const ops = opsOf((b) =>
      b
        .addIfb('ifb-eni1', { mtu: 1500 })
        .addVlan({ name: 'vlan.eth.5', parent: 'eth1', vlanId: 5, mac: '0A:00:00:00:00:05' })
        .renameLink('tmp0', 'eth9')
        .setLinkMtu('eth9', 9001)
        .setLinkMac('eth9', '02:00:00:00:00:09')
        .moveLink('eth9', netnsByPath('/proc/5/ns/net'))
        .setLinkDown('eth9')
        .deleteLink('eth9')
        .addAddress({ dev: 'eth1', cidr: 'FD99::2/64', scope: 'global', noDad: true, noPrefixRoute: true })
        .deleteAddress('eth1', '10.99.1.2')
        .addRoute({ dst: '10.99.1.0/24', via: '10.99.1.1', dev: 'eth1', table: 2, metric: 10, src: '10.99.1.5' })
        .replaceRoute({ dst: 'default', via: 'fe80::1', dev: 'eth1', table: 3 })
        .deleteRoute({ dst: '10.99.1.2', dev: 'eni1', table: 'main' })
        .replaceRoute({ dst: '10.99.0.1', type: 'local', dev: 'lo', table: 'local' })
        .addRule({ to: '10.99.1.2', table: 'main', priority: 512 })
        .addRule({ from: '10.99.1.2/32', table: 2, priority: 1536 })
        .addRule({ fwmark: 0x80, fwmask: 0x80, table: 'main', priority: 1024 })
        .deleteRule({ iif: 'vlan.eth.5', table: 105, priority: 10 })
        .deleteRules({ from: '10.99.1.2', priority: 1536 })
        .deleteNeighbour('eth0', '169.254.1.1'),
    );
    expect(lines(ops)).toEqual([
      'link add ifb-eni1 mtu 1500 type ifb',
      'link add link eth1 name vlan.eth.5 address 0a:00:00:00:00:05 type vlan id 5',
      'link set dev tmp0 name eth9',
      'link set dev eth9 mtu 9001',
      'link set dev eth9 address 02:00:00:00:00:09',
      'link set dev eth9 netns /proc/5/ns/net',
      'link set dev eth9 down',
      'link del dev eth9',
      'addr add fd99::2/64 dev eth1 scope global noprefixroute nodad',
      'addr del 10.99.1.2/32 dev eth1',
      'route add 10.99.1.0/24 via 10.99.1.1 dev eth1 table 2 src 10.99.1.5 metric 10',
      'route replace ::/0 via fe80::1 dev eth1 table 3',
      'route del 10.99.1.2/32 dev eni1 table main',
      'route replace local 10.99.0.1/32 dev lo table local',
      'rule add to 10.99.1.2/32 priority 512 table main',
      'rule add from 10.99.1.2/32 priority 1536 table 2',
      'rule add fwmark 0x80/0x80 priority 1024 table main',
      'rule del iif vlan.eth.5 priority 10 table 105',
      'rule flush from 10.99.1.2/32 priority 1536',
      'neigh del 169.254.1.1 dev eth0',
    ]);
  });

  it('splits a batch into ip / ip -6 / sysctl steps, keeping order', () => {
    const ops = opsOf((b) =>
      b
        .addVeth({ name: 'a', peerName: 'b' })
        .setSysctl({ key: 'net.ipv6.conf.b.accept_ra', value: 0, optional: true })
        .setSysctl({ key: 'net/ipv4/ip_forward', value: 1 })
        .setLinkUp('b')
        .addRule({ to: '10.99.1.2', table: 'main', priority: 512 })
        .addRule({ to: 'fd99::2', table: 'main', priority: 512 })
        .deleteRules({ family: 6, priority: 1536, table: 2 })
        .addRoute({ dst: 'fd99::2', dev: 'b' }),
    );
    expect(planSteps(ops).map((s) => [s.kind, s.first, s.ops.length])).toEqual([
      ['ip', 0, 1],
      ['sysctl', 1, 2],
      ['ip', 3, 2],
      ['ip6', 5, 2],
      ['ip', 7, 1],
    ]);
    expect(ops[1]).toMatchObject({ key: 'net/ipv6/conf/b/accept_ra', value: '0', optional: true });
  });

  it('refuses bad input when queued, before anything runs', () => {
    const b = new BatchRecorder(netnsByName('x'), async () => ({ applied: 0, tolerated: 0, spawns: 0 }));
    expect(() => b.addVeth({ name: 'eth0', peerName: 'this-name-is-too-long' })).toThrow(/longer than 15/);
    expect(() => b.addAddress({ dev: 'eth0', cidr: '10.99.1.2/33' })).toThrow(/not a valid CIDR/);
    expect(() => b.addRoute({ dst: '10.99.1.0/24' })).toThrow(/needs a device or a gateway/);
    expect(() => b.addRoute({ dst: '10.99.1.0/24', via: 'fd99::1' })).toThrow(/mixes IPv4 and IPv6/);
    expect(() => b.deleteRules({})).toThrow(/at least one selector/);
    expect(() => b.replaceNeighbour({ dev: 'eth0', ip: '169.254.1.1', mac: 'zz' })).toThrow(/not a MAC/);
    expect(() => b.addRule({ table: 'main', priority: -1 })).toThrow(/rule priority/);
    expect(() => b.setSysctl({ key: 'net/ipv4/ip_forward', value: '1\n2' })).toThrow(/sysctl value/);
    expect(() => b.addVlan({ name: 'v', parent: 'eth0', vlanId: 4095 })).toThrow(/VLAN id/);
    expect(b.size).toBe(0);
  });

  it('a batch commits once', async () => {
    const b = new BatchRecorder(netnsByName('x'), async (_n, ops) => ({
      applied: ops.length,
      tolerated: 0,
      spawns: 1,
    }));
    expect(await b.setLinkUp('lo').commit()).toEqual({ applied: 1, tolerated: 0, spawns: 1 });
    await expect(b.commit()).rejects.toMatchObject({ kind: 'invalid-argument' });
    expect(() => b.setLinkUp('lo')).toThrow(/already committed/);
    expect(
      await new BatchRecorder(netnsByName('x'), async () => ({ applied: 9, tolerated: 0, spawns: 9 })).commit(),
    ).toEqual({ applied: 0, tolerated: 0, spawns: 0 });
  });
});
