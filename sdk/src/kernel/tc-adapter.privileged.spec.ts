// SPDX-License-Identifier: Apache-2.0
// Real kernel, root only: two throwaway namespaces (vct-tc-*) joined by a veth, 10.99.30.0/24. iperf3 measures
// the rate through a 4 Mbit/s tbf on egress, and through ingress -> u32/mirred -> ifb -> tbf on the receiver.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

import { type TempNetns, createTempNetns, isRoot } from '../testing/netns';
import { FakeTrafficControl } from './fakes/fake-traffic-control';
import { IpRoute2Kernel } from './iproute2-kernel';
import { TcTrafficControl } from './tc-adapter';

const run = promisify(execFile);
const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('tc-adapter.privileged.spec: skipped (needs root)');

const kernel = new IpRoute2Kernel();
const tc = new TcTrafficControl();
const RATE = 4_000_000;

/** Runs iperf3 from a to b for 3 s; returns the receiver's measured bits per second. */
async function measure(a: TempNetns, b: TempNetns, port: number): Promise<number> {
  const server: ChildProcess = spawn(
    'ip',
    ['netns', 'exec', b.name, 'iperf3', '-s', '-1', '-B', '10.99.30.2', '-p', String(port)],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((r) => server.on('close', () => r()));
  try {
    for (let i = 0; ; i++) {
      try {
        const { stdout } = await run(
          'ip',
          ['netns', 'exec', a.name, 'iperf3', '-c', '10.99.30.2', '-p', String(port), '-t', '3', '-J'],
          { timeout: 20_000 },
        );
        const j = JSON.parse(stdout) as { end: { sum_received: { bits_per_second: number } } };
        return j.end.sum_received.bits_per_second;
      } catch (e) {
        if (i >= 20) throw e; // server not listening yet
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  } finally {
    server.kill();
    await exited;
  }
}

d('TcTrafficControl on a real kernel', () => {
  let a: TempNetns;
  let b: TempNetns;

  beforeAll(async () => {
    a = await createTempNetns({ prefix: 'vct-tc' });
    b = await createTempNetns({ prefix: 'vct-tc' });
    await kernel
      .batch(a.ref)
      .addVeth({ name: 'va', peerName: 'vb', peerNetns: b.ref })
      .addAddress({ dev: 'va', cidr: '10.99.30.1/24' })
      .setLinkUp('va')
      .commit();
    await kernel
      .batch(b.ref)
      .addAddress({ dev: 'vb', cidr: '10.99.30.2/24' })
      .setLinkUp('vb')
      .addIfb('vctifb0')
      .setLinkUp('vctifb0')
      .commit();
  });
  afterAll(async () => {
    await a?.destroy();
    await b?.destroy();
  });

  it('tbf on egress limits real traffic to about 4 Mbit/s', async () => {
    await tc
      .batch(a.ref)
      .replaceTbf({ dev: 'va', rateBitsPerSec: RATE, burstBytes: 32 * 1024, latencyMs: 25 })
      .commit();
    expect(await tc.listQdiscs(a.ref, 'va')).toEqual([
      expect.objectContaining({ dev: 'va', kind: 'tbf', root: true, rateBitsPerSec: RATE, burstBytes: 32 * 1024 }),
    ]);
    const bps = await measure(a, b, 5301);
    console.log(`egress tbf 4 Mbit/s: measured ${(bps / 1e6).toFixed(2)} Mbit/s`);
    expect(bps).toBeGreaterThan(RATE * 0.8);
    expect(bps).toBeLessThan(RATE * 1.2);
    await tc.batch(a.ref).deleteQdisc('va', 'root').deleteQdisc('va', 'root', { missingOk: true }).commit();
    expect((await tc.listQdiscs(a.ref, 'va')).filter((q) => q.kind === 'tbf')).toEqual([]);
  }, 30_000);

  it('ingress + u32/mirred redirect to an ifb + tbf limits what the receiver gets to about 4 Mbit/s', async () => {
    const res = await tc
      .batch(b.ref)
      .addIngress('vb')
      .redirectIngress('vb', 'vctifb0')
      .replaceTbf({ dev: 'vctifb0', rateBitsPerSec: RATE, burstBytes: 32 * 1024, latencyMs: 25 })
      .addIngress('vb', { existOk: true })
      .commit();
    // The tolerated failure is the last line, so no second process is needed.
    expect(res).toEqual({ applied: 4, tolerated: 1, spawns: 1 });
    expect(await tc.listFilters(b.ref, 'vb', 'ingress')).toEqual([
      expect.objectContaining({ kind: 'u32', protocol: 'all', redirectTo: 'vctifb0' }),
    ]);
    expect(await tc.listQdiscs(b.ref)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dev: 'vb', kind: 'ingress', handle: 'ffff:' }),
        expect.objectContaining({ dev: 'vctifb0', kind: 'tbf', rateBitsPerSec: RATE }),
      ]),
    );
    const bps = await measure(a, b, 5302);
    console.log(`ingress via ifb 4 Mbit/s: measured ${(bps / 1e6).toFixed(2)} Mbit/s`);
    expect(bps).toBeGreaterThan(RATE * 0.8);
    expect(bps).toBeLessThan(RATE * 1.2);
    await tc.batch(b.ref).deleteQdisc('vb', 'ingress').deleteQdisc('vctifb0', 'root').commit();
    expect(await tc.listFilters(b.ref, 'vb', 'ingress')).toEqual([]);
  }, 30_000);

  it('sets the tbf handle and u32 flowid the reference bandwidth plugin uses, like the fake', async () => {
    const fake = new FakeTrafficControl();
    try {
      for (const port of [tc, fake]) {
        await port
          .batch(b.ref)
          .replaceTbf({ dev: 'vb', rateBitsPerSec: RATE, burstBytes: 1600, limitBytes: 14100, handle: '1:' })
          .addIngress('vb')
          .redirectIngress('vb', 'vctifb0', { flowid: '1:1' })
          .commit();
      }
      for (const port of [tc, fake]) {
        expect(await port.listQdiscs(b.ref, 'vb')).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ kind: 'tbf', handle: '1:', root: true, rateBitsPerSec: RATE, burstBytes: 1600 }),
            expect.objectContaining({ kind: 'ingress', handle: 'ffff:' }),
          ]),
        );
        expect(await port.listFilters(b.ref, 'vb', 'ingress')).toEqual([
          expect.objectContaining({ kind: 'u32', protocol: 'all', pref: 1, redirectTo: 'vctifb0', flowid: '1:1' }),
        ]);
      }
      const { stdout } = await run('tc', ['-n', b.name, 'qdisc', 'show', 'dev', 'vb', 'root']);
      // limit 14100 bytes at 4 Mbit/s with a 1600-byte bucket is shown as the latency it allows: 25 ms
      expect(stdout).toMatch(/^qdisc tbf 1: root .* burst 1600b lat 25ms/m);
    } finally {
      const clean = { missingOk: true };
      await tc.batch(b.ref).deleteQdisc('vb', 'root', clean).deleteQdisc('vb', 'ingress', clean).commit();
    }
    expect(await tc.listQdiscs(b.ref, 'vb')).not.toContainEqual(expect.objectContaining({ kind: 'tbf' }));
  });

  it('errors are typed and name the device', async () => {
    const dup = await tc
      .batch(b.ref)
      .addIngress('vb')
      .addIngress('vb')
      .commit()
      .catch((e: unknown) => e);
    expect(dup).toMatchObject({ kind: 'exists', op: 'add ingress qdisc', object: 'dev vb', opIndex: 1 });
    const missing = await tc
      .batch(b.ref)
      .deleteQdisc('nosuch0', 'root')
      .commit()
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({ kind: 'not-found' });
    expect(() => tc.batch(b.ref).replaceTbf({ dev: 'vb', rateBitsPerSec: 0, burstBytes: 1 })).toThrow(
      expect.objectContaining({ kind: 'invalid-argument' }),
    );
    const e = await new TcTrafficControl({ tc: '/nonexistent/tc' }).listQdiscs(b.ref).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'missing-binary' });
    await tc.batch(b.ref).deleteQdisc('vb', 'ingress').commit();
  });
});
