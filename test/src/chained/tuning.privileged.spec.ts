// SPDX-License-Identifier: Apache-2.0
// Differential: tuning-shim vs Debian's reference tuning plugin on two identical pod namespaces, for every
// cniVersion the reference supports; then DEL restore, the DISABLE_POD_V6 use, and where we deliberately differ.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  addNetns,
  bundle,
  comparableResult,
  delNetns,
  type DiffSide,
  hasReference,
  isRoot,
  jsonIn,
  makeDiffSide,
  nsName,
  runBoth,
  runCni,
  sh,
} from './harness';

const ok = isRoot() && hasReference('tuning');
const d = ok ? describe : describe.skip;
if (!ok) console.log('tuning.privileged: skipped (needs root and /usr/lib/cni/tuning)');

const REF = '/usr/lib/cni/tuning';
const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'];
const VETH = 'vethvcttu01';
const CID = 'vct-tu-diff-1';

interface Side extends DiffSide {
  dataDir: string;
}

function makeSide(tag: string, tmp: string): Side {
  const side = makeDiffSide(tag, { veth: VETH, mtu: 1500, ip: '10.99.33.2/24', gw: '10.99.33.1' });
  return { ...side, dataDir: join(tmp, tag) };
}

const SYSCTLS = [
  'net/core/somaxconn',
  'net/ipv4/conf/eth0/accept_redirects',
  'net/ipv4/conf/eth0/forwarding',
  'net/ipv6/conf/all/disable_ipv6',
  'net/ipv6/conf/default/disable_ipv6',
  'net/ipv6/conf/lo/disable_ipv6',
];

/** The pod-side state tuning touches: sysctls and eth0's attributes. */
function podState(s: Side): unknown {
  const values = sh(
    `ip netns exec ${s.pod} sh -c 'for k in ${SYSCTLS.join(' ')}; do echo "$k=$(cat /proc/sys/$k)"; done'`,
  );
  const l = jsonIn<Record<string, unknown>[]>(s.pod, 'ip -d -j link show dev eth0')[0];
  return { sysctls: values.trim().split('\n'), mtu: l.mtu, flags: l.flags, mac: l.address, txqlen: l.txqlen ?? 0 };
}

function backups(s: Side): Record<string, string> {
  if (!existsSync(s.dataDir)) return {};
  return Object.fromEntries(readdirSync(s.dataDir).map((f) => [f, readFileSync(join(s.dataDir, f), 'utf8')]));
}

d('tuning-shim vs reference tuning (privileged, differential)', () => {
  let ours: string;
  let ref: Side;
  let mine: Side;
  let tmp: string;

  beforeAll(() => {
    ours = bundle('tuning-shim');
    tmp = mkdtempSync(join(tmpdir(), 'vct-tuning-'));
    ref = makeSide('r', tmp);
    mine = makeSide('o', tmp);
  });
  afterAll(() => {
    delNetns(ref.host, ref.pod, mine.host, mine.pod);
    rmSync(tmp, { recursive: true, force: true });
  });

  const both = (command: 'ADD' | 'DEL' | 'CHECK', conf: (s: Side) => object, netns = true) =>
    runBoth({ ref: REF, ours }, { ref, mine }, (s) => ({
      command,
      config: conf(s),
      containerId: CID,
      netns: netns ? s.podPath : undefined,
      hostNs: s.host,
    }));

  const tune = {
    sysctl: {
      'net.core.somaxconn': '512',
      'net.ipv4.conf.IFNAME.accept_redirects': '0',
      'net.ipv4.conf.eth0.forwarding': '1',
    },
    mtu: 1400,
    promisc: true,
    allmulti: true,
    mac: '02:99:aa:bb:cc:dd',
  };

  describe.each(VERSIONS)('cniVersion %s', (v) => {
    const conf = (s: Side) => ({
      cniVersion: v,
      name: 'vcttune',
      type: 'tuning',
      dataDir: s.dataDir,
      ...tune,
      prevResult: s.prev(v),
    });

    it('ADD sets the same sysctls and link state, writes the same backup, returns the same result; DEL restores', async () => {
      const before = podState(mine);
      expect(podState(ref)).toEqual(before);
      const add = await both('ADD', conf);
      expect(add.r.stderr + add.o.stderr).toBe('');
      expect([add.r.code, add.o.code]).toEqual([0, 0]);
      expect(comparableResult(add.o.json)).toEqual(comparableResult(add.r.json));
      const after = podState(mine);
      expect(podState(ref)).toEqual(after);
      expect(after).toMatchObject({ mtu: 1400, mac: '02:99:aa:bb:cc:dd' });
      expect(JSON.stringify(after)).toContain('net/core/somaxconn=512');
      expect(backups(mine)).toEqual(backups(ref));
      expect(Object.keys(backups(mine))).toEqual([`${CID}_eth0.json`]);

      if (v === '0.4.0' || v === '1.0.0') {
        // Debian's 1.1.1 CHECK does not substitute IFNAME in sysctl keys (fixed upstream); ours does.
        const check = await both('CHECK', conf);
        expect(check.o.stdout).toBe('');
        expect(check.r.json?.msg).toMatch(/IFNAME/);
      }

      const del = await both('DEL', conf);
      expect([del.r.code, del.o.code]).toEqual([0, 0]);
      const restored = podState(mine);
      expect(podState(ref)).toEqual(restored);
      expect(restored).toMatchObject({ mtu: 1500, mac: '02:99:00:00:00:02' });
      expect(backups(mine)).toEqual({});
      expect(backups(ref)).toEqual({});
      // sysctls are not restored by either (they die with the namespace): put them back for the next version.
      for (const s of [ref, mine]) {
        sh(
          `ip netns exec ${s.pod} sh -c 'echo 4096 > /proc/sys/net/core/somaxconn; echo 1 > /proc/sys/net/ipv4/conf/eth0/accept_redirects; echo 0 > /proc/sys/net/ipv4/conf/eth0/forwarding'`,
        );
      }
    });
  });

  it('turns IPv6 off inside the pod exactly like the DISABLE_POD_V6 conflist entry', async () => {
    const conf = (s: Side) => ({
      cniVersion: '0.4.0',
      name: 'aws-cni',
      type: 'tuning',
      dataDir: s.dataDir,
      sysctl: {
        'net.ipv6.conf.all.disable_ipv6': '1',
        'net.ipv6.conf.default.disable_ipv6': '1',
        'net.ipv6.conf.lo.disable_ipv6': '1',
      },
      prevResult: s.prev('0.4.0'),
    });
    const add = await both('ADD', conf);
    expect([add.r.code, add.o.code]).toEqual([0, 0]);
    expect(comparableResult(add.o.json)).toEqual(comparableResult(add.r.json));
    expect(podState(mine)).toEqual(podState(ref));
    expect(JSON.stringify(podState(mine))).toContain('net/ipv6/conf/all/disable_ipv6=1');
    expect(sh(`ip -n ${mine.pod} -6 addr show dev lo`).trim()).toBe('');
    const check = await both('CHECK', conf);
    expect([check.r.code, check.o.code]).toEqual([0, 0]);
    expect(backups(mine)).toEqual({}); // no link change, no backup file, like the reference
    const del = await both('DEL', conf);
    expect([del.r.code, del.o.code]).toEqual([0, 0]);
    for (const s of [ref, mine])
      sh(
        `ip netns exec ${s.pod} sh -c 'for k in all default lo eth0; do echo 0 > /proc/sys/net/ipv6/conf/$k/disable_ipv6; done'`,
      );
  });

  it('DEL after the namespace is gone removes the backup file (the reference leaks it)', async () => {
    const pod = nsName('gp');
    const podPath = addNetns(pod);
    const side = { ...mine, pod, podPath };
    sh(`ip -n ${pod} link add eth0 type veth peer name eth1`);
    const conf = {
      cniVersion: '1.0.0',
      name: 'vcttune',
      type: 'tuning',
      dataDir: mine.dataDir,
      mtu: 1300,
      prevResult: side.prev('1.0.0'),
    };
    const add = await runCni(ours, { command: 'ADD', config: conf, containerId: 'vct-gone-1', netns: podPath });
    expect(add.code).toBe(0);
    expect(Object.keys(backups(mine))).toEqual(['vct-gone-1_eth0.json']);
    delNetns(pod);
    const del = await runCni(ours, { command: 'DEL', config: conf, containerId: 'vct-gone-1', netns: podPath });
    expect(del.code).toBe(0);
    expect(backups(mine)).toEqual({});
  });

  it('cniVersion 1.1.0 (newer than the reference): same pod state as the reference at 1.0.0, a 1.1.0 result', async () => {
    const conf = (s: Side, v: string) => ({
      cniVersion: v,
      name: 'vcttune',
      type: 'tuning',
      dataDir: s.dataDir,
      ...tune,
      prevResult: { ...(s.prev('1.0.0') as object), cniVersion: v },
    });
    const [r, o] = await Promise.all([
      runCni(REF, { command: 'ADD', config: conf(ref, '1.0.0'), containerId: CID, netns: ref.podPath }),
      runCni(ours, { command: 'ADD', config: conf(mine, '1.1.0'), containerId: CID, netns: mine.podPath }),
    ]);
    expect([r.code, o.code]).toEqual([0, 0]);
    expect(o.json?.cniVersion).toBe('1.1.0');
    expect(comparableResult({ ...o.json, cniVersion: '1.0.0' })).toEqual(comparableResult(r.json));
    expect(podState(mine)).toEqual(podState(ref));
    await Promise.all([
      runCni(REF, { command: 'DEL', config: conf(ref, '1.0.0'), containerId: CID, netns: ref.podPath }),
      runCni(ours, { command: 'DEL', config: conf(mine, '1.1.0'), containerId: CID, netns: mine.podPath }),
    ]);
    expect(podState(mine)).toEqual(podState(ref));
    for (const s of [ref, mine]) {
      sh(
        `ip netns exec ${s.pod} sh -c 'echo 4096 > /proc/sys/net/core/somaxconn; echo 1 > /proc/sys/net/ipv4/conf/eth0/accept_redirects; echo 0 > /proc/sys/net/ipv4/conf/eth0/forwarding'`,
      );
    }
  });

  it('sets and restores txQLen (newer than Debian 1.1.1, which ignores the key)', async () => {
    const conf = {
      cniVersion: '1.0.0',
      name: 'vcttune',
      type: 'tuning',
      dataDir: mine.dataDir,
      txQLen: 123,
      prevResult: mine.prev('1.0.0'),
    };
    const before = podState(mine) as { txqlen: number };
    const add = await runCni(ours, { command: 'ADD', config: conf, containerId: CID, netns: mine.podPath });
    expect(add.code).toBe(0);
    expect(podState(mine)).toMatchObject({ txqlen: 123 });
    expect(JSON.parse(backups(mine)[`${CID}_eth0.json`])).toEqual({ txQLen: before.txqlen });
    expect((await runCni(ours, { command: 'CHECK', config: conf, containerId: CID, netns: mine.podPath })).code).toBe(
      0,
    );
    expect((await runCni(ours, { command: 'DEL', config: conf, containerId: CID, netns: mine.podPath })).code).toBe(0);
    expect(podState(mine)).toMatchObject({ txqlen: before.txqlen });
  });

  it('CHECK reports a changed MTU with the configured and current values', async () => {
    const conf = (s: Side) => ({
      cniVersion: '1.0.0',
      name: 'vcttune',
      type: 'tuning',
      dataDir: s.dataDir,
      mtu: 1300,
      prevResult: s.prev('1.0.0'),
    });
    const add = await both('ADD', conf);
    expect([add.r.code, add.o.code]).toEqual([0, 0]);
    for (const s of [ref, mine]) sh(`ip -n ${s.pod} link set eth0 mtu 1280`);
    const check = await both('CHECK', conf);
    expect([check.r.code, check.o.code]).toEqual([1, 1]);
    expect(check.o.json?.msg).toMatch(/configured MTU of eth0 is 1300, current value is 1280/);
    await both('DEL', conf);
    expect(podState(mine)).toMatchObject({ mtu: 1500 });
  });
});
