// SPDX-License-Identifier: Apache-2.0
/**
 * ipamd (bundled executable) with host networking ON, run inside a throwaway namespace playing the node: the
 * simulator's node fabric gives it real links carrying the ENIs' MACs, and loopback bridges carry EC2 and IMDS into
 * that namespace. Checks that start-up installs the SNAT chain, that a secondary ENI attached as the pool grows gets
 * its route table and rule, and that a removed ENI route is put back (and counted). Root only.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';

import { createIpamdClient } from '@vpc-cni-ts/ipamd';
import { parseExposition } from '@vpc-cni-ts/ipamd/metrics';

import { NetnsPortBridge } from '../e2e/netns-port-bridge';
import { formatIpv4 } from '../simulator/ipv4';
import type { Simulator } from '../simulator';
import { IPAMD_BUNDLE, ensureBundle, getUnix, ipamdFor, simulator, waitFor, type IpamdProcess } from './harness';

const isRoot = process.getuid?.() === 0;
const d = isRoot ? describe : describe.skip;
if (!isRoot) console.log('ipamd-hostnet.privileged.spec: skipped (needs root)');

jest.setTimeout(120_000);

d('ipamd with host networking in a namespace playing the node', () => {
  const tag = randomBytes(3).toString('hex');
  const nodeNs = `vct-ipamdhn-n-${tag}`;
  const vpcNs = `vct-ipamdhn-v-${tag}`;
  const inNode = (args: string[]): string =>
    execFileSync('ip', ['netns', 'exec', nodeNs, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** Routes of one table in the node namespace ('' while the table does not exist). */
  const table = (t: number): string => {
    try {
      return inNode(['ip', 'route', 'show', 'table', String(t)]);
    } catch {
      return '';
    }
  };
  let sim: Simulator;
  let files: IpamdProcess;
  const bridges: NetnsPortBridge[] = [];
  let child: ChildProcess | undefined;
  let stderr = '';

  beforeAll(async () => {
    ensureBundle();
    sim = await simulator();
    files = ipamdFor(sim);
    await sim.enableNodeFabric({ nodeNetns: nodeNs, vpcNetns: vpcNs, createNamespaces: true });
    const inst = sim.state.instances.get(sim.instanceId)!;
    const subnet = sim.state.resolveSubnet(inst.subnetId)!;
    inNode(['ip', 'link', 'set', 'lo', 'up']);
    inNode([
      'ip',
      'addr',
      'add',
      `${formatIpv4(sim.state.getEni(inst.primaryEniId).primaryIp)}/${subnet.cidr.prefixLength}`,
      'dev',
      'eth0',
    ]);
    for (const [port, target] of [
      [1080, sim.ec2Endpoint],
      [1081, sim.imdsEndpoint],
    ] as const) {
      const u = new URL(target);
      bridges.push(
        await NetnsPortBridge.start({
          netns: nodeNs,
          port,
          target: { host: u.hostname, port: Number(u.port) },
          dir: files.dir,
        }),
      );
    }
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    for (const b of bridges) await b.stop();
    await sim?.stop();
    for (const ns of [nodeNs, vpcNs])
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone: the fabric removed it
      }
    files?.cleanup();
  });

  it('installs the SNAT chain, sets up a new ENI table as the pool grows, and puts back a removed ENI route', async () => {
    const env = {
      ...files.env,
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      AWS_EC2_ENDPOINT: bridges[0]!.url,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: bridges[1]!.url,
      VPC_CNI_TS_MANAGE_HOST_NETWORK: 'true',
      WARM_IP_TARGET: '12', // more than the primary ENI's 9 secondaries: one more ENI is attached
    };
    child = spawn('ip', ['netns', 'exec', nodeNs, process.execPath, IPAMD_BUNDLE], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    await waitFor(
      'ipamd SERVING',
      async () => {
        if (child!.exitCode !== null) throw new Error(`ipamd exited (${child!.exitCode}): ${stderr}\n${files.log()}`);
        if (!existsSync(files.socket)) return false;
        const c = createIpamdClient(files.socket);
        try {
          return (await c.health()) === 1;
        } catch {
          return false;
        } finally {
          c.close();
        }
      },
      30_000,
    );
    expect(inNode(['iptables-save', '-t', 'nat'])).toMatch(/-A AWS-SNAT-CHAIN-0 .*-j SNAT --to-source/);
    await waitFor('ENI table 2 with its default route', () => table(2).includes('default'), 30_000);
    expect(inNode(['ip', 'rule'])).toMatch(/lookup 2\b/);
    expect(inNode(['ip', 'link', 'show', 'eth1'])).toMatch(/mtu 9001/);

    inNode(['ip', 'route', 'del', 'default', 'table', '2']);
    await waitFor('ENI route put back', () => table(2).includes('default'), 30_000);
    await waitFor('repair counted', async () => {
      const r = await getUnix(files.env.METRICS_BIND_ADDRESS!.slice('unix:'.length), '/metrics');
      return (parseExposition(r.body).get('awscni_host_rules_repaired_total')?.samples[0]?.value ?? 0) >= 1;
    });
    child.kill('SIGTERM');
    expect(await new Promise((r) => child!.once('exit', (c) => r(c)))).toBe(0);
  });
});
