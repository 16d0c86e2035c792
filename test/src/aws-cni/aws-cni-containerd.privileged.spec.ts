/**
 * containerd (CRI) drives the bundled aws-cni, which gets its addresses from the real bundled ipamd on the AWS
 * simulator. containerd and so every plugin it execs run inside a namespace playing the node (the harness enters it
 * with nsenter --net), so the real root namespace is not touched; ipamd drives no host networking yet and serves its
 * unix socket from here. RunPodSandbox -> ADD, Stop/RemovePodSandbox -> DEL (containerd may call it more than once).
 * Root and containerd only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTempNetns, type TempNetns } from '@vpc-cni-ts/sdk/testing';

import { Containerd } from '../e2e/containerd';
import { ensureBundle as ensureIpamdBundle, ipamdFor, type IpamdProcess, simulator } from '../ipamd/harness';
import { type Simulator } from '../simulator';
import { ensureAwsCniBundle } from './bundle';

const isRoot = process.getuid?.() === 0;
const hasContainerd = spawnSync('which', ['containerd']).status === 0;
const d = isRoot && hasContainerd ? describe : describe.skip;
if (!isRoot || !hasContainerd) console.log('aws-cni-containerd.privileged.spec: skipped (needs root and containerd)');
jest.setTimeout(120_000);

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const ipj = (ns: string, ...args: string[]): Record<string, unknown>[] =>
  JSON.parse(sh('ip', '-n', ns, '-j', ...args) || '[]');
const EPHEMERAL = new Set(['stats64', 'stats', 'operstate', 'flags', 'linkinfo']);
const nodeDump = (ns: string): string =>
  JSON.stringify({
    links: ipj(ns, 'link', 'show').map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !EPHEMERAL.has(k)))),
    rules: ipj(ns, 'rule', 'show'),
    routes: ipj(ns, '-4', 'route', 'show', 'table', 'all'),
  });

d('containerd + aws-cni + ipamd on the AWS simulator', () => {
  let sim: Simulator;
  let ipamd: IpamdProcess;
  let node: TempNetns;
  let ctrd: Containerd;
  let work: string;
  let before: string;

  beforeAll(async () => {
    ensureIpamdBundle();
    const bundle = ensureAwsCniBundle();
    work = mkdtempSync(join(tmpdir(), 'vct-acni-ctrd-'));
    sim = await simulator();
    ipamd = ipamdFor(sim);
    await ipamd.start();
    node = await createTempNetns({ prefix: 'vct-acni-cn' });
    sh('ip', '-n', node.name, 'addr', 'add', '10.99.250.1/32', 'dev', 'lo');
    sh('ip', 'netns', 'exec', node.name, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    const bin = join(work, 'bin');
    const conf = join(work, 'net.d');
    mkdirSync(bin);
    mkdirSync(conf);
    writeFileSync(join(bin, 'aws-cni'), `#!/bin/sh\nexec ${process.execPath} ${bundle}\n`);
    chmodSync(join(bin, 'aws-cni'), 0o755);
    symlinkSync('/usr/lib/cni/loopback', join(bin, 'loopback'));
    writeFileSync(
      join(conf, '10-aws.conflist'),
      JSON.stringify({
        cniVersion: '0.4.0',
        name: 'aws-cni',
        disableCheck: true,
        plugins: [
          {
            name: 'aws-cni',
            type: 'aws-cni',
            vethPrefix: 'eni',
            mtu: '9001',
            podSGEnforcingMode: 'strict',
            pluginLogFile: join(work, 'plugin.log'),
            pluginLogLevel: 'Debug',
            capabilities: { 'io.kubernetes.cri.pod-annotations': true },
          },
        ],
      }),
    );
    before = nodeDump(node.name);
    ctrd = await Containerd.start({
      cniBinDir: bin,
      cniConfDir: conf,
      netnsPath: node.path,
      env: { IPAMD_SOCKET_PATH: ipamd.socket },
    });
  }, 180_000);

  afterAll(async () => {
    await ctrd?.stop();
    await ipamd?.stop();
    ipamd?.cleanup();
    await sim?.stop();
    await node?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  /** RunPodSandbox, retried like kubelet while ipamd fills its warm pool. */
  async function runPod(name: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await ctrd.cri.runPodSandbox({ name, namespace: 'default', uid: `uid-${name}` });
      } catch (e) {
        if (attempt > 60) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  it('two pod sandboxes get VPC addresses from ipamd, reachable from the node; removing them leaves nothing', async () => {
    const ids = [await runPod('ctrd-a'), await runPod('ctrd-b')];
    const ips: string[] = [];
    for (const id of ids) {
      const st = await ctrd.cri.podSandboxStatus(id);
      expect(st.state).toBe('SANDBOX_READY');
      expect(st.ip).toMatch(/^10\.99\./);
      ips.push(st.ip);
      expect(spawnSync('ip', ['netns', 'exec', node.name, 'ping', '-c1', '-W2', st.ip]).status).toBe(0);
      expect(ipj(node.name, 'rule', 'show')).toEqual(
        expect.arrayContaining([expect.objectContaining({ priority: 512, dst: st.ip })]),
      );
    }
    expect(
      ipamd
        .readCheckpoint()
        .allocations.map((a) => a.ipv4)
        .sort(),
    ).toEqual([...ips].sort());
    for (const id of ids) {
      await ctrd.cri.stopPodSandbox(id);
      await ctrd.cri.removePodSandbox(id);
    }
    expect(await ctrd.cri.listPodSandbox()).toEqual([]);
    expect(ipamd.readCheckpoint().allocations).toEqual([]);
    expect(nodeDump(node.name)).toEqual(before);
  });
});
