// SPDX-License-Identifier: Apache-2.0
/**
 * ipamd (bundled executable) against the AWS simulator through the real SDK and IMDSv2: start-up, scale up and
 * down, subnet exhaustion, throttling, IMDS lag, prefix delegation, bad input over gRPC, checkpoint safety.
 * EC2 calls per phase are printed.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';

import { parseExposition } from '@vpc-cni-ts/ipamd/metrics';

import type { Simulator } from '../simulator';
import {
  IPAMD_BUNDLE,
  addPod,
  callDelta,
  delPod,
  eniState,
  ensureBundle,
  getUnix,
  ipamdFor,
  simulator,
  waitFor,
  type IpamdProcess,
} from './harness';

jest.setTimeout(120_000);

const report: string[] = [];
afterAll(() => console.log(`ipamd EC2 calls per phase:\n${report.join('\n')}`));

beforeAll(() => ensureBundle());

/** Scale to `n` pods one by one (retrying like kubelet); checks no address is handed out twice. */
async function scaleUp(p: IpamdProcess, n: number, prefix: string, held: Map<string, string>): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${i}`;
    const ip = await addPod(p.client!, id);
    for (const [other, oip] of held)
      if (oip === ip && other !== id) throw new Error(`${ip} given to ${id} and ${other}`);
    held.set(id, ip);
  }
}

describe('ipamd on a fresh m5.large', () => {
  let sim: Simulator;
  let p: IpamdProcess;
  beforeAll(async () => {
    sim = await simulator();
    p = ipamdFor(sim);
  });
  afterAll(async () => {
    await p.stop();
    p.cleanup();
    await sim.stop();
  });

  it('starts, reports SERVING, and warms the primary ENI', async () => {
    const t0 = Date.now();
    await p.start();
    const ms = Date.now() - t0;
    await waitFor('warm pool', () => eniState(sim).addresses >= 9);
    report.push(`  m5.large start-up (${ms} ms to SERVING): ${JSON.stringify(sim.calls())}`);
    expect(await p.client!.health('grpc.health.v1.aws-node')).toBe(1);
    expect(await p.client!.health('no.such.service')).toBe(3);
    expect(p.readCheckpoint()).toEqual({ version: 'vpc-cni-ipam/1', allocations: [] });
  });

  it('scales 0 -> max pods -> 0: no address twice, no ENI leaked, ENIs freed afterwards', async () => {
    const before = sim.calls();
    const held = new Map<string, string>();
    await scaleUp(p, 27, 'pod', held);
    expect(new Set(held.values()).size).toBe(27);
    expect(eniState(sim).attached).toBe(3);
    const up = sim.calls();
    report.push(`  m5.large 0 -> 27 pods: ${JSON.stringify(callDelta(up, before))}`);
    await expect(
      p.client!.add({ ContainerID: 'one-too-many', IfName: 'eth0', NetworkName: 'aws-cni' }),
    ).rejects.toThrow(/ENI limit reached|max-pods/);
    const ck = p.readCheckpoint();
    expect(ck.allocations).toHaveLength(27);
    expect(new Map(ck.allocations.map((a) => [a.containerID, a.ipv4]))).toEqual(held);
    for (const id of held.keys()) await delPod(p.client!, id);
    await waitFor(
      'ENIs freed and deleted',
      () => eniState(sim).attached === 1 && eniState(sim).detached.length === 0,
      30_000,
    );
    report.push(`  m5.large 27 -> 0 pods: ${JSON.stringify(callDelta(sim.calls(), up))}`);
    expect(eniState(sim).detached).toEqual([]);
    expect(p.readCheckpoint().allocations).toEqual([]);
  });

  it('serves Prometheus /metrics and the introspection API (private unix sockets here)', async () => {
    const dir = p.dir;
    const m = await getUnix(`${dir}/metrics.sock`, '/metrics');
    expect(m.status).toBe(200);
    const fams = parseExposition(m.body);
    const one = (name: string, labels: Record<string, string> = {}) =>
      fams
        .get(name)
        ?.samples.filter((x) => Object.entries(labels).every(([k, v]) => x.labels[k] === v))
        .reduce((a, x) => a + x.value, 0);
    expect(one('awscni_add_ip_req_count')).toBeGreaterThanOrEqual(28);
    expect(one('awscni_del_ip_req_count')).toBeGreaterThanOrEqual(27);
    expect(one('awscni_eni_created_total')).toBeGreaterThanOrEqual(2);
    expect(one('awscni_no_available_ip_addresses')).toBeGreaterThanOrEqual(1);
    expect(fams.get('awscni_build_info')!.samples[0]!.labels.goversion).toMatch(/^node v/);
    expect(fams.get('awscni_eni_allocated')!.type).toBe('gauge');
    expect(fams.has('process_resident_memory_bytes')).toBe(true);
    await waitFor('datastore gauges', async () => {
      const f = parseExposition((await getUnix(`${dir}/metrics.sock`, '/metrics')).body);
      return (
        (f.get('awscni_eni_allocated')?.samples[0]?.value ?? 0) >= 1 &&
        (f.get('awscni_eni_max')?.samples[0]?.value ?? 0) === 3
      );
    });
    const enis = await getUnix(`${dir}/introspection.sock`, '/v1/enis');
    expect(enis.status).toBe(200);
    const body = JSON.parse(enis.body) as Record<string, { ENIs: Record<string, { IsPrimary: boolean }> }>;
    expect(Object.values(body['0']!.ENIs).some((e) => e.IsPrimary)).toBe(true);
    const env = JSON.parse((await getUnix(`${dir}/introspection.sock`, '/v1/ipamd-env-settings')).body);
    expect(env).toMatchObject({ WARM_ENI_TARGET: expect.anything() });
    const pool = JSON.parse((await getUnix(`${dir}/introspection.sock`, '/v1/pool')).body);
    expect(pool.stats).toBeDefined();
  });

  it('answers bad input with clear failures', async () => {
    const c = p.client!;
    await expect(c.add({ ContainerID: '', IfName: 'eth0', NetworkName: 'aws-cni' })).rejects.toThrow(
      /INVALID_ARGUMENT.*ContainerID is empty/,
    );
    await expect(c.add({ ContainerID: 'x', IfName: '', NetworkName: 'aws-cni' })).rejects.toThrow(/IfName is empty/);
    await expect(c.add({ ContainerID: 'x', IfName: 'eth0', NetworkName: '' })).rejects.toThrow(/NetworkName is empty/);
    await expect(c.add({ ContainerID: 'x'.repeat(100_000), IfName: 'eth0', NetworkName: 'aws-cni' })).rejects.toThrow(
      /ContainerID is 100000 characters; at most 256/,
    );
    await expect(
      c.add({ ContainerID: 'x', IfName: 'eth0', NetworkName: 'aws-cni', K8S_POD_NAME: 'p'.repeat(5000) }),
    ).rejects.toThrow(/K8S_POD_NAME is 5000 characters/);
    await expect(c.add({ ContainerID: 'x'.repeat(2_000_000), IfName: 'eth0', NetworkName: 'aws-cni' })).rejects.toThrow(
      /RESOURCE_EXHAUSTED|larger than max/,
    );
    await expect(
      c.del({ ContainerID: 'never-added', IfName: 'eth0', NetworkName: 'aws-cni', Reason: 'PodDeleted' }),
    ).rejects.toThrow(/NOT_FOUND.*datastore: unknown pod/);
    await expect(c.del({ ContainerID: '', IfName: 'eth0', NetworkName: 'aws-cni' })).rejects.toThrow(
      /ContainerID is empty/,
    );
    // Still healthy and serving afterwards; re-ADD is idempotent.
    expect(await c.health()).toBe(1);
    const a = await addPod(c, 'same');
    expect(await addPod(c, 'same')).toBe(a);
    expect(await delPod(c, 'same')).toBe(a);
  });

  it('SIGTERM stops gracefully (exit 0, socket removed)', async () => {
    expect(await p.stop()).toBe(0);
    expect(p.log()).toMatch(/"msg":"ipamd stopped"/);
  });
});

describe('ipamd on an m5.4xlarge with prefix delegation', () => {
  it('scales 0 -> max pods (110) -> 0 with /28 prefixes', async () => {
    const sim = await simulator({ instances: [{ instanceType: 'm5.4xlarge' }] });
    const p = ipamdFor(sim, { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1', MAX_PODS: '110' });
    try {
      await p.start();
      await waitFor('first prefix', () => eniState(sim).addresses >= 16);
      const start = sim.calls();
      report.push(`  m5.4xlarge PD start-up: ${JSON.stringify(start)}`);
      const held = new Map<string, string>();
      await scaleUp(p, 110, 'pd', held);
      expect(new Set(held.values()).size).toBe(110);
      const up = sim.calls();
      report.push(`  m5.4xlarge PD 0 -> 110 pods: ${JSON.stringify(callDelta(up, start))}`);
      expect(eniState(sim).addresses).toBeLessThanOrEqual(112); // ceil(110/16) prefixes: never beyond max pods (#2793)
      // The spare addresses of the last prefix may still be used; beyond them the pool does not grow.
      const spare = eniState(sim).addresses - 110;
      for (let i = 0; i < spare; i++) held.set(`spare-${i}`, await addPod(p.client!, `spare-${i}`));
      await new Promise((r) => setTimeout(r, 500));
      await expect(p.client!.add({ ContainerID: 'extra', IfName: 'eth0', NetworkName: 'aws-cni' })).rejects.toThrow(
        /max-pods reached \(110\)/,
      );
      expect(eniState(sim).addresses).toBeLessThanOrEqual(112);
      for (const id of held.keys()) await delPod(p.client!, id);
      await waitFor('prefixes released', () => eniState(sim).addresses <= 32, 30_000);
      report.push(`  m5.4xlarge PD 110 -> 0 pods: ${JSON.stringify(callDelta(sim.calls(), up))}`);
      expect(eniState(sim).detached).toEqual([]);
    } finally {
      await p.stop();
      p.cleanup();
      await sim.stop();
    }
  });

  it('falls back to secondary IPs when the subnet has no free /28 (fragmented)', async () => {
    // A /27: both aligned /28s contain AWS-reserved addresses, so no prefix can ever be delegated.
    const sim = await simulator({
      vpcs: [
        {
          cidrBlocks: ['10.99.0.0/16'],
          subnets: [{ name: 'frag', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/27' }],
        },
      ],
      instances: [{ instanceType: 'm5.4xlarge', subnet: 'frag' }],
    });
    const p = ipamdFor(sim, { ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' });
    try {
      await p.start();
      const ip = await addPod(p.client!, 'frag-0');
      expect(ip).toMatch(/^10\.99\.0\./);
      expect(p.log()).toMatch(/falling back to secondary IPs/);
      report.push(`  fragmented subnet PD fallback: ${JSON.stringify(sim.calls())}`);
    } finally {
      await p.stop();
      p.cleanup();
      await sim.stop();
    }
  });
});

describe('ipamd under adverse conditions', () => {
  it('a subnet running out: pods beyond capacity get "subnet full", EC2 is not hammered', async () => {
    // /28: 11 usable addresses; the primary ENI takes one, 9 fill it, the next ENI cannot be created.
    const sim = await simulator({
      vpcs: [
        {
          cidrBlocks: ['10.99.0.0/16'],
          subnets: [{ name: 'tiny', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/28' }],
        },
      ],
      instances: [{ instanceType: 'm5.large', subnet: 'tiny' }],
    });
    const p = ipamdFor(sim);
    try {
      await p.start();
      const held = new Map<string, string>();
      await scaleUp(p, 9, 'tiny', held);
      const before = sim.calls();
      let message = '';
      for (let i = 0; i < 20; i++) {
        try {
          await p.client!.add({ ContainerID: 'starved', IfName: 'eth0', NetworkName: 'aws-cni' });
        } catch (e) {
          message = (e as Error).message;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(message).toMatch(/subnet full/);
      const delta = callDelta(sim.calls(), before);
      report.push(`  subnet full, 2 s of retries: ${JSON.stringify(delta)}`);
      expect((delta.CreateNetworkInterface ?? 0) + (delta.AssignPrivateIpAddresses ?? 0)).toBeLessThanOrEqual(2);
      expect(eniState(sim).detached).toEqual([]);
    } finally {
      await p.stop();
      p.cleanup();
      await sim.stop();
    }
  });

  it('a throttling storm: backs off, converges, no address twice', async () => {
    const sim = await simulator({ throttling: { mutating: { size: 3, refillPerSecond: 1 } } });
    const p = ipamdFor(sim, { WARM_IP_TARGET: '3' });
    try {
      await p.start();
      const t0 = Date.now();
      const held = new Map<string, string>();
      await scaleUp(p, 24, 'thr', held);
      expect(new Set(held.values()).size).toBe(24);
      const stats = sim.controls.callStats();
      report.push(
        `  throttling storm, 24 pods in ${Date.now() - t0} ms: ${JSON.stringify(Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v])))}`,
      );
      expect(p.log()).toMatch(/RequestLimitExceeded/);
      expect(eniState(sim).detached).toEqual([]);
    } finally {
      await p.stop();
      p.cleanup();
      await sim.stop();
    }
  });

  it('IMDS lag: waits for new ENIs to show up and does not re-add released addresses', async () => {
    const sim = await simulator({ timing: { imdsLagMs: 1500 } });
    const p = ipamdFor(sim, { WARM_IP_TARGET: '2', IPAMD_RECONCILE_INTERVAL_MS: '500' });
    try {
      await p.start();
      const held = new Map<string, string>();
      await scaleUp(p, 14, 'lag', held);
      expect(new Set(held.values()).size).toBe(14);
      expect(eniState(sim).attached).toBe(2);
      for (const id of held.keys()) await delPod(p.client!, id);
      await waitFor('surplus released', () => eniState(sim).addresses <= 4, 30_000);
      const again = new Map<string, string>();
      await scaleUp(p, 5, 'lag2', again);
      expect(p.log()).not.toMatch(/EC2 no longer has an address that pods hold/);
      report.push(`  IMDS lag 1.5 s: ${JSON.stringify(sim.calls())}`);
      expect(eniState(sim).detached).toEqual([]);
    } finally {
      await p.stop();
      p.cleanup();
      await sim.stop();
    }
  });
});

describe('ipamd executable', () => {
  it('--help lists the environment and exits 0; an unknown flag exits 2', () => {
    const help = spawnSync(process.execPath, [IPAMD_BUNDLE, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/WARM_ENI_TARGET/);
    expect(help.stdout).toMatch(/IPAMD_SOCKET_PATH/);
    const bad = spawnSync(process.execPath, [IPAMD_BUNDLE, '--frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown argument --frobnicate/);
  });
});

describe('ipamd checkpoint safety at start-up', () => {
  it.each([
    ['{"version":"vpc-cni-ipam/2","allocations":[]}', /unknown version "vpc-cni-ipam\/2"/],
    ['{"version":"vpc-cni-ipam/1","allocations":[', /not valid JSON/],
  ])('refuses to start with %s and leaves the file untouched', async (text, re) => {
    const sim = await simulator();
    const p = ipamdFor(sim);
    try {
      writeFileSync(p.checkpoint, text);
      await expect(p.start(10_000)).rejects.toThrow(re);
      expect(await p.exit).toBe(1);
      expect(readFileSync(p.checkpoint, 'utf8')).toBe(text);
    } finally {
      p.cleanup();
      await sim.stop();
    }
  });

  it('refuses to start with an invalid environment, naming variable, value and what is accepted', async () => {
    const sim = await simulator();
    const p = ipamdFor(sim, { WARM_IP_TARGET: 'lots' });
    try {
      await expect(p.start(10_000)).rejects.toThrow(/WARM_IP_TARGET="lots" is invalid: expected an integer/);
      expect(await p.exit).toBe(2);
    } finally {
      p.cleanup();
      await sim.stop();
    }
  });
});
