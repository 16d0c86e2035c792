// SPDX-License-Identifier: Apache-2.0
// Real kernel, root only: everything happens in throwaway namespaces (vct-kern-*), addresses 10.99.0.0/16 and
// fd99::/64. The real root namespace is not touched: a namespace made here plays "the host".
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';

import { type TempNetns, canPing, createTempNetns, isRoot } from '../testing/netns';
import { KernelError } from './errors';
import { IpRoute2Kernel } from './iproute2-kernel';
import { type KernelBatch } from './kernel-port';
import { HOST_NETNS, netnsByName } from './netns';

const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('iproute2-kernel.privileged.spec: skipped (needs root)');

const kernel = new IpRoute2Kernel();
const HOST_MAC = '02:99:00:00:00:01';
const POD_MAC = '02:99:00:00:00:02';

d('IpRoute2Kernel on a real kernel', () => {
  let host: TempNetns;
  let pod: TempNetns;

  beforeAll(async () => {
    host = await createTempNetns({ prefix: 'vct-kern' });
    pod = await createTempNetns({ prefix: 'vct-kern' });
  });
  afterAll(async () => {
    await pod?.destroy();
    await host?.destroy();
  });

  it('builds the pod data plane (veth born across namespaces, /32, on-link gateway, static ARP) and answers ping', async () => {
    // Pod side, one process: veth whose peer is born in the "host" namespace, with MACs and MTU set at creation.
    const podRes = await kernel
      .batch(pod.ref)
      .addVeth({
        name: 'eth0',
        peerName: 'enivct0a1b2c3',
        peerNetns: host.ref,
        mac: POD_MAC,
        peerMac: HOST_MAC,
        mtu: 1400,
      })
      .setLinkUp('eth0')
      .replaceRoute({ dst: '169.254.1.1/32', dev: 'eth0', scope: 'link' })
      .replaceRoute({ dst: 'default', via: '169.254.1.1', dev: 'eth0' })
      .addAddress({ dev: 'eth0', cidr: '10.99.1.2/32' })
      .replaceNeighbour({ dev: 'eth0', ip: '169.254.1.1', mac: HOST_MAC })
      .commit();
    expect(podRes).toEqual({ applied: 6, tolerated: 0, spawns: 1 });

    // Host side: sysctls before up (one process for a named netns), then link, route, rules (second process).
    const hostRes = await kernel
      .batch(host.ref)
      .setSysctl({ key: 'net/ipv6/conf/enivct0a1b2c3/accept_ra', value: 0, optional: true })
      .setSysctl({ key: 'net/ipv4/ip_forward', value: 1 })
      .setLinkUp('enivct0a1b2c3')
      .addAddress({ dev: 'lo', cidr: '10.99.0.1/32' })
      .replaceRoute({ dst: '10.99.1.2', dev: 'enivct0a1b2c3', scope: 'link' })
      .addRule({ to: '10.99.1.2', table: 'main', priority: 512 }, { existOk: true })
      .addRule({ from: '10.99.1.2', table: 2, priority: 1536 }, { existOk: true })
      .commit();
    expect(hostRes.spawns).toBe(2);

    const hostVeth = await kernel.getLink(host.ref, 'enivct0a1b2c3');
    expect(hostVeth).toMatchObject({ mac: HOST_MAC, mtu: 1400, up: true, kind: 'veth' });
    const snap = await kernel.snapshot(pod.ref);
    expect(snap.links.find((l) => l.name === 'eth0')).toMatchObject({ mac: POD_MAC, mtu: 1400, up: true });
    expect(snap.addresses).toContainEqual(expect.objectContaining({ dev: 'eth0', cidr: '10.99.1.2/32', family: 4 }));
    expect(snap.routes).toContainEqual(
      expect.objectContaining({ dst: 'default', via: '169.254.1.1', dev: 'eth0', table: 254, family: 4 }),
    );
    expect(snap.routes).toContainEqual(expect.objectContaining({ dst: '169.254.1.1/32', dev: 'eth0', scope: 'link' }));
    expect(snap.neighbours).toContainEqual(
      expect.objectContaining({ ip: '169.254.1.1', mac: HOST_MAC, state: ['PERMANENT'] }),
    );
    expect(await kernel.listRoutes(host.ref)).toContainEqual(
      expect.objectContaining({ dst: '10.99.1.2/32', dev: 'enivct0a1b2c3', scope: 'link' }),
    );

    expect(await canPing(host, '10.99.1.2', { from: '10.99.0.1', count: 2 })).toBe(true);
    expect(await canPing(host, '10.99.1.99', { from: '10.99.0.1' })).toBe(false); // nobody there: the check can fail
  });

  it('adds rules at fixed priorities twice without duplicates, deletes them exactly and by match', async () => {
    const rule512 = { to: '10.99.1.3', table: 'main', priority: 512 } as const;
    const rule1536 = { from: '10.99.1.3', table: 3, priority: 1536 } as const;
    for (let i = 0; i < 2; i++) {
      const r = await kernel
        .batch(host.ref)
        .addRule(rule512, { existOk: true })
        .addRule(rule1536, { existOk: true })
        .commit();
      expect(r.tolerated).toBe(i === 0 ? 0 : 2);
    }
    const mine = (await kernel.listRules(host.ref, 4)).filter(
      (r) => r.to === '10.99.1.3/32' || r.from === '10.99.1.3/32',
    );
    expect(mine).toEqual([
      { family: 4, priority: 512, to: '10.99.1.3/32', table: 254 },
      { family: 4, priority: 1536, from: '10.99.1.3/32', table: 3 },
    ]);
    // Without existOk the duplicate is an `exists` error naming the rule and the namespace.
    const dup = await kernel
      .batch(host.ref)
      .addRule(rule1536)
      .commit()
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(KernelError);
    expect(dup).toMatchObject({ kind: 'exists', opIndex: 0 });
    expect(String((dup as Error).message)).toBe(
      `add rule from 10.99.1.3/32 table 3 priority 1536 in netns ${host.name}: file exists`,
    );

    // Old layouts had several "from" rules at 1536: delete all matching in one line.
    await kernel
      .batch(host.ref)
      .addRule({ from: '10.99.1.3', table: 4, priority: 1536 })
      .addRule({ from: '10.99.1.3', table: 5, priority: 1536 })
      .commit();
    await kernel
      .batch(host.ref)
      .deleteRule(rule512)
      .deleteRules({ from: '10.99.1.3', priority: 1536 })
      .deleteRule(rule512, { missingOk: true })
      .commit();
    const left = (await kernel.listRules(host.ref, 4)).filter(
      (r) => r.to === '10.99.1.3/32' || r.from === '10.99.1.3/32',
    );
    expect(left).toEqual([]);
    const gone = await kernel
      .batch(host.ref)
      .deleteRule(rule512)
      .commit()
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ kind: 'not-found' });

    // IPv6 rules, fwmark and iif selectors (the IPv6 ones run in an `ip -6` step).
    const res = await kernel
      .batch(host.ref)
      .addRule({ fwmark: 0x80, fwmask: 0x80, table: 'main', priority: 1024 })
      .addRule({ iif: 'enivct0a1b2c3', table: 110, priority: 10 })
      .addRule({ from: 'fd99::5', table: 7, priority: 1536 })
      .addRule({ from: 'fe80::1', ipproto: 'ipv6-icmp', table: 'local', priority: 5, family: 6 })
      .commit();
    expect(res.spawns).toBe(2);
    expect(await kernel.listRules(host.ref)).toEqual(
      expect.arrayContaining([
        { family: 4, priority: 1024, fwmark: 0x80, fwmask: 0x80, table: 254 },
        { family: 4, priority: 10, iif: 'enivct0a1b2c3', table: 110 },
        { family: 6, priority: 1536, from: 'fd99::5/128', table: 7 },
        expect.objectContaining({ family: 6, priority: 5, from: 'fe80::1/128', table: 255 }),
      ]),
    );
    await kernel
      .batch(host.ref)
      .deleteRules({ fwmark: 0x80, priority: 1024 })
      .deleteRules({ iif: 'enivct0a1b2c3' })
      .deleteRules({ family: 6, table: 7 })
      .commit();
    const after = await kernel.listRules(host.ref);
    expect(after.filter((r) => r.priority === 1024 || r.priority === 10 || r.table === 7)).toEqual([]);
  });

  it('re-applying many rules reads the rules once instead of one process per tolerated failure', async () => {
    const rules = Array.from({ length: 8 }, (_, i) => ({ from: `10.99.2.${i + 2}`, table: 2 + i, priority: 1536 }));
    const apply = (extra?: (b: KernelBatch) => void) => {
      const b = kernel.batch(host.ref);
      for (const r of rules) b.addRule(r, { existOk: true });
      extra?.(b);
      return b.commit();
    };
    expect(await apply()).toEqual({ applied: 8, tolerated: 0, spawns: 2 }); // 1 read + 1 batch
    expect(await apply()).toEqual({ applied: 8, tolerated: 8, spawns: 1 }); // all present: only the read
    const e = await apply((b) => b.addRule({ from: '10.99.2.2', table: 2, priority: 1536 })).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'exists', opIndex: 8 }); // the duplicate is not pre-filtered (rule appears twice)
    const del = kernel.batch(host.ref);
    for (const r of rules) del.deleteRule(r, { missingOk: true });
    del.deleteRule({ from: '10.99.2.99', table: 2, priority: 1536 }, { missingOk: true });
    expect(await del.commit()).toMatchObject({ applied: 9, tolerated: 1, spawns: 2 });
    expect((await kernel.listRules(host.ref, 4)).filter((r) => r.from?.startsWith('10.99.2.'))).toEqual([]);
  });

  it('routes in other tables, replace semantics, and delete', async () => {
    const b = kernel.batch(host.ref);
    b.replaceRoute({ dst: '10.99.1.2', dev: 'enivct0a1b2c3', scope: 'link', table: 2 });
    b.replaceRoute({ dst: 'default', via: '10.99.1.2', dev: 'enivct0a1b2c3', table: 2 });
    b.replaceRoute({ dst: 'default', via: '10.99.1.2', dev: 'enivct0a1b2c3', table: 2 }); // same again: fine
    await b.commit();
    expect(await kernel.listRoutes(host.ref, { table: 2 })).toEqual([
      expect.objectContaining({ dst: 'default', via: '10.99.1.2', dev: 'enivct0a1b2c3', table: 2 }),
      expect.objectContaining({ dst: '10.99.1.2/32', scope: 'link', table: 2 }),
    ]);
    const dup = await kernel
      .batch(host.ref)
      .addRoute({ dst: '10.99.1.2/32', dev: 'enivct0a1b2c3', scope: 'link', table: 2 })
      .commit()
      .catch((e: unknown) => e);
    expect(String((dup as Error).message)).toBe(
      `add route 10.99.1.2/32 dev enivct0a1b2c3 table 2 scope link in netns ${host.name}: file exists`,
    );
    await kernel
      .batch(host.ref)
      .deleteRoute({ dst: 'default', via: '10.99.1.2', dev: 'enivct0a1b2c3', table: 2 })
      .deleteRoute({ dst: '10.99.1.2', dev: 'enivct0a1b2c3', table: 2 })
      .deleteRoute({ dst: '10.99.1.2', dev: 'enivct0a1b2c3', table: 2 }, { missingOk: true })
      .commit();
    expect(await kernel.listRoutes(host.ref, { table: 2 })).toEqual([]);
  });

  it('IPv6 address with DAD, scope, neighbour, and waiting for DAD to finish', async () => {
    await kernel
      .batch(pod.ref)
      .setSysctl({ key: 'net/ipv6/conf/eth0/disable_ipv6', value: 0 })
      .addAddress({ dev: 'eth0', cidr: 'fd99::2/64' })
      .addAddress({ dev: 'eth0', cidr: '10.99.9.9/32', scope: 'link' })
      .replaceNeighbour({ dev: 'eth0', ip: 'fd99::1', mac: HOST_MAC })
      .commit();
    const tentative = await kernel.listAddresses(pod.ref, { dev: 'eth0', family: 6 });
    expect(tentative.find((a) => a.cidr === 'fd99::2/64')?.tentative).toBe(true);
    await kernel.waitForDad(pod.ref, { dev: 'eth0', timeoutMs: 10_000 });
    const addrs = await kernel.listAddresses(pod.ref, { dev: 'eth0' });
    expect(addrs.filter((a) => a.tentative)).toEqual([]);
    expect(addrs).toContainEqual(expect.objectContaining({ cidr: 'fd99::2/64', family: 6, scope: 'global' }));
    expect(addrs).toContainEqual(expect.objectContaining({ cidr: '10.99.9.9/32', scope: 'link' }));
    expect(await kernel.listNeighbours(pod.ref, { dev: 'eth0', family: 6 })).toContainEqual(
      expect.objectContaining({ dev: 'eth0', ip: 'fd99::1', mac: HOST_MAC, state: ['PERMANENT'] }),
    );
    await kernel
      .batch(pod.ref)
      .deleteAddress('eth0', 'fd99::2/64')
      .deleteNeighbour('eth0', 'fd99::1')
      .deleteAddress('eth0', '10.99.9.9/32')
      .commit();
    expect((await kernel.listAddresses(pod.ref, { dev: 'eth0' })).map((a) => a.cidr)).not.toContain('fd99::2/64');
  });

  it('link lifecycle: lookup by name/MAC/index, rename, MTU, MAC, down/up, ifb, move, delete', async () => {
    const ns = pod.ref;
    await kernel.batch(ns).addVeth({ name: 'vcta', peerName: 'vctb' }).addIfb('vctifb0', { mtu: 1500 }).commit();
    const a = await kernel.getLink(ns, 'vcta');
    expect(a).toBeDefined();
    expect(await kernel.findLinkByIndex(ns, a!.index)).toMatchObject({ name: 'vcta' });
    await kernel
      .batch(ns)
      .setLinkMac('vcta', '02:99:00:00:0A:0A')
      .setLinkMtu('vcta', 1280)
      .renameLink('vcta', 'vctrenamed')
      .setLinkUp('vctrenamed')
      .commit();
    expect(await kernel.findLinkByMac(ns, '02:99:00:00:0a:0a')).toMatchObject({
      name: 'vctrenamed',
      mtu: 1280,
      up: true,
      index: a!.index,
    });
    await kernel.batch(ns).setLinkDown('vctrenamed').commit();
    expect((await kernel.getLink(ns, 'vctrenamed'))?.up).toBe(false);
    expect(await kernel.getLink(ns, 'vctifb0')).toMatchObject({ kind: 'ifb' });
    await kernel.batch(ns).moveLink('vctifb0', host.ref).commit();
    expect(await kernel.getLink(ns, 'vctifb0')).toBeUndefined();
    expect(await kernel.getLink(host.ref, 'vctifb0')).toMatchObject({ kind: 'ifb' });
    await kernel.batch(host.ref).deleteLink('vctifb0').commit();
    await kernel.batch(ns).deleteLink('vctrenamed').deleteLink('vctrenamed', { missingOk: true }).commit();
    expect(await kernel.getLink(ns, 'vctb')).toBeUndefined(); // the peer goes with it
  });

  it('VLAN links are not supported by this kernel (no 8021q): a typed not-supported error', async () => {
    // CONFIG_VLAN_8021Q is not set here, so the VLAN path can only be exercised on FakeKernel (see fake-kernel.spec).
    await kernel.batch(pod.ref).addVeth({ name: 'trunk0', peerName: 'trunk0p' }).commit();
    const e = await kernel
      .batch(pod.ref)
      .addVlan({ name: 'vlan.eth.5', parent: 'trunk0', vlanId: 5, mac: '02:99:00:00:05:05' })
      .commit()
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'not-supported', op: 'add vlan' });
    await kernel.batch(pod.ref).deleteLink('trunk0').commit();
  });

  it('sysctls inside a namespace, tolerating a missing IPv6 key when optional', async () => {
    await kernel.setSysctls(pod.ref, [
      { key: 'net.ipv4.ip_forward', value: 1 },
      { key: 'net/ipv6/conf/nosuchdev/accept_ra', value: 0, optional: true },
    ]);
    expect(await kernel.readSysctl(pod.ref, 'net/ipv4/ip_forward')).toBe('1');
    expect(await kernel.readSysctl(pod.ref, 'net/ipv6/conf/nosuchdev/accept_ra')).toBeUndefined();
    const e = await kernel
      .setSysctls(pod.ref, [{ key: 'net/ipv6/conf/nosuchdev/accept_ra', value: 0 }])
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'not-found', op: 'set sysctl' });
    await kernel.setSysctls(pod.ref, [{ key: 'net/ipv4/ip_forward', value: 0 }]);
  });

  it('enters a namespace by arbitrary path with nsenter (what CNI_NETNS holds)', async () => {
    const byPath = { kind: 'path', path: pod.path } as const; // bypass the /run/netns shortcut on purpose
    const r = await kernel.batch(byPath).addAddress({ dev: 'lo', cidr: '10.99.7.7/32' }).commit();
    expect(r.spawns).toBe(1);
    expect((await kernel.listAddresses(byPath, { dev: 'lo' })).map((a) => a.cidr)).toContain('10.99.7.7/32');
    expect(await kernel.readSysctl(byPath, 'net/ipv4/ip_forward')).toBe('0');
  });

  it('names "our own" namespace as /proc/<pid>/ns/net when creating a peer from inside another namespace', async () => {
    // A sleeper inside the throwaway "host" stands in for this process, so the real root namespace is not touched.
    const sleeper = spawn('ip', ['netns', 'exec', host.name, 'sleep', '30'], { stdio: 'ignore' });
    try {
      // `ip netns exec` execs the command in place: wait until that pid is inside the namespace.
      const pid = sleeper.pid!;
      const inside = () => {
        try {
          return statSync(`/proc/${pid}/ns/net`).ino === statSync(host.path).ino;
        } catch {
          return false;
        }
      };
      for (let i = 0; i < 100 && !inside(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(inside()).toBe(true);
      const k = new IpRoute2Kernel({ selfPid: pid });
      await k.batch(pod.ref).addVeth({ name: 'vctself0', peerName: 'vctself1', peerNetns: HOST_NETNS }).commit();
      expect(await k.getLink(host.ref, 'vctself1')).toMatchObject({ kind: 'veth' });
      await k.batch(pod.ref).deleteLink('vctself0').commit();
      expect(await k.getLink(host.ref, 'vctself1')).toBeUndefined();
    } finally {
      sleeper.kill();
    }
  });

  it('netnsExists follows the namespace life cycle', async () => {
    const tmp = await createTempNetns({ prefix: 'vct-kern' });
    expect(await kernel.netnsExists(tmp.ref)).toBe(true);
    expect(await kernel.netnsExists({ kind: 'path', path: tmp.path })).toBe(true);
    await tmp.destroy();
    expect(await kernel.netnsExists(tmp.ref)).toBe(false);
  });

  describe('bad input gives a clear typed error', () => {
    it('a netns path that does not exist', async () => {
      const ghost = { kind: 'path', path: '/run/netns/vct-kern-does-not-exist' } as const;
      expect(await kernel.netnsExists(ghost)).toBe(false);
      const e = await kernel
        .batch(ghost)
        .setLinkUp('lo')
        .commit()
        .catch((x: unknown) => x);
      expect(e).toMatchObject({ kind: 'not-found' });
      expect(String(e)).toContain('/run/netns/vct-kern-does-not-exist');
      const e2 = await kernel.listLinks(netnsByName('vct-kern-does-not-exist')).catch((x: unknown) => x);
      expect(e2).toMatchObject({ kind: 'not-found' });
    });
    it('a link name over 15 characters is refused before anything runs', () => {
      expect(() => kernel.batch(pod.ref).addVeth({ name: 'eth0', peerName: 'enivct0123456789' })).toThrow(
        expect.objectContaining({
          kind: 'invalid-argument',
          message: expect.stringContaining('longer than 15 characters'),
        }),
      );
    });
    it('an invalid CIDR', () => {
      expect(() => kernel.batch(pod.ref).addAddress({ dev: 'lo', cidr: '10.99.1.300/32' })).toThrow(
        expect.objectContaining({ kind: 'invalid-argument', message: expect.stringContaining('"10.99.1.300/32"') }),
      );
    });
    it('a missing binary (adapter configured with a nonexistent path), direct and through nsenter', async () => {
      const broken = new IpRoute2Kernel({ ip: '/nonexistent/ip' });
      const e1 = await broken
        .batch(pod.ref)
        .setLinkUp('lo')
        .commit()
        .catch((x: unknown) => x);
      expect(e1).toMatchObject({ kind: 'missing-binary', object: '/nonexistent/ip' });
      expect(String(e1)).toBe(
        `KernelError: run ip batch /nonexistent/ip in netns ${pod.name}: cannot execute /nonexistent/ip (ENOENT)`,
      );
      const e2 = await broken.listLinks({ kind: 'path', path: pod.path }).catch((x: unknown) => x);
      expect(e2).toMatchObject({ kind: 'missing-binary', object: '/nonexistent/ip' });
      const e3 = await new IpRoute2Kernel({ nsenter: '/nonexistent/nsenter' })
        .listLinks({ kind: 'path', path: pod.path })
        .catch((x: unknown) => x);
      expect(e3).toMatchObject({ kind: 'missing-binary', object: '/nonexistent/nsenter' });
    });
  });
});
