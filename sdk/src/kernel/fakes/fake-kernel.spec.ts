// SPDX-License-Identifier: Apache-2.0
import { type Kernel } from '../kernel-port';
import { HOST_NETNS, netnsByPath } from '../netns';
import { FakeKernel } from './fake-kernel';

/** The upstream regular-pod ADD, written against the port (what a plugin would do). */
async function podAdd(k: Kernel, podPath: string, hostVeth: string, ip: string, table: number): Promise<void> {
  const pod = netnsByPath(podPath);
  await k
    .batch(pod)
    .addVeth({ name: 'eth0', peerName: hostVeth, peerNetns: HOST_NETNS, peerMac: '02:aa:00:00:00:01', mtu: 9001 })
    .setLinkUp('eth0')
    .replaceRoute({ dst: '169.254.1.1', dev: 'eth0', scope: 'link' })
    .replaceRoute({ dst: 'default', via: '169.254.1.1', dev: 'eth0' })
    .addAddress({ dev: 'eth0', cidr: ip })
    .replaceNeighbour({ dev: 'eth0', ip: '169.254.1.1', mac: '02:aa:00:00:00:01' })
    .commit();
  const b = k
    .batch(HOST_NETNS)
    .setSysctl({ key: `net/ipv6/conf/${hostVeth}/accept_ra`, value: 0, optional: true })
    .setLinkUp(hostVeth)
    .replaceRoute({ dst: ip, dev: hostVeth, scope: 'link' })
    .addRule({ to: ip, table: 'main', priority: 512 }, { existOk: true });
  if (table !== 254) b.addRule({ from: ip, table, priority: 1536 }, { existOk: true });
  await b.commit();
}

describe('FakeKernel', () => {
  it('models the pod data plane across namespaces and is idempotent where the port promises it', async () => {
    const k = new FakeKernel();
    k.addNetnsAtPath('/var/run/cni/pod-1');
    await podAdd(k, '/var/run/cni/pod-1', 'eni1a2b3c4d5e6', '10.99.1.2', 3);
    const pod = netnsByPath('/var/run/cni/pod-1');
    expect(await k.getLink(HOST_NETNS, 'eni1a2b3c4d5e6')).toMatchObject({
      kind: 'veth',
      mac: '02:aa:00:00:00:01',
      mtu: 9001,
      up: true,
    });
    const snap = await k.snapshot(pod);
    expect(snap.neighbours).toEqual([
      { dev: 'eth0', ip: '169.254.1.1', family: 4, mac: '02:aa:00:00:00:01', state: ['PERMANENT'] },
    ]);
    expect(snap.routes.map((r) => `${r.dst} ${r.via ?? ''} ${r.scope}`)).toEqual([
      '169.254.1.1/32  link',
      'default 169.254.1.1 global',
    ]);
    const rules = () =>
      k.listRules(HOST_NETNS, 4).then((rs) => rs.filter((r) => r.priority === 512 || r.priority === 1536));
    expect(await rules()).toEqual([
      { family: 4, priority: 512, to: '10.99.1.2/32', table: 254 },
      { family: 4, priority: 1536, from: '10.99.1.2/32', table: 3 },
    ]);
    // The host side again (kubelet retry): rules are add-if-absent, routes replace.
    const again = await k
      .batch(HOST_NETNS)
      .replaceRoute({ dst: '10.99.1.2', dev: 'eni1a2b3c4d5e6', scope: 'link' })
      .addRule({ to: '10.99.1.2', table: 'main', priority: 512 }, { existOk: true })
      .commit();
    expect(again.tolerated).toBe(1);
    expect(await rules()).toHaveLength(2);
    // DEL: delete all "from" rules at 1536 and the 512 rule; deleting the pod netns takes the host veth with it.
    await k
      .batch(HOST_NETNS)
      .deleteRule({ to: '10.99.1.2', table: 'main', priority: 512 })
      .deleteRules({ from: '10.99.1.2', priority: 1536 })
      .commit();
    expect(await rules()).toEqual([]);
    k.removeNetns(pod);
    expect(await k.netnsExists(pod)).toBe(false);
    expect(await k.getLink(HOST_NETNS, 'eni1a2b3c4d5e6')).toBeUndefined();
    expect(await k.listRoutes(HOST_NETNS)).toEqual([]);
  });

  it("supports the VLAN (branch ENI) path that this machine's kernel cannot run (no 8021q)", async () => {
    const k = new FakeKernel();
    await k.batch(HOST_NETNS).addVeth({ name: 'eth1', peerName: 'eth1p' }).commit();
    await k
      .batch(HOST_NETNS)
      .addVlan({ name: 'vlan.eth.5', parent: 'eth1', vlanId: 5, mac: '0a:00:00:00:00:05' })
      .setSysctl({ key: 'net/ipv6/conf/vlan.eth.5/accept_ra', value: 0 })
      .setLinkUp('vlan.eth.5')
      .replaceRoute({ dst: '10.99.5.1', dev: 'vlan.eth.5', scope: 'link', table: 105 })
      .replaceRoute({ dst: 'default', via: '10.99.5.1', dev: 'vlan.eth.5', table: 105 })
      .addRule({ iif: 'vlan.eth.5', table: 105, priority: 10 })
      .commit();
    const parent = await k.getLink(HOST_NETNS, 'eth1');
    expect(await k.getLink(HOST_NETNS, 'vlan.eth.5')).toEqual({
      index: expect.any(Number),
      name: 'vlan.eth.5',
      mac: '0a:00:00:00:00:05',
      mtu: 1500,
      up: true,
      operState: 'UP',
      kind: 'vlan',
      linkIndex: parent!.index,
      vlanId: 5,
    });
    expect(await k.readSysctl(HOST_NETNS, 'net/ipv6/conf/vlan.eth.5/accept_ra')).toBe('0');
    expect(await k.listRoutes(HOST_NETNS, { table: 105 })).toHaveLength(2);
    await k.batch(HOST_NETNS).deleteLink('vlan.eth.5').deleteRules({ table: 105, priority: 10 }).commit();
    expect(await k.listRoutes(HOST_NETNS, { table: 105 })).toEqual([]);
    // Configured like this machine's kernel:
    const nov = new FakeKernel({ vlanSupported: false });
    await nov.batch(HOST_NETNS).addVeth({ name: 'eth1', peerName: 'eth1p' }).commit();
    await expect(
      nov.batch(HOST_NETNS).addVlan({ name: 'vlan.eth.5', parent: 'eth1', vlanId: 5 }).commit(),
    ).rejects.toMatchObject({ kind: 'not-supported' });
  });

  it('fails like the kernel: exists, not-found, stops at the first failure, names the operation', async () => {
    const k = new FakeKernel();
    const e = await k
      .batch(HOST_NETNS)
      .addVeth({ name: 'a', peerName: 'b' })
      .addAddress({ dev: 'a', cidr: '10.99.1.1/24' })
      .addAddress({ dev: 'a', cidr: '10.99.1.1/24' })
      .setLinkUp('a')
      .commit()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'exists', op: 'add address', object: '10.99.1.1/24 dev a', opIndex: 2 });
    expect((await k.getLink(HOST_NETNS, 'a'))?.up).toBe(false); // the rest did not run
    // Like the kernel: no connected route while the link is down; it appears with the link.
    expect(await k.listRoutes(HOST_NETNS)).toEqual([]);
    await k.batch(HOST_NETNS).setLinkUp('a').commit();
    expect(await k.listRoutes(HOST_NETNS)).toEqual([
      expect.objectContaining({ dst: '10.99.1.0/24', dev: 'a', scope: 'link', protocol: 'kernel' }),
    ]);
    await expect(k.batch(HOST_NETNS).setLinkUp('nope').commit()).rejects.toMatchObject({
      kind: 'not-found',
      message: 'set link nope up in host netns: cannot find device "nope"',
    });
    await expect(k.batch(HOST_NETNS).deleteRoute({ dst: '10.99.9.0/24', dev: 'a' }).commit()).rejects.toMatchObject({
      kind: 'not-found',
    });
    await expect(k.batch(netnsByPath('/proc/1/ns/net')).setLinkUp('lo').commit()).rejects.toMatchObject({
      kind: 'not-found',
    });
    await expect(
      k
        .batch(HOST_NETNS)
        .addVeth({ name: 'x', peerName: 'y', peerNetns: netnsByPath('/nope') })
        .commit(),
    ).rejects.toMatchObject({ kind: 'not-found' });
    k.failNext((op) => op.kind === 'route', 'failed', 'injected');
    await expect(k.batch(HOST_NETNS).replaceRoute({ dst: '10.99.2.0/24', dev: 'a' }).commit()).rejects.toMatchObject({
      kind: 'failed',
      detail: 'injected',
    });
    await k.batch(HOST_NETNS).replaceRoute({ dst: '10.99.2.0/24', dev: 'a' }).commit();
  });

  it('rename, move, MAC/MTU, lookups, sysctls with and without IPv6, DAD', async () => {
    const k = new FakeKernel({ ipv6: false, dadPolls: 2 });
    const other = await k.createNetns('other');
    await k
      .batch(HOST_NETNS)
      .addVeth({ name: 'a', peerName: 'b', mac: '02:00:00:00:00:0a' })
      .renameLink('a', 'c')
      .setLinkMtu('c', 1280)
      .moveLink('b', other)
      .commit();
    expect(await k.findLinkByMac(HOST_NETNS, '02:00:00:00:00:0A')).toMatchObject({ name: 'c', mtu: 1280 });
    const b = await k.getLink(other, 'b');
    expect(await k.findLinkByIndex(other, b!.index)).toMatchObject({ name: 'b', kind: 'veth' });
    await k.setSysctls(HOST_NETNS, [
      { key: 'net.ipv4.ip_forward', value: 1 },
      { key: 'net/ipv6/conf/c/accept_ra', value: 0, optional: true },
    ]);
    expect(await k.readSysctl(HOST_NETNS, 'net/ipv4/ip_forward')).toBe('1');
    expect(await k.readSysctl(HOST_NETNS, 'net/ipv6/conf/c/accept_ra')).toBeUndefined();
    await expect(k.setSysctls(HOST_NETNS, [{ key: 'net/ipv6/conf/c/accept_ra', value: 0 }])).rejects.toMatchObject({
      kind: 'not-found',
    });
    await k.batch(HOST_NETNS).addAddress({ dev: 'c', cidr: 'fd99::1/64' }).commit();
    expect((await k.listAddresses(HOST_NETNS, { family: 6 }))[0].tentative).toBe(true);
    await k.waitForDad(HOST_NETNS, { dev: 'c' });
    expect((await k.listAddresses(HOST_NETNS, { family: 6 }))[0].tentative).toBe(false);
    k.failDad(HOST_NETNS, 'c', 'fd99::1/64');
    await expect(k.waitForDad(HOST_NETNS)).rejects.toMatchObject({ kind: 'failed', op: 'wait for DAD' });
    await expect(k.createNetns('other')).rejects.toMatchObject({ kind: 'exists' });
    await k.deleteNetns('other');
    await k.deleteNetns('other', { missingOk: true });
    expect(await k.getLink(HOST_NETNS, 'c')).toBeUndefined(); // its peer went with the namespace
  });
});
