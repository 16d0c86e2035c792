// SPDX-License-Identifier: Apache-2.0
// Real kernel, root only: client -> router -> server, three throwaway namespaces (vct-fw-*), 10.99.10.0/24 and
// 10.99.20.0/24. The server has no route back to the client's subnet, so a reply only arrives if the router's SNAT
// worked; conntrack in the router shows the connmark.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

import { type TempNetns, createTempNetns, isRoot } from '../testing/netns';
import { IpRoute2Kernel } from './iproute2-kernel';
import { type IptablesOp } from './iptables-rules';
import { ToolFirewall } from './tool-firewall';

const run = promisify(execFile);
const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('tool-firewall.privileged.spec: skipped (needs root)');

const kernel = new IpRoute2Kernel();
const fw = new ToolFirewall();

interface Topology {
  client: TempNetns;
  router: TempNetns;
  server: TempNetns;
}

async function makeTopology(): Promise<Topology> {
  const client = await createTempNetns({ prefix: 'vct-fw' });
  const router = await createTempNetns({ prefix: 'vct-fw' });
  const server = await createTempNetns({ prefix: 'vct-fw' });
  await kernel
    .batch(router.ref)
    .setSysctl({ key: 'net/ipv4/ip_forward', value: 1 })
    .addVeth({ name: 'rc0', peerName: 'eth0', peerNetns: client.ref })
    .addVeth({ name: 'rs0', peerName: 'eth0', peerNetns: server.ref })
    .addAddress({ dev: 'rc0', cidr: '10.99.10.1/24' })
    .addAddress({ dev: 'rs0', cidr: '10.99.20.1/24' })
    .setLinkUp('rc0')
    .setLinkUp('rs0')
    .commit();
  await kernel
    .batch(client.ref)
    .addAddress({ dev: 'eth0', cidr: '10.99.10.2/24' })
    .setLinkUp('eth0')
    .replaceRoute({ dst: 'default', via: '10.99.10.1', dev: 'eth0' })
    .commit();
  await kernel.batch(server.ref).addAddress({ dev: 'eth0', cidr: '10.99.20.2/24' }).setLinkUp('eth0').commit();
  return { client, router, server };
}

async function destroy(t: Partial<Topology>): Promise<void> {
  for (const ns of [t.client, t.router, t.server]) await ns?.destroy();
}

/** Server listens once with nc -v; the client connects; resolves with what the server printed. */
async function connectOnce(t: Topology, port: number): Promise<string> {
  const server: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', t.server.name, 'nc', '-n', '-v', '-l', '-w', '3', '10.99.20.2', String(port)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  server.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  server.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<void>((r) => server.on('close', () => r()));
  try {
    for (let i = 0; i < 50 && !/Listening/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
    await run('ip', ['netns', 'exec', t.client.name, 'sh', '-c', `echo hello | nc -n -w 2 -N 10.99.20.2 ${port}`]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
    clearTimeout(timer);
  } finally {
    server.kill();
    await exited;
  }
  return out;
}

d('ToolFirewall on a real kernel', () => {
  it('detects the host iptables backend from `iptables --version`', async () => {
    const { stdout } = await run('iptables', ['--version']);
    expect(await fw.detectBackend()).toBe(/legacy/.test(stdout) ? 'legacy' : 'nf_tables');
  });

  describe('iptables: SNAT --random-fully and connmark on real traffic', () => {
    const t: Partial<Topology> = {};
    beforeAll(async () => Object.assign(t, await makeTopology()));
    afterAll(() => destroy(t));

    const ops: IptablesOp[] = [
      { kind: 'ensure-chain', table: 'nat', chain: 'VCT-SNAT-0' },
      {
        kind: 'replace-chain',
        table: 'nat',
        chain: 'VCT-SNAT-0',
        rules: [
          ['-d', '10.99.10.0/24', '-m', 'comment', '--comment', 'VCT SNAT EXCLUSION', '-j', 'RETURN'],
          [
            '-o',
            'rs0',
            '-m',
            'comment',
            '--comment',
            'VCT, SNAT',
            '-j',
            'SNAT',
            '--to-source',
            '10.99.20.1',
            '--random-fully',
          ],
        ],
      },
      {
        kind: 'ensure-rule',
        table: 'nat',
        chain: 'POSTROUTING',
        args: ['-s', '10.99.10.0/24', '-m', 'comment', '--comment', 'VCT SNAT CHAIN', '-j', 'VCT-SNAT-0'],
      },
      {
        kind: 'ensure-rule',
        table: 'mangle',
        chain: 'PREROUTING',
        args: ['-i', 'rc0', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'CONNMARK', '--set-xmark', '0x80/0x80'],
      },
      {
        kind: 'ensure-rule',
        table: 'mangle',
        chain: 'PREROUTING',
        args: ['-i', 'rs0', '-j', 'CONNMARK', '--restore-mark', '--nfmask', '0x80', '--ctmask', '0x80'],
      },
    ];

    it('applies once, then again with no change (idempotent), and lists the rules as the kernel holds them', async () => {
      const first = await fw.applyIptables(t.router!.ref, 4, ops);
      expect(first).toEqual({ changes: 5, spawns: 2 });
      const second = await fw.applyIptables(t.router!.ref, 4, ops);
      expect(second).toEqual({ changes: 0, spawns: 1 });
      const snat = await fw.listIptablesRules(t.router!.ref, 4, 'nat', 'VCT-SNAT-0');
      expect(snat.map((r) => r.args)).toEqual([
        ['-d', '10.99.10.0/24', '-m', 'comment', '--comment', 'VCT SNAT EXCLUSION', '-j', 'RETURN'],
        [
          '-o',
          'rs0',
          '-m',
          'comment',
          '--comment',
          'VCT, SNAT',
          '-j',
          'SNAT',
          '--to-source',
          '10.99.20.1',
          '--random-fully',
        ],
      ]);
      expect(await fw.listIptablesChains(t.router!.ref, 4, 'nat')).toContain('VCT-SNAT-0');
      expect((await fw.listIptablesRules(t.router!.ref, 4, 'mangle', 'PREROUTING')).length).toBe(2);
    });

    it('the server sees the translated source, and conntrack carries the connmark', async () => {
      const out = await connectOnce(t as Topology, 8080);
      expect(out).toMatch(/Connection received on 10\.99\.20\.1 \d+/);
      expect(out).toContain('hello');
      const { stdout, stderr } = await run('ip', [
        'netns',
        'exec',
        t.router!.name,
        'conntrack',
        '-L',
        '-p',
        'tcp',
        '--dport',
        '8080',
      ]);
      expect(stdout + stderr).toMatch(
        /src=10\.99\.10\.2 dst=10\.99\.20\.2 .*src=10\.99\.20\.2 dst=10\.99\.20\.1 .*mark=128/,
      );
      const { stdout: counters } = await run('ip', [
        'netns',
        'exec',
        t.router!.name,
        'iptables',
        '-t',
        'nat',
        '-L',
        'VCT-SNAT-0',
        '-v',
        '-n',
      ]);
      expect(counters).toMatch(/random-fully/);
    });

    it('deletes rules and chains (with the jumps to them) idempotently', async () => {
      const del: IptablesOp[] = [
        {
          kind: 'delete-rule',
          table: 'mangle',
          chain: 'PREROUTING',
          args: ['-i', 'rs0', '-j', 'CONNMARK', '--restore-mark', '--nfmask', '0x80', '--ctmask', '0x80'],
        },
        { kind: 'delete-chain', table: 'nat', chain: 'VCT-SNAT-0' },
      ];
      expect((await fw.applyIptables(t.router!.ref, 4, del)).changes).toBe(2);
      expect((await fw.applyIptables(t.router!.ref, 4, del)).changes).toBe(0);
      expect(await fw.listIptablesChains(t.router!.ref, 4, 'nat')).not.toContain('VCT-SNAT-0');
      expect(await fw.listIptablesRules(t.router!.ref, 4, 'nat', 'POSTROUTING')).toEqual([]);
      expect((await fw.listIptablesRules(t.router!.ref, 4, 'mangle', 'PREROUTING')).length).toBe(1);
    });

    it('rules written in the short forms are recognised on the next apply (no duplicates)', async () => {
      const ops: IptablesOp[] = [
        {
          kind: 'ensure-rule',
          table: 'mangle',
          chain: 'PREROUTING',
          args: ['-i', 'rc0', '-j', 'CONNMARK', '--set-mark', '0x80/0x80'],
        },
        {
          kind: 'ensure-rule',
          table: 'mangle',
          chain: 'PREROUTING',
          args: ['-i', 'rs0', '-j', 'CONNMARK', '--restore-mark', '--mask', '0x80'],
        },
        {
          kind: 'ensure-rule',
          table: 'filter',
          chain: 'INPUT',
          args: ['-p', 'tcp', '--dport', '80', '-m', 'comment', '--comment', 'x', '-j', 'ACCEPT'],
        },
        {
          kind: 'ensure-rule',
          table: 'nat',
          chain: 'POSTROUTING',
          args: ['--source', '10.99.10.9', '-j', 'MASQUERADE'],
        },
      ];
      await fw.applyIptables(t.router!.ref, 4, ops);
      expect(await fw.applyIptables(t.router!.ref, 4, ops)).toEqual({ changes: 0, spawns: 1 });
      await fw.applyIptables(
        t.router!.ref,
        4,
        ops.map((o) => ({ ...o, kind: 'delete-rule' }) as IptablesOp),
      );
      expect(await fw.listIptablesRules(t.router!.ref, 4, 'filter', 'INPUT')).toEqual([]);
    });

    it('ip6tables through the same path', async () => {
      const r = await fw.applyIptables(t.router!.ref, 6, [
        {
          kind: 'ensure-rule',
          table: 'filter',
          chain: 'FORWARD',
          args: [
            '-d',
            'fd99::/64',
            '-m',
            'conntrack',
            '--ctstate',
            'NEW',
            '-m',
            'comment',
            '--comment',
            'VCT block',
            '-j',
            'REJECT',
          ],
          position: 'insert',
        },
      ]);
      expect(r.changes).toBe(1);
      expect((await fw.listIptablesRules(t.router!.ref, 6, 'filter', 'FORWARD'))[0].args).toEqual(
        expect.arrayContaining(['-d', 'fd99::/64', '--comment', 'VCT block', 'REJECT']),
      );
    });

    it('a restore failure names the line and the namespace', async () => {
      const e = await fw
        .applyIptables(t.router!.ref, 4, [
          { kind: 'ensure-rule', table: 'nat', chain: 'POSTROUTING', args: ['-j', 'NO-SUCH-CHAIN'] },
        ])
        .catch((x: unknown) => x);
      expect(e).toMatchObject({
        kind: 'not-found',
        op: 'iptables-restore',
        object: expect.stringContaining('-A POSTROUTING -j NO-SUCH-CHAIN'),
      });
      expect(String(e)).toContain(t.router!.name);
    });

    it('a missing binary is a typed error', async () => {
      const broken = new ToolFirewall({ iptablesSave: '/nonexistent/iptables-save' });
      const e = await broken
        .applyIptables(t.router!.ref, 4, [{ kind: 'ensure-chain', table: 'nat', chain: 'X' }])
        .catch((x: unknown) => x);
      expect(e).toMatchObject({ kind: 'missing-binary' });
    });
  });

  describe('nftables: masquerade fully-random and ct mark on real traffic', () => {
    const t: Partial<Topology> = {};
    beforeAll(async () => Object.assign(t, await makeTopology()));
    afterAll(() => destroy(t));

    const spec = {
      family: 'ip',
      name: 'vct-cni',
      chains: [
        {
          name: 'nat-prerouting',
          type: 'nat',
          hook: 'prerouting',
          priority: -90,
          rules: ['fib daddr type local return', 'iifname "rc0" jump snat-mark', 'meta mark set ct mark & 0x80'],
        },
        { name: 'snat-mark', rules: ['ip daddr 10.99.10.0/24 return', 'ct mark set ct mark | 0x80'] },
        {
          name: 'post',
          type: 'nat',
          hook: 'postrouting',
          priority: 100,
          rules: ['ip saddr 10.99.10.0/24 oifname "rs0" masquerade fully-random'],
        },
      ],
    } as const;

    it('applies a table twice (same result), lists it, shapes traffic, deletes it idempotently', async () => {
      await fw.applyNftTable(t.router!.ref, spec);
      await fw.applyNftTable(t.router!.ref, spec);
      const table = await fw.listNftTable(t.router!.ref, 'ip', 'vct-cni');
      expect(table?.chains.map((c) => c.name).sort()).toEqual(['nat-prerouting', 'post', 'snat-mark']);
      expect(table?.chains.find((c) => c.name === 'nat-prerouting')).toMatchObject({
        type: 'nat',
        hook: 'prerouting',
        priority: -90,
      });
      expect(table?.rules.length).toBe(6);

      const out = await connectOnce(t as Topology, 8081);
      expect(out).toMatch(/Connection received on 10\.99\.20\.1 \d+/);
      const { stdout, stderr } = await run('ip', [
        'netns',
        'exec',
        t.router!.name,
        'conntrack',
        '-L',
        '-p',
        'tcp',
        '--dport',
        '8081',
      ]);
      expect(stdout + stderr).toMatch(/src=10\.99\.20\.2 dst=10\.99\.20\.1 .*mark=128/);

      await fw.deleteNftTable(t.router!.ref, 'ip', 'vct-cni');
      await fw.deleteNftTable(t.router!.ref, 'ip', 'vct-cni');
      expect(await fw.listNftTable(t.router!.ref, 'ip', 'vct-cni')).toBeUndefined();
    });

    it('refuses a rule that could smuggle another command', async () => {
      await expect(
        fw.applyNftTable(t.router!.ref, {
          family: 'ip',
          name: 'x',
          chains: [{ name: 'c', rules: ['accept; flush ruleset'] }],
        }),
      ).rejects.toMatchObject({
        kind: 'invalid-argument',
      });
    });
  });
});
