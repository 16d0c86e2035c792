// SPDX-License-Identifier: Apache-2.0
/**
 * The entrypoint bundle running the real ipamd bundle against the AWS simulator (EC2 + IMDSv2 on loopback), with
 * the host bin and conf dirs in a temp folder: the conflist appears only once ipamd's health answers SERVING, and
 * SIGTERM stops both with ipamd's exit code.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

import { GrpcHealthProbe, unixTarget } from '@vpc-cni-ts/conflist/health';

import { ensureBundle, ipamdFor, simulator } from '../ipamd/harness';
import { type Simulator } from '../simulator';
import {
  ENTRYPOINT_BUNDLE,
  makeTempRoot,
  requireBundle,
  spawnBundle,
  type TempRoot,
  writeStandInPlugins,
} from './harness';

const PLUGINS = ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'];
const IPAMD_BUNDLE = path.join(__dirname, '..', '..', '..', 'ipamd', 'dist', 'bin', 'ipamd.js');

describe('aws-vpc-cni with the real ipamd on the simulator', () => {
  let sim: Simulator;
  let t: TempRoot;
  beforeAll(async () => {
    requireBundle(ENTRYPOINT_BUNDLE);
    ensureBundle();
    sim = await simulator();
  }, 120_000);
  afterAll(async () => {
    await sim.stop();
  });
  beforeEach(() => {
    t = makeTempRoot('vct-install-ipamd-');
    writeStandInPlugins(t.app, PLUGINS);
  });
  afterEach(() => t.cleanup());

  it('writes the conflist only after ipamd serves, and exits with ipamd code on SIGTERM', async () => {
    const ipamd = ipamdFor(sim);
    rmSync(ipamd.dir, { recursive: true, force: true }); // only its env is used; files go under the temp root
    const socket = path.join(t.run, 'ipamd.sock');
    const env = {
      ...ipamd.env,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      IPAMD_SOCKET_PATH: socket,
      AWS_VPC_K8S_CNI_BACKING_STORE: path.join(t.run, 'ipam.json'),
      AWS_VPC_K8S_CNI_LOG_FILE: path.join(t.run, 'ipamd.log'),
      HOST_CNI_BIN_PATH: t.bin,
      HOST_CNI_CONFDIR_PATH: t.conf,
      VPC_CNI_TS_IPAMD: IPAMD_BUNDLE,
      ENABLE_V6_EGRESS: 'true',
    };
    const { child, exited } = spawnBundle(ENTRYPOINT_BUNDLE, env, t.app);
    const conflist = path.join(t.conf, '10-aws.conflist');
    const probe = new GrpcHealthProbe(unixTarget(socket), 1000);
    let sawNotServingWithoutConflist = false;
    let servingWhenConflistAppeared = false;
    let early: Awaited<typeof exited> | undefined;
    void exited.then((r) => (early = r));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !early) {
      const present = existsSync(conflist);
      const status = await probe.check().catch(() => 'down');
      if (present) {
        servingWhenConflistAppeared = status === 'SERVING';
        break;
      }
      if (status !== 'SERVING' && !existsSync(conflist)) sawNotServingWithoutConflist = true;
      await new Promise((r) => setTimeout(r, 10));
    }
    if (early) throw new Error(`entrypoint exited early (${early.code}): ${early.stderr}`);
    expect(sawNotServingWithoutConflist).toBe(true);
    expect(servingWhenConflistAppeared).toBe(true);
    const json = JSON.parse(readFileSync(conflist, 'utf8'));
    // the simulated instance has no IPv6 address, so ENABLE_V6_EGRESS leaves egress-cni disabled (as upstream)
    expect(json.plugins[1]).toMatchObject({ type: 'egress-cni', enabled: 'false' });
    child.kill('SIGTERM');
    const r = await exited;
    expect(r.stderr).toMatch(/ipamd exited","exitCode":0/);
    expect(r.code).toBe(0);
  }, 90_000);
});
