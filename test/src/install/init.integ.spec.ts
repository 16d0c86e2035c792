// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

import { ImdsClient } from '@vpc-cni-ts/conflist/imds';

import { simulator } from '../ipamd/harness';
import {
  childEnv,
  INIT_BUNDLE,
  makeTempRoot,
  requireBundle,
  spawnBundle,
  startImdsStandIn,
  type TempRoot,
  writeStandInPlugins,
} from './harness';

const MAC = '0a:1b:2c:3d:4e:5f';

/** A fake /proc/sys and /sys/class/net under the temp root. */
function fakeKernel(t: TempRoot, sysctls: Record<string, string>, mac = MAC): { proc: string; net: string } {
  const proc = path.join(t.root, 'proc/sys');
  const net = path.join(t.root, 'sys/class/net');
  for (const [k, v] of Object.entries(sysctls)) {
    mkdirSync(path.dirname(path.join(proc, k)), { recursive: true });
    writeFileSync(path.join(proc, k), `${v}\n`);
  }
  for (const [n, addr] of [
    ['lo', '00:00:00:00:00:00'],
    ['ens5', mac],
  ]) {
    mkdirSync(path.join(net, n), { recursive: true });
    writeFileSync(path.join(net, n, 'address'), `${addr}\n`);
  }
  return { proc, net };
}

describe('aws-vpc-cni-init (bundle, temporary root, IMDS stand-in)', () => {
  let t: TempRoot;
  let imds: { url: string; close(): void };
  beforeAll(async () => {
    imds = await startImdsStandIn({ mac: MAC.toUpperCase() });
  });
  afterAll(() => imds.close());
  beforeEach(() => {
    requireBundle(INIT_BUNDLE);
    t = makeTempRoot('vct-install-init-');
  });
  afterEach(() => t.cleanup());

  it('installs every file of its directory but itself and sets the sysctls on the primary interface', async () => {
    writeStandInPlugins(t.app, ['portmap', 'loopback', 'host-local', 'aws-vpc-cni-init']);
    const k = fakeKernel(t, {
      'net/ipv4/conf/ens5/rp_filter': '1',
      'net/ipv4/tcp_early_demux': '1',
      'net/ipv6/conf/all/disable_ipv6': '1',
      'net/ipv6/conf/all/forwarding': '0',
      'net/ipv6/conf/ens5/accept_ra': '1',
    });
    const env = childEnv({
      HOST_CNI_BIN_PATH: t.bin,
      VPC_CNI_TS_PROC_SYS: k.proc,
      VPC_CNI_TS_SYS_CLASS_NET: k.net,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
      DISABLE_TCP_EARLY_DEMUX: 'true',
      ENABLE_V6_EGRESS: 'true',
    });
    const r = await spawnBundle(INIT_BUNDLE, env, t.app).exited;
    expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
    expect(readdirSync(t.bin).sort()).toEqual(['host-local', 'loopback', 'portmap']);
    expect(statSync(path.join(t.bin, 'portmap')).mode & 0o777).toBe(0o755);
    const read = (key: string): string => readFileSync(path.join(k.proc, key), 'utf8').trim();
    expect(read('net/ipv4/conf/ens5/rp_filter')).toBe('2');
    expect(read('net/ipv4/tcp_early_demux')).toBe('0');
    expect(read('net/ipv6/conf/all/forwarding')).toBe('1');
    expect(read('net/ipv6/conf/ens5/accept_ra')).toBe('2');
    expect(read('net/ipv6/conf/all/disable_ipv6')).toBe('1');
  }, 30_000);

  it('fails with a clear message when the primary interface sysctl is missing', async () => {
    writeStandInPlugins(t.app, ['portmap']);
    const k = fakeKernel(t, {});
    const env = childEnv({
      HOST_CNI_BIN_PATH: t.bin,
      VPC_CNI_TS_PROC_SYS: k.proc,
      VPC_CNI_TS_SYS_CLASS_NET: k.net,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
    });
    const r = await spawnBundle(INIT_BUNDLE, env, t.app).exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rp_filter/);
  }, 30_000);
});

describe('aws-vpc-cni-init against the AWS simulator IMDS', () => {
  it('finds the primary interface by the MAC the simulated instance reports', async () => {
    const sim = await simulator();
    const t = makeTempRoot('vct-install-init-sim-');
    try {
      const mac = await new ImdsClient({ endpoint: sim.imdsEndpoint }).primaryMac();
      writeStandInPlugins(t.app, ['portmap']);
      const k = fakeKernel(t, { 'net/ipv4/conf/ens5/rp_filter': '1', 'net/ipv4/tcp_early_demux': '0' }, mac);
      const env = childEnv({
        HOST_CNI_BIN_PATH: t.bin,
        VPC_CNI_TS_PROC_SYS: k.proc,
        VPC_CNI_TS_SYS_CLASS_NET: k.net,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsEndpoint,
      });
      const r = await spawnBundle(INIT_BUNDLE, env, t.app).exited;
      expect([r.code, r.stderr]).toEqual([0, expect.any(String)]);
      expect(readFileSync(path.join(k.proc, 'net/ipv4/conf/ens5/rp_filter'), 'utf8').trim()).toBe('2');
      expect(readFileSync(path.join(k.proc, 'net/ipv4/tcp_early_demux'), 'utf8').trim()).toBe('1');
    } finally {
      t.cleanup();
      await sim.stop();
    }
  }, 60_000);
});
