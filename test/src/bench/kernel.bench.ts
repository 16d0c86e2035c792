// SPDX-License-Identifier: Apache-2.0
/**
 * Kernel adapter cost of a typical pod set-up (upstream's regular-pod ADD: veth with the peer born in the host
 * namespace, /32, on-link gateway route, default route, permanent neighbour; host route and rules at 512 and 1536)
 * and teardown, through `IpRoute2Kernel` (one `ip -batch` per namespace), beside:
 *  - the same operations as one `ip` process each (what batching saves), and
 *  - Debian's ptp plugin with host-local IPAM (ipMasq false), ADD then DEL, run in the same "host" namespace.
 * Everything happens in throwaway namespaces (vct-kbench-*); the real root namespace is untouched. Root only.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IpRoute2Kernel, type NetnsRef, SpawnRunner } from '@vpc-cni-ts/sdk/kernel';
import { createTempNetns, type TempNetns } from '@vpc-cni-ts/sdk/testing';

import { benchEnv, isRoot, stats, timedSpawn, timeIt } from './stats';
import { type BenchRow, type BenchSuite } from './suite';

const N = 30;
const PTP = '/usr/lib/cni/ptp';
const HOST_MAC = '02:99:00:00:00:01';

function podIp(i: number): string {
  return `10.99.${40 + Math.floor((i + 10) / 200)}.${((i + 10) % 200) + 2}`;
}

async function oursAdd(kernel: IpRoute2Kernel, host: NetnsRef, pod: NetnsRef, ip: string): Promise<void> {
  await kernel
    .batch(pod)
    .addVeth({ name: 'eth0', peerName: 'enibench0', peerNetns: host, peerMac: HOST_MAC, mtu: 9001 })
    .setLinkUp('eth0')
    .replaceRoute({ dst: '169.254.1.1', dev: 'eth0', scope: 'link' })
    .replaceRoute({ dst: 'default', via: '169.254.1.1', dev: 'eth0' })
    .addAddress({ dev: 'eth0', cidr: `${ip}/32` })
    .replaceNeighbour({ dev: 'eth0', ip: '169.254.1.1', mac: HOST_MAC })
    .commit();
  await kernel
    .batch(host)
    .setLinkUp('enibench0')
    .replaceRoute({ dst: ip, dev: 'enibench0', scope: 'link' })
    .addRule({ to: ip, table: 'main', priority: 512 }, { existOk: true })
    .addRule({ from: ip, table: 2, priority: 1536 }, { existOk: true })
    .commit();
}

async function oursDel(kernel: IpRoute2Kernel, host: NetnsRef, ip: string): Promise<void> {
  await kernel
    .batch(host)
    .deleteRule({ to: ip, table: 'main', priority: 512 }, { missingOk: true })
    .deleteRules({ from: ip, priority: 1536 })
    .deleteRoute({ dst: ip, dev: 'enibench0' }, { missingOk: true })
    .deleteLink('enibench0', { missingOk: true })
    .commit();
}

/** The same ADD as one `ip` process per operation. */
function perOpAdd(host: string, pod: string, ip: string): void {
  const cmds: string[][] = [
    [
      '-n',
      pod,
      'link',
      'add',
      'eth0',
      'mtu',
      '9001',
      'type',
      'veth',
      'peer',
      'name',
      'enibench0',
      'address',
      HOST_MAC,
      'mtu',
      '9001',
      'netns',
      host,
    ],
    ['-n', pod, 'link', 'set', 'dev', 'eth0', 'up'],
    ['-n', pod, 'route', 'replace', '169.254.1.1/32', 'dev', 'eth0', 'scope', 'link'],
    ['-n', pod, 'route', 'replace', 'default', 'via', '169.254.1.1', 'dev', 'eth0'],
    ['-n', pod, 'addr', 'add', `${ip}/32`, 'dev', 'eth0'],
    ['-n', pod, 'neigh', 'replace', '169.254.1.1', 'lladdr', HOST_MAC, 'dev', 'eth0', 'nud', 'permanent'],
    ['-n', host, 'link', 'set', 'dev', 'enibench0', 'up'],
    ['-n', host, 'route', 'replace', `${ip}/32`, 'dev', 'enibench0', 'scope', 'link'],
    ['-n', host, 'rule', 'add', 'to', ip, 'priority', '512', 'table', 'main'],
    ['-n', host, 'rule', 'add', 'from', ip, 'priority', '1536', 'table', '2'],
  ];
  for (const c of cmds) timedSpawn('ip', c);
}

function perOpDel(host: string, ip: string): void {
  for (const c of [
    ['-n', host, 'rule', 'del', 'to', ip, 'priority', '512', 'table', 'main'],
    ['-n', host, 'rule', 'del', 'from', ip, 'priority', '1536', 'table', '2'],
    ['-n', host, 'route', 'del', `${ip}/32`, 'dev', 'enibench0'],
    ['-n', host, 'link', 'del', 'enibench0'],
  ]) {
    timedSpawn('ip', c);
  }
}

function ptp(command: 'ADD' | 'DEL', host: TempNetns, pod: TempNetns, id: string, dataDir: string): number {
  const conf = JSON.stringify({
    cniVersion: '1.0.0',
    name: 'vct-kbench',
    type: 'ptp',
    ipMasq: false,
    mtu: 9001,
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.99.128.0/24' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir },
  });
  const env = benchEnv({
    CNI_COMMAND: command,
    CNI_CONTAINERID: id,
    CNI_NETNS: pod.path,
    CNI_IFNAME: 'eth0',
    CNI_PATH: '/usr/lib/cni',
  });
  // nsenter puts the plugin in our throwaway "host" namespace (it adds ~0.7 ms; measured below and reported).
  return timedSpawn('nsenter', [`--net=${host.path}`, PTP], { input: conf, env });
}

async function withPods<T>(n: number, fn: (pods: TempNetns[]) => Promise<T>): Promise<T> {
  const pods: TempNetns[] = [];
  try {
    for (let i = 0; i < n; i++) pods.push(await createTempNetns({ prefix: 'vct-kbench' }));
    return await fn(pods);
  } finally {
    for (const p of pods) await p.destroy().catch(() => undefined);
  }
}

export const suite: BenchSuite = {
  name: 'kernel',
  async run() {
    if (!isRoot()) return { skipped: 'needs root (creates network namespaces)' };
    if (!existsSync(PTP)) return { skipped: `${PTP} not installed (containernetworking-plugins)` };
    const host = await createTempNetns({ prefix: 'vct-kbench' });
    const dataDir = mkdtempSync(join(tmpdir(), 'vct-kbench-ipam-'));
    try {
      const runner = new SpawnRunner();
      const kernel = new IpRoute2Kernel({ runner });
      const warm = 2;
      const total = N + warm;

      // Interleaved: each iteration runs the three variants (rotating order) on fresh pod namespaces.
      const oursAddMs: number[] = [];
      const oursDelMs: number[] = [];
      const perOpAddMs: number[] = [];
      const perOpDelMs: number[] = [];
      const ptpAddMs: number[] = [];
      const ptpDelMs: number[] = [];
      let spawnsAdd = 0;
      let spawnsDel = 0;
      const ms = (a: bigint, b: bigint) => Number(b - a) / 1e6;
      for (let i = 0; i < total; i++) {
        const keep = i >= warm;
        await withPods(3, async ([p1, p2, p3]) => {
          const variants = [
            async () => {
              const ip = podIp(3 * i);
              const s0 = runner.spawned;
              const t0 = process.hrtime.bigint();
              await oursAdd(kernel, host.ref, p1.ref, ip);
              const t1 = process.hrtime.bigint();
              const s1 = runner.spawned;
              await oursDel(kernel, host.ref, ip);
              const t2 = process.hrtime.bigint();
              spawnsAdd = s1 - s0;
              spawnsDel = runner.spawned - s1;
              if (keep) {
                oursAddMs.push(ms(t0, t1));
                oursDelMs.push(ms(t1, t2));
              }
            },
            async () => {
              const ip = podIp(3 * i + 1);
              const t0 = process.hrtime.bigint();
              perOpAdd(host.name, p2.name, ip);
              const t1 = process.hrtime.bigint();
              perOpDel(host.name, ip);
              const t2 = process.hrtime.bigint();
              if (keep) {
                perOpAddMs.push(ms(t0, t1));
                perOpDelMs.push(ms(t1, t2));
              }
            },
            async () => {
              const id = `vct-kbench-${i}`;
              const add = ptp('ADD', host, p3, id, dataDir);
              const del = ptp('DEL', host, p3, id, dataDir);
              if (keep) {
                ptpAddMs.push(add);
                ptpDelMs.push(del);
              }
            },
          ];
          for (let k = 0; k < 3; k++) await variants[(i + k) % 3]();
        });
      }
      const nsenterMs = await timeIt(N, () => timedSpawn('nsenter', [`--net=${host.path}`, '/bin/true']));
      const ipMs = await timeIt(N, () => timedSpawn('ip', ['-n', host.name, 'link', 'show', 'lo']));

      const rows: BenchRow[] = [
        {
          name: `pod ADD kernel work, batched (${spawnsAdd} processes)`,
          ours: stats(oursAddMs),
          reference: { label: 'same ops, one ip process each (10)', ...stats(perOpAddMs) },
          unit: 'ms',
        },
        {
          name: 'pod ADD kernel work, batched',
          ours: stats(oursAddMs),
          reference: { label: 'Debian ptp + host-local ADD (whole plugin)', ...stats(ptpAddMs) },
          unit: 'ms',
          note: `ptp includes its own process start and host-local IPAM; it runs under nsenter (p50 ${stats(nsenterMs).p50.toFixed(2)} ms for nsenter + /bin/true). One 'ip -n <ns> link show' costs p50 ${stats(ipMs).p50.toFixed(2)} ms here.`,
        },
        {
          name: `pod DEL kernel work, batched (${spawnsDel} process)`,
          ours: stats(oursDelMs),
          reference: { label: 'same ops, one ip process each (4)', ...stats(perOpDelMs) },
          unit: 'ms',
          note: 'DEL deletes the host veth too (as ptp does; upstream leaves it to die with the netns); the kernel side of a veth delete dominates.',
        },
        {
          name: 'pod DEL kernel work, batched',
          ours: stats(oursDelMs),
          reference: { label: 'Debian ptp + host-local DEL (whole plugin)', ...stats(ptpDelMs) },
          unit: 'ms',
        },
      ];
      return rows;
    } finally {
      await host.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
