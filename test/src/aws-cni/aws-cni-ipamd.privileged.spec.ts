/**
 * The bundled aws-cni against the real bundled ipamd, itself running against the AWS simulator (EC2 + IMDSv2 over
 * HTTP on 127.0.0.1). ipamd currently drives no host networking (NoopHostNetwork), so it runs in this namespace and
 * only serves its unix socket; the plugin runs inside a namespace playing the node. Pods are ADDed through the SDK
 * chain executor (retrying like kubelet while ipamd fills its warm pool), ping the node and each other, and DEL
 * hands the addresses back to ipamd (checkpoint) and leaves the node as it was. Root only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AnyResult, CniError, toCurrentResult } from '@vpc-cni-ts/sdk';
import { ChainExecutor, parseConflist, type RuntimeConf } from '@vpc-cni-ts/sdk/chain';
import { createTempNetns, isRoot, type TempNetns } from '@vpc-cni-ts/sdk/testing';

import { ensureBundle as ensureIpamdBundle, ipamdFor, type IpamdProcess, simulator } from '../ipamd/harness';
import { type Simulator } from '../simulator';
import { ensureAwsCniBundle } from './bundle';

const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('aws-cni-ipamd.privileged.spec: skipped (needs root)');
jest.setTimeout(120_000);

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const ipj = (ns: string, ...args: string[]): Record<string, unknown>[] =>
  JSON.parse(sh('ip', '-n', ns, '-j', ...args) || '[]');
const ping = (ns: string, addr: string): boolean =>
  spawnSync('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '2', addr]).status === 0;
const EPHEMERAL = new Set(['stats64', 'stats', 'operstate', 'flags', 'linkinfo']);
const nodeDump = (ns: string): string =>
  JSON.stringify({
    links: ipj(ns, 'link', 'show').map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !EPHEMERAL.has(k)))),
    rules: ipj(ns, 'rule', 'show'),
    routes: ipj(ns, '-4', 'route', 'show', 'table', 'all'),
    neigh: ipj(ns, 'neigh', 'show'),
  });

d('aws-cni with the real ipamd on the AWS simulator', () => {
  let sim: Simulator;
  let ipamd: IpamdProcess;
  let work: string;
  let node: TempNetns;
  let pods: TempNetns[];
  let chain: ChainExecutor;
  let before: string;
  const results: AnyResult[] = [];
  const NODE_IP = '10.99.250.1';
  const list = () =>
    parseConflist({
      cniVersion: '0.4.0',
      name: 'aws-cni',
      plugins: [
        {
          type: 'aws-cni',
          vethPrefix: 'eni',
          mtu: '9001',
          podSGEnforcingMode: 'strict',
          pluginLogFile: join(work, 'plugin.log'),
          pluginLogLevel: 'Debug',
        },
      ],
    });
  const rt = (i: number): RuntimeConf => ({
    containerId: `ctr-real-${i}`,
    netns: pods[i].path,
    ifName: 'eth0',
    args: [
      ['IgnoreUnknown', '1'],
      ['K8S_POD_NAMESPACE', 'default'],
      ['K8S_POD_NAME', `real-${i}`],
      ['K8S_POD_INFRA_CONTAINER_ID', `ctr-real-${i}`],
    ],
  });
  /** ADD, retried like kubelet while ipamd has no address yet (code 11). */
  async function addRetrying(i: number): Promise<AnyResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await chain.add(list(), rt(i));
      } catch (e) {
        if (!(e instanceof CniError) || e.code !== 11 || attempt > 150) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  beforeAll(async () => {
    ensureIpamdBundle();
    const bundle = ensureAwsCniBundle();
    work = mkdtempSync(join(tmpdir(), 'vct-acni-real-'));
    sim = await simulator();
    ipamd = ipamdFor(sim);
    await ipamd.start();
    node = await createTempNetns({ prefix: 'vct-acni-rn' });
    pods = [await createTempNetns({ prefix: 'vct-acni-rp0' }), await createTempNetns({ prefix: 'vct-acni-rp1' })];
    sh('ip', '-n', node.name, 'addr', 'add', `${NODE_IP}/32`, 'dev', 'lo');
    sh('ip', 'netns', 'exec', node.name, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'aws-cni'), `#!/bin/sh\nexec nsenter --net=${node.path} ${process.execPath} ${bundle}\n`);
    chmodSync(join(bin, 'aws-cni'), 0o755);
    chain = new ChainExecutor({
      binDirs: [bin],
      cacheDir: join(work, 'cache'),
      baseEnv: { PATH: process.env.PATH, IPAMD_SOCKET_PATH: ipamd.socket },
    });
    before = nodeDump(node.name);
  }, 180_000);

  afterAll(async () => {
    await ipamd?.stop();
    ipamd?.cleanup();
    await sim?.stop();
    for (const ns of [...(pods ?? []), node]) await ns?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ADD gets addresses from ipamd for two pods; they ping the node and each other; the checkpoint holds them', async () => {
    results.push(await addRetrying(0), await addRetrying(1));
    const ips = results.map((r) => String(toCurrentResult(r).ips?.[0]?.address).split('/')[0]);
    expect(ips[0]).toMatch(/^10\.99\./);
    expect(ips[0]).not.toBe(ips[1]);
    expect(ping(pods[0].name, NODE_IP)).toBe(true);
    expect(ping(pods[0].name, ips[1])).toBe(true);
    expect(ping(pods[1].name, ips[0])).toBe(true);
    const cp = ipamd.readCheckpoint();
    expect(cp.allocations.map((a) => [a.containerID, a.ipv4, a.networkName, a.ifName]).sort()).toEqual(
      [
        ['ctr-real-0', ips[0], 'aws-cni', 'eth0'],
        ['ctr-real-1', ips[1], 'aws-cni', 'eth0'],
      ].sort(),
    );
  });

  it("the rules match the ENI table ipamd chose (kept in the result's container mac)", () => {
    for (const r of results) {
      const cur = toCurrentResult(r);
      const ip = String(cur.ips?.[0]?.address).split('/')[0];
      const table = cur.interfaces?.[1]?.mac;
      const mine = ipj(node.name, 'rule', 'show').filter((x) => x.dst === ip || x.src === ip);
      const expected: unknown[] = [expect.objectContaining({ priority: 512, dst: ip, table: 'main' })];
      if (table !== '254') expected.push(expect.objectContaining({ priority: 1536, src: ip, table }));
      expect(mine).toEqual(expected);
    }
  });

  it('DEL returns the addresses to ipamd and leaves the node as it was; a second DEL ("unknown pod") succeeds', async () => {
    for (const i of [0, 1]) {
      await chain.del(list(), rt(i));
      await chain.del(list(), { ...rt(i), netns: '' });
    }
    expect(nodeDump(node.name)).toEqual(before);
    expect(ipamd.readCheckpoint().allocations).toEqual([]);
  });
});
