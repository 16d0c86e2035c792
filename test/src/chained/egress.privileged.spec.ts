// SPDX-License-Identifier: Apache-2.0
// egress-cni on a real kernel: a namespace plays the node (its iptables, ip_forward and veths are private), another
// plays the internet; the source address seen there must be the node's. Leases are checked against host-local.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { addNetns, bundle, delNetns, hasReference, isRoot, nsName, runCni, sh } from './harness';

const ok = isRoot();
const d = ok ? describe : describe.skip;
if (!ok) console.log('egress.privileged: skipped (needs root)');

const NODE4 = '10.99.34.1';
const INET4 = '10.99.34.2';
const NODE6 = 'fd99:34::1';
const INET6 = 'fd99:34::2';

function prev(version: string, podPath: string, family: 4 | 6): Record<string, unknown> {
  const ip: Record<string, unknown> = { address: family === 4 ? 'fd99:35::5/128' : '10.99.35.5/32', interface: 1 };
  if (!version.startsWith('1.')) ip.version = family === 4 ? '6' : '4';
  return {
    cniVersion: version,
    interfaces: [
      { name: 'eni1a2b3c4d5e6', mac: '02:99:00:00:01:01' },
      { name: 'eth0', mac: '02:99:00:00:01:02', sandbox: podPath },
    ],
    ips: [ip],
    dns: {},
  };
}

function conf(
  version: string,
  family: 4 | 6,
  dataDir: string,
  podPath: string,
  extra: object = {},
): Record<string, unknown> {
  return {
    cniVersion: version,
    name: 'aws-cni',
    type: 'egress-cni',
    enabled: 'true',
    nodeIP: family === 4 ? NODE4 : NODE6,
    mtu: '1460',
    randomizeSNAT: 'prng',
    pluginLogFile: join(dataDir, 'egress.log'),
    pluginLogLevel: 'Debug',
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: family === 4 ? '169.254.172.0/22' : 'fd00::ac:00/118' }]],
      routes: [{ dst: family === 4 ? '0.0.0.0/0' : '::/0' }],
      dataDir,
    },
    ...extra,
    prevResult: prev(version, podPath, family),
  };
}

/** Asks a TCP echo-peer server in the "internet" namespace who connected; returns the source address it saw. */
function seenSource(pod: string, target: string): string {
  return sh(`ip netns exec ${pod} nc -w 3 ${target} 7777 </dev/null`)
    .trim()
    .replace(/^\[|\]$/g, '');
}

d('egress-cni (privileged)', () => {
  let plugin: string;
  let tmp: string;
  const node = nsName('en');
  const inet = nsName('ei');
  const servers: ReturnType<typeof spawn>[] = [];
  const pods: string[] = [];

  function newPod(tag: string): { name: string; path: string } {
    const name = nsName(tag);
    pods.push(name);
    const path = addNetns(name);
    sh(`ip -n ${name} link add eth0 type veth peer name eth0peer`);
    return { name, path };
  }

  const call = (command: 'ADD' | 'DEL' | 'CHECK', config: object, cid: string, netns?: string) =>
    runCni(plugin, { command, config, containerId: cid, netns, hostNs: node });

  beforeAll(async () => {
    plugin = bundle('egress-cni');
    tmp = mkdtempSync(join(tmpdir(), 'vct-egress-'));
    addNetns(node);
    addNetns(inet);
    sh(`ip -n ${node} link add eth0 type veth peer name eth0 netns ${inet}`);
    sh(
      `ip -n ${node} addr add ${NODE4}/24 dev eth0 && ip -n ${node} addr add ${NODE6}/64 dev eth0 nodad && ip -n ${node} link set eth0 up`,
    );
    sh(
      `ip -n ${inet} addr add ${INET4}/24 dev eth0 && ip -n ${inet} addr add ${INET6}/64 dev eth0 nodad && ip -n ${inet} link set eth0 up`,
    );
    for (const [flag, addr] of [
      ['TCP4-LISTEN', INET4],
      ['TCP6-LISTEN', INET6],
    ]) {
      servers.push(
        spawn(
          'ip',
          [
            'netns',
            'exec',
            inet,
            'socat',
            `${flag}:7777,bind=${addr.includes(':') ? `[${addr}]` : addr},reuseaddr,fork`,
            'SYSTEM:echo $SOCAT_PEERADDR',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 400));
  });

  afterAll(() => {
    for (const s of servers) s.kill();
    delNetns(node, inet, ...pods);
    rmSync(tmp, { recursive: true, force: true });
  });

  describe.each(['0.3.0', '0.3.1', '0.4.0', '1.0.0'])('IPv4 egress for an IPv6 cluster, cniVersion %s', (v) => {
    it('adds v4if0, SNATs to the node IPv4, and DEL removes chain, jump and lease', async () => {
      const dataDir = join(tmp, `v4-${v}`);
      const pod = newPod('p4');
      const cid = `vct-eg4-${v}`;
      const add = await call('ADD', conf(v, 4, dataDir, pod.path), cid, pod.path);
      expect(add.stderr).toBe('');
      expect(add.code).toBe(0);
      const r = add.json as { cniVersion: string; interfaces: { name: string; sandbox?: string }[]; ips: unknown[] };
      expect(r.cniVersion).toBe(v);
      expect(r.interfaces.map((i) => i.name).slice(0, 2)).toEqual(['eni1a2b3c4d5e6', 'eth0']);
      expect(r.interfaces[2].name).toMatch(/^veth[0-9a-f]{8}$/);
      expect(r.interfaces[3]).toMatchObject({ name: 'v4if0', sandbox: pod.path });
      expect(r.ips).toEqual((prev(v, pod.path, 4) as { ips: unknown[] }).ips); // IPs are not added
      expect(sh(`ip -n ${pod.name} -4 addr show dev v4if0`)).toContain('inet 169.254.172.2/22');
      expect(sh(`ip -n ${pod.name} link show dev v4if0`)).toContain('mtu 1460');
      expect(sh(`ip -n ${pod.name} -4 route`)).toMatch(/default via 169\.254\.172\.1 dev v4if0/);
      expect(sh(`ip netns exec ${node} cat /proc/sys/net/ipv4/ip_forward`).trim()).toBe('1');
      expect(readFileSync(join(dataDir, 'aws-cni', '169.254.172.2'), 'utf8')).toBe(`${cid}\r\nv4if0`);
      const nat = sh(`ip netns exec ${node} iptables-save -t nat`);
      expect(nat).toMatch(
        /-A POSTROUTING -s 169\.254\.172\.2\/32 -m comment --comment "name: \\"aws-cni\\" id: \\"vct-eg4-[\d.]+\\"" -j CNI-E4-[0-9a-f]{21}/,
      );
      expect(nat).toMatch(/-j SNAT --to-source 10\.99\.34\.1 --random-fully/);

      expect(seenSource(pod.name, INET4)).toBe(NODE4);
      const log = readFileSync(join(dataDir, 'egress.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(log).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            level: 'info',
            msg: 'leased egress address',
            ip: '169.254.172.2',
            containerId: cid,
          }),
        ]),
      );

      const check = await call('CHECK', conf(v, 4, dataDir, pod.path), cid, pod.path);
      expect(check.code).toBe(v === '0.4.0' || v === '1.0.0' ? 0 : 1);

      const del = await call('DEL', conf(v, 4, dataDir, pod.path), cid, pod.path);
      expect(del.code).toBe(0);
      expect(sh(`ip netns exec ${node} iptables-save -t nat`)).not.toContain('CNI-E4-');
      expect(readdirSync(join(dataDir, 'aws-cni')).sort()).toEqual(['last_reserved_ip.0', 'lock']);
      expect(sh(`ip -n ${pod.name} link`)).not.toContain('v4if0');
      const again = await call('DEL', conf(v, 4, dataDir, pod.path), cid, pod.path);
      expect(again.code).toBe(0);
    });
  });

  it('keeps pods from reaching each other over egress addresses, but not from the internet', async () => {
    const dataDir = join(tmp, 'iso');
    const a = newPod('pa');
    const b = newPod('pb');
    expect((await call('ADD', conf('0.4.0', 4, dataDir, a.path), 'vct-iso-a', a.path)).code).toBe(0);
    expect((await call('ADD', conf('0.4.0', 4, dataDir, b.path), 'vct-iso-b', b.path)).code).toBe(0);
    const bAddr = '169.254.172.3';
    expect(sh(`ip -n ${b.name} -4 addr show dev v4if0`)).toContain(bAddr);
    const ping = (ns: string, to: string): boolean => {
      try {
        sh(`ip netns exec ${ns} ping -c1 -W1 ${to}`);
        return true;
      } catch {
        return false;
      }
    };
    expect(ping(a.name, bAddr)).toBe(false);
    expect(ping(a.name, INET4)).toBe(true);
    expect(sh(`ip netns exec ${node} iptables-save -t filter`)).toContain(
      '-A FORWARD -s 169.254.172.0/22 -d 169.254.172.0/22',
    );
    await call('DEL', conf('0.4.0', 4, dataDir, a.path), 'vct-iso-a', a.path);
    await call('DEL', conf('0.4.0', 4, dataDir, b.path), 'vct-iso-b', b.path);
  });

  it('DEL with the namespace already gone still removes chain, jump and lease', async () => {
    const dataDir = join(tmp, 'gone');
    const pod = newPod('pg');
    expect((await call('ADD', conf('0.4.0', 4, dataDir, pod.path), 'vct-gone', pod.path)).code).toBe(0);
    delNetns(pod.name);
    const del = await call('DEL', conf('0.4.0', 4, dataDir, pod.path), 'vct-gone', pod.path);
    expect(del.code).toBe(0);
    expect(sh(`ip netns exec ${node} iptables-save -t nat`)).not.toContain('CNI-E4-');
    expect(readdirSync(join(dataDir, 'aws-cni')).filter((f) => f.startsWith('169.'))).toEqual([]);
  });

  (hasReference('host-local') ? it : it.skip)(
    'shares the lease directory with host-local (upgrade compatibility)',
    async () => {
      const dataDir = join(tmp, 'compat');
      const ipam = {
        cniVersion: '0.4.0',
        name: 'aws-cni',
        ipam: { type: 'host-local', ranges: [[{ subnet: '169.254.172.0/22' }]], dataDir },
      };
      const hl = await runCni('/usr/lib/cni/host-local', {
        command: 'ADD',
        config: ipam,
        containerId: 'vct-go-old',
        ifName: 'v4if0',
        netns: '/proc/self/ns/net',
      });
      expect(hl.code).toBe(0);
      expect(JSON.stringify(hl.json)).toContain('169.254.172.2/22');
      const pod = newPod('pc');
      expect((await call('ADD', conf('0.4.0', 4, dataDir, pod.path), 'vct-ts-new', pod.path)).code).toBe(0);
      expect(sh(`ip -n ${pod.name} -4 addr show dev v4if0`)).toContain('169.254.172.3/22'); // skips the Go lease
      expect(readFileSync(join(dataDir, 'aws-cni', 'last_reserved_ip.0'), 'utf8')).toBe('169.254.172.3');
      // host-local releases our lease (it reads our file), and we release the Go plugin's.
      const hlDel = await runCni('/usr/lib/cni/host-local', {
        command: 'DEL',
        config: ipam,
        containerId: 'vct-ts-new',
        ifName: 'v4if0',
      });
      expect(hlDel.code).toBe(0);
      expect(readdirSync(join(dataDir, 'aws-cni')).filter((f) => f.startsWith('169.'))).toEqual(['169.254.172.2']);
      const ourDel = await call('DEL', conf('0.4.0', 4, dataDir, pod.path), 'vct-go-old', undefined);
      expect(ourDel.code).toBe(0);
      expect(readdirSync(join(dataDir, 'aws-cni')).filter((f) => f.startsWith('169.'))).toEqual([]);
      await call('DEL', conf('0.4.0', 4, dataDir, pod.path), 'vct-ts-new', pod.path);
    },
  );

  it('IPv6 egress for an IPv4 cluster: v6if0 from fd00::ac:00/118, SNAT to the node IPv6, eth0 IPv6 off', async () => {
    const dataDir = join(tmp, 'v6');
    const pod = newPod('p6');
    const add = await call(
      'ADD',
      conf('1.0.0', 6, dataDir, pod.path, { randomizeSNAT: 'hashrandom' }),
      'vct-eg6',
      pod.path,
    );
    expect(add.code).toBe(0);
    expect(sh(`ip -n ${pod.name} -6 addr show dev v6if0`)).toContain('fd00::ac:2/118');
    expect(sh(`ip netns exec ${pod.name} cat /proc/sys/net/ipv6/conf/eth0/disable_ipv6`).trim()).toBe('1');
    expect(readFileSync(join(dataDir, 'aws-cni', 'fd00::ac:2'), 'utf8')).toBe('vct-eg6\r\nv6if0');
    expect(sh(`ip netns exec ${node} ip6tables-save -t nat`)).toMatch(/-j SNAT --to-source fd99:34::1 --random$/m);
    expect(seenSource(pod.name, INET6)).toMatch(/^fd99:(0*)34:/);
    expect(seenSource(pod.name, INET6).replace(/(^|:)0+(?=[0-9a-f])/g, '$1')).toBe('fd99:34:0:0:0:0:0:1');
    const del = await call('DEL', conf('1.0.0', 6, dataDir, pod.path), 'vct-eg6', pod.path);
    expect(del.code).toBe(0);
    expect(sh(`ip netns exec ${node} ip6tables-save -t nat`)).not.toContain('CNI-E6-');
  });

  it('randomizeSNAT none gives a plain SNAT', async () => {
    const dataDir = join(tmp, 'none');
    const pod = newPod('pn');
    expect(
      (await call('ADD', conf('0.4.0', 4, dataDir, pod.path, { randomizeSNAT: 'none' }), 'vct-none', pod.path)).code,
    ).toBe(0);
    expect(sh(`ip netns exec ${node} iptables-save -t nat`)).toMatch(/-j SNAT --to-source 10\.99\.34\.1$/m);
    await call('DEL', conf('0.4.0', 4, dataDir, pod.path), 'vct-none', pod.path);
  });

  it('enabled "false" passes prevResult through untouched and creates nothing', async () => {
    const dataDir = join(tmp, 'off');
    const pod = newPod('po');
    const c = conf('0.4.0', 4, dataDir, pod.path, { enabled: 'false' });
    const add = await call('ADD', c, 'vct-off', pod.path);
    expect(add.code).toBe(0);
    expect(add.json).toEqual(c.prevResult);
    expect(sh(`ip -n ${pod.name} link`)).not.toContain('v4if0');
    expect((await call('DEL', c, 'vct-off', pod.path)).code).toBe(0);
  });
});
