// SPDX-License-Identifier: Apache-2.0
/**
 * The generated conflists as the runtime sees them: loaded by the SDK's libcni-compatible loader, every plugin
 * type answering VERSION through the SDK chain executor (our real bundles, the Debian reference portmap), and a
 * whole-chain ADD/DEL with recording stand-in plugins proving order, prevResult threading and capability args.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { buildConflist, readConflistConfig, renderConflist } from '@vpc-cni-ts/conflist';
import { ChainExecutor, parseConflist } from '@vpc-cni-ts/sdk/chain';

import { makeTempRoot, REPO, type TempRoot } from './harness';

const OURS = ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'];
const REFERENCE_BIN = '/usr/lib/cni';
const FULL = { ENABLE_BANDWIDTH_PLUGIN: 'true', DISABLE_POD_V6: 'true' };
const full = (env: Record<string, string> = FULL, facts = {}): string =>
  renderConflist(buildConflist(readConflistConfig(env), facts));

describe('generated conflist through the SDK chain executor', () => {
  let t: TempRoot;
  beforeEach(() => (t = makeTempRoot('vct-install-chain-')));
  afterEach(() => t.cleanup());

  it('loads with the SDK loader for every shaping variable', () => {
    const envs: Record<string, string>[] = [{}, FULL, { ENABLE_V6_EGRESS: 'true' }, { ENABLE_IPv6: 'true' }];
    for (const env of envs) {
      const list = parseConflist(full(env, { localIpv4: '10.0.0.1', primaryIpv6: '2600::1' }));
      expect(list).toMatchObject({ name: 'aws-cni', cniVersion: '0.4.0', disableCheck: true });
    }
  });

  it('every plugin type of the full conflist answers VERSION supporting 0.4.0 (our bundles, reference portmap)', async () => {
    const bundles = OURS.map((p) => path.join(REPO, 'plugins', p, 'dist', 'bin', `${p}.js`));
    const missing = bundles.filter((b) => !existsSync(b));
    if (missing.length) throw new Error(`plugin bundles missing (npm run bundle): ${missing.join(', ')}`);
    mkdirSync(t.bin, { recursive: true });
    for (const [i, p] of OURS.entries()) {
      writeFileSync(
        path.join(t.bin, p),
        `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(bundles[i])}\n`,
      );
      chmodSync(path.join(t.bin, p), 0o755);
    }
    const list = parseConflist(full());
    const exec = new ChainExecutor({ binDirs: [t.bin, REFERENCE_BIN], cacheDir: path.join(t.run, 'cache') });
    for (const p of list.plugins) {
      const v = await exec.version(p.type);
      expect([p.type, v.supportedVersions]).toEqual([p.type, expect.arrayContaining([list.cniVersion])]);
    }
  }, 60_000);

  it('ADD runs the plugins in order with prevResult and capability args; DEL runs them in reverse', async () => {
    mkdirSync(t.bin, { recursive: true });
    const log = path.join(t.run, 'calls.jsonl');
    const result = {
      cniVersion: '0.4.0',
      interfaces: [{ name: 'eth0' }],
      ips: [{ version: '4', address: '10.0.0.9/32', interface: 0 }],
    };
    // A recording stand-in: appends {type, command, stdin} and prints prevResult (or a first result) on ADD.
    const recorder = `const fs=require('fs');let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const c=JSON.parse(s);
fs.appendFileSync(${JSON.stringify(log)},JSON.stringify({type:process.argv[2],cmd:process.env.CNI_COMMAND,conf:c})+'\\n');
if(process.env.CNI_COMMAND==='ADD')process.stdout.write(JSON.stringify(c.prevResult||${JSON.stringify(result)}));});`;
    writeFileSync(path.join(t.run, 'recorder.js'), recorder);
    for (const p of [...OURS, 'portmap']) {
      writeFileSync(
        path.join(t.bin, p),
        `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(t.run, 'recorder.js'))} ${p}\n`,
      );
      chmodSync(path.join(t.bin, p), 0o755);
    }
    const list = parseConflist(full());
    const exec = new ChainExecutor({ binDirs: [t.bin], cacheDir: path.join(t.run, 'cache') });
    const rt = {
      containerId: 'c0ffee',
      netns: '/var/run/netns/test',
      ifName: 'eth0',
      capabilityArgs: {
        portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }],
        bandwidth: { ingressRate: 1000000, ingressBurst: 100000 },
        'io.kubernetes.cri.pod-annotations': { 'k8s.amazonaws.com/nicConfig': 'multi-nic-attachment' },
      },
    };
    await exec.add(list, rt);
    await exec.del(list, rt);
    const calls = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const order = ['aws-cni', 'egress-cni', 'portmap', 'bandwidth-shim', 'tuning-shim'];
    expect(calls.map((c) => `${c.cmd} ${c.type}`)).toEqual([
      ...order.map((o) => `ADD ${o}`),
      ...[...order].reverse().map((o) => `DEL ${o}`),
    ]);
    const add = Object.fromEntries(calls.filter((c) => c.cmd === 'ADD').map((c) => [c.type, c.conf]));
    for (const o of order) expect([o, add[o].name, add[o].cniVersion]).toEqual([o, 'aws-cni', '0.4.0']);
    expect(add['aws-cni'].prevResult).toBeUndefined();
    expect(add['egress-cni'].prevResult).toEqual(result);
    expect(add['aws-cni'].runtimeConfig).toEqual({
      'io.kubernetes.cri.pod-annotations': rt.capabilityArgs['io.kubernetes.cri.pod-annotations'],
    });
    expect(add['portmap'].runtimeConfig).toEqual({ portMappings: rt.capabilityArgs.portMappings });
    expect(add['bandwidth-shim'].runtimeConfig).toEqual({ bandwidth: rt.capabilityArgs.bandwidth });
    expect(add['tuning-shim'].runtimeConfig).toBeUndefined();
    expect(add['tuning-shim'].sysctl).toEqual({
      'net.ipv6.conf.all.disable_ipv6': '1',
      'net.ipv6.conf.default.disable_ipv6': '1',
      'net.ipv6.conf.lo.disable_ipv6': '1',
    });
  }, 60_000);
});
