// SPDX-License-Identifier: Apache-2.0
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

import { ImdsClient } from '@vpc-cni-ts/conflist/imds';

import { simulator } from '../ipamd/harness';

import {
  childEnv,
  ENTRYPOINT_BUNDLE,
  makeTempRoot,
  requireBundle,
  spawnBundle,
  type TempRoot,
  waitFor,
  writeStandInIpamd,
  writeStandInPlugins,
} from './harness';

const PLUGINS = ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'];

describe('aws-vpc-cni entrypoint (bundle, temporary root, stand-in ipamd)', () => {
  let t: TempRoot;
  let ipamd: string;
  beforeEach(() => {
    requireBundle(ENTRYPOINT_BUNDLE);
    t = makeTempRoot('vct-install-ep-');
    writeStandInPlugins(t.app, PLUGINS);
    ipamd = writeStandInIpamd(t.app);
  });
  afterEach(() => t.cleanup());

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
    childEnv({
      HOST_CNI_BIN_PATH: t.bin,
      HOST_CNI_CONFDIR_PATH: t.conf,
      VPC_CNI_TS_IPAMD: ipamd,
      IPAMD_SOCKET_PATH: path.join(t.run, 'ipamd.sock'),
      AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9',
      ...extra,
    });

  it('installs the plugins, writes the conflist only after ipamd serves, forwards SIGTERM and exits with ipamd code', async () => {
    const { child, exited } = spawnBundle(
      ENTRYPOINT_BUNDLE,
      env({ FAKE_IPAMD_DELAY_MS: '800', FAKE_IPAMD_TERM_CODE: '7', POD_MTU: '1500' }),
      t.app,
    );
    const conflist = path.join(t.conf, '10-aws.conflist');
    await waitFor(() => existsSync(path.join(t.bin, 'tuning-shim')), 10_000, 'plugins installed');
    expect(existsSync(conflist)).toBe(false);
    const written = await waitFor(() => (existsSync(conflist) ? statSync(conflist) : undefined), 15_000, 'conflist');
    const servingSince = Number(readFileSync(path.join(t.run, 'ipamd.sock.serving'), 'utf8'));
    expect(written!.mtimeMs).toBeGreaterThanOrEqual(servingSince);
    const json = JSON.parse(readFileSync(conflist, 'utf8'));
    expect(json.plugins.map((p: { type: string }) => p.type)).toEqual(['aws-cni', 'egress-cni', 'portmap']);
    expect(json.plugins[0].mtu).toBe('1500');
    expect(readdirSync(t.bin).sort()).toEqual([...PLUGINS].sort());
    expect(statSync(path.join(t.bin, 'aws-cni')).mode & 0o111).toBe(0o111);
    expect(readdirSync(t.conf)).toEqual(['10-aws.conflist']);

    child.kill('SIGTERM');
    const r = await exited;
    expect(r.code).toBe(7);
  }, 30_000);

  it('IPv6 cluster: asks the simulator IMDS for the node IPv4 and writes the IPv4-egress variant', async () => {
    const sim = await simulator();
    try {
      const nodeIp = await new ImdsClient({ endpoint: sim.imdsEndpoint }).localIpv4();
      const extra = {
        ENABLE_IPv6: 'true',
        ENABLE_PREFIX_DELEGATION: 'true',
        WARM_PREFIX_TARGET: '1',
        AWS_EC2_METADATA_SERVICE_ENDPOINT: sim.imdsEndpoint,
      };
      const { child, exited } = spawnBundle(ENTRYPOINT_BUNDLE, env(extra), t.app);
      const conflist = path.join(t.conf, '10-aws.conflist');
      await waitFor(() => existsSync(conflist), 15_000, 'conflist');
      const egress = JSON.parse(readFileSync(conflist, 'utf8')).plugins[1];
      expect(nodeIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(egress).toMatchObject({
        enabled: 'true',
        nodeIP: nodeIp,
        ipam: { ranges: [[{ subnet: '169.254.172.0/22' }]] },
      });
      child.kill('SIGTERM');
      expect((await exited).code).toBe(0);
    } finally {
      await sim.stop();
    }
  }, 30_000);

  it('an invalid variable stops it before anything is written, naming the variable', async () => {
    const { exited } = spawnBundle(
      ENTRYPOINT_BUNDLE,
      env({ AWS_VPC_K8S_CNI_VETHPREFIX: 'vlan', POD_MTU: '70000' }),
      t.app,
    );
    const r = await exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid AWS_VPC_K8S_CNI_VETHPREFIX: "vlan" is reserved/);
    expect(r.stderr).toMatch(/invalid POD_MTU: 70000 is outside \[576, 9001\]/);
    expect(existsSync(t.bin)).toBe(false);
    expect(existsSync(t.conf)).toBe(false);
    expect(existsSync(path.join(t.run, 'ipamd.sock.serving'))).toBe(false);
  }, 30_000);

  it('writes no conflist when ipamd dies before serving, and exits with its code', async () => {
    const { exited } = spawnBundle(ENTRYPOINT_BUNDLE, env({ FAKE_IPAMD_EXIT_EARLY: '5' }), t.app);
    const r = await exited;
    expect(r.code).toBe(5);
    expect(existsSync(path.join(t.conf, '10-aws.conflist'))).toBe(false);
    expect(r.stderr).toMatch(/ipamd exited before it served/);
  }, 30_000);

  it('stops with a message naming the missing plugin when the app dir lacks one', async () => {
    const { exited } = spawnBundle(
      ENTRYPOINT_BUNDLE,
      env({ VPC_CNI_TS_PLUGIN_DIR: path.join(t.root, 'empty') }),
      t.app,
    );
    const r = await exited;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ENOENT|not found in the source directory/);
    expect(existsSync(t.conf)).toBe(false);
  }, 30_000);
});
