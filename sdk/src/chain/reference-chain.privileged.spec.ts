// SPDX-License-Identifier: Apache-2.0
// The chain executor drives Debian's reference plugins (ptp + host-local, tuning, bandwidth) on a namespace made
// here: ADD gives a pingable address, CHECK passes, DEL leaves no veth, ifb, lease, qdisc or backup file behind,
// and a second DEL still succeeds. Root only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { toCurrentResult } from '../spec/convert/convert';
import { type Result100 } from '../spec/types/result-100';
import { createTempNetns, isRoot, type TempNetns } from '../testing/netns';
import { ChainExecutor, type RuntimeConf } from './chain-executor';
import { parseConflist } from './conflist';

const d = isRoot() && existsSync('/usr/lib/cni/ptp') ? describe : describe.skip;
if (!isRoot()) console.log('reference-chain.privileged.spec: skipped (needs root)');

jest.setTimeout(30_000);

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const linkExists = (name: string): boolean => spawnSync('ip', ['link', 'show', 'dev', name]).status === 0;
const qdiscDevs = (): string[] => (JSON.parse(sh('tc', '-j', 'qdisc', 'show')) as { dev: string }[]).map((q) => q.dev);

/** Removes nat chains/rules left by ptp's ipMasq for our network (none expected; a safety net). */
function removeLeakedCniChains(network: string): void {
  const rules = spawnSync('iptables', ['-t', 'nat', '-S'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of rules.split('\n')) {
    if (!line.startsWith('-A ') || !line.includes(`name: \\"${network}\\"`)) continue;
    spawnSync('iptables', [
      '-t',
      'nat',
      ...line
        .replace(/^-A /, '-D ')
        .match(/"[^"]*"|\S+/g)!
        .map((t) => t.replace(/^"|"$/g, '')),
    ]);
  }
}

d.each(['1.0.0', '0.4.0'])('reference plugins through the chain executor (cniVersion %s)', (cniVersion) => {
  const octet = 180 + Math.floor(Math.random() * 60);
  const network = `vct-sdk-${Math.random().toString(16).slice(2, 8)}`;
  let ns: TempNetns;
  let work: string;
  let forward: string;
  let chain: ChainExecutor;
  let rt: RuntimeConf;
  let result: Result100;
  const list = () =>
    parseConflist({
      cniVersion,
      name: network,
      plugins: [
        {
          type: 'ptp',
          ipMasq: false,
          mtu: 1500,
          ipam: {
            type: 'host-local',
            dataDir: join(work, 'ipam'),
            ranges: [[{ subnet: `10.99.${octet}.0/24` }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        {
          type: 'tuning',
          capabilities: { mac: true },
          mtu: 1400,
          sysctl: { 'net.core.somaxconn': '512' },
          dataDir: join(work, 'tuning'),
        },
        { type: 'bandwidth', capabilities: { bandwidth: true } },
      ],
    });

  beforeAll(async () => {
    forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
    work = mkdtempSync(join(tmpdir(), 'vct-sdk-ref-'));
    ns = await createTempNetns({ prefix: 'vct-sdk' });
    chain = new ChainExecutor({ binDirs: ['/usr/lib/cni'], cacheDir: join(work, 'cache') });
    rt = {
      containerId: `ctr-${network}`,
      netns: ns.path,
      ifName: 'eth0',
      args: [
        ['IgnoreUnknown', '1'],
        ['K8S_POD_NAME', 'web'],
        ['K8S_POD_NAMESPACE', 'default'],
      ],
      capabilityArgs: {
        mac: '0a:58:0a:63:00:99',
        bandwidth: { ingressRate: 8_000_000, ingressBurst: 160_000, egressRate: 8_000_000, egressBurst: 160_000 },
        portMappings: [{ hostPort: 8080, containerPort: 80 }], // offered, declared by no plugin: not injected
      },
    };
  });

  afterAll(async () => {
    try {
      await chain.del(list(), rt).catch(() => undefined);
    } finally {
      await ns?.destroy();
      writeFileSync('/proc/sys/net/ipv4/ip_forward', forward);
      removeLeakedCniChains(network);
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('ADD wires the pod: address, MAC, MTU, shaping; it answers ping from the host', async () => {
    const r = await chain.add(list(), rt);
    expect(r.cniVersion).toBe(cniVersion);
    result = toCurrentResult(r);
    const [hostVeth, pod, ifb] = result.interfaces ?? [];
    expect(pod).toMatchObject({ name: 'eth0', sandbox: ns.path, mac: '0a:58:0a:63:00:99' });
    expect(hostVeth.sandbox ?? '').toBe('');
    expect(ifb.name).toMatch(/^bwp[0-9a-f]{12}$/);
    expect(result.ips?.[0]).toMatchObject({
      address: `10.99.${octet}.2/24`,
      gateway: `10.99.${octet}.1`,
      interface: 1,
    });
    const inPod = JSON.parse(sh('ip', '-n', ns.name, '-j', 'link', 'show', 'eth0'))[0];
    expect(inPod).toMatchObject({ mtu: 1400, address: '0a:58:0a:63:00:99' });
    expect(sh('ip', 'netns', 'exec', ns.name, 'cat', '/proc/sys/net/core/somaxconn').trim()).toBe('512');
    expect(sh('tc', 'qdisc', 'show', 'dev', hostVeth.name)).toMatch(/tbf .*rate 8Mbit/);
    expect(sh('tc', 'qdisc', 'show', 'dev', ifb.name)).toMatch(/tbf .*rate 8Mbit/);
    expect(readdirSync(join(work, 'ipam', network))).toContain(`10.99.${octet}.2`);
    expect(spawnSync('ping', ['-c', '1', '-W', '2', `10.99.${octet}.2`]).status).toBe(0);
  });

  it('CHECK passes', async () => {
    await expect(chain.check(list(), rt)).resolves.toBeUndefined();
  });

  it('DEL leaves no veth, ifb, lease, qdisc or tuning backup behind; a second DEL succeeds', async () => {
    const [hostVeth, , ifb] = result.interfaces ?? [];
    await chain.del(list(), rt);
    expect(linkExists(hostVeth.name)).toBe(false);
    expect(linkExists(ifb.name)).toBe(false);
    expect(qdiscDevs()).not.toEqual(expect.arrayContaining([hostVeth.name]));
    expect(qdiscDevs()).not.toEqual(expect.arrayContaining([ifb.name]));
    expect(readdirSync(join(work, 'ipam', network)).filter((f) => f.startsWith('10.'))).toEqual([]);
    expect(existsSync(join(work, 'tuning')) ? readdirSync(join(work, 'tuning')) : []).toEqual([]);
    expect(await chain.cachedResult(list(), rt)).toBeUndefined();
    expect(spawnSync('ip', ['-n', ns.name, 'link', 'show', 'eth0']).status).not.toBe(0);
    await expect(chain.del(list(), rt)).resolves.toBeUndefined();
  });
});
