// SPDX-License-Identifier: Apache-2.0
// Real traffic through bandwidth-shim's shaping: 8 Mbit/s into the pod, 4 Mbit/s out of it, measured with iperf3
// between the pod namespace and a namespace playing the host.
import { spawn } from 'node:child_process';

import { addNetns, bundle, delNetns, isRoot, nsName, podVeth, prevResultFor, runCni, sh } from './harness';

const haveIperf = (() => {
  try {
    sh('command -v iperf3');
    return true;
  } catch {
    return false;
  }
})();
const ok = isRoot() && haveIperf;
const d = ok ? describe : describe.skip;
if (!ok) console.log('bandwidth-traffic.privileged: skipped (needs root and iperf3)');

const VETH = 'vethvcttr01';

/** Runs an iperf3 client in `ns` against the server and returns the receiver's bits per second. */
function iperf(ns: string, server: string, port: number, reverse: boolean): Promise<number> {
  const args = [
    'netns',
    'exec',
    ns,
    'iperf3',
    '-c',
    server,
    '-p',
    String(port),
    '-t',
    '5',
    '-O',
    '1',
    '-J',
    ...(reverse ? ['-R'] : []),
  ];
  return new Promise((resolve, reject) => {
    const c = spawn('ip', args);
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.on('close', (code) => {
      try {
        const j = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } }; error?: string };
        if (j.error) throw new Error(j.error);
        resolve(j.end.sum_received.bits_per_second);
      } catch (e) {
        reject(new Error(`iperf3 exited ${code}: ${(e as Error).message}: ${out.slice(0, 300)}`));
      }
    });
  });
}

d('bandwidth-shim shapes real traffic (privileged)', () => {
  const host = nsName('th');
  const pod = nsName('tp');
  let podPath: string;
  let server: ReturnType<typeof spawn> | undefined;
  const port = 15201;

  beforeAll(async () => {
    addNetns(host);
    podPath = addNetns(pod);
    const macs = podVeth(host, pod, VETH, 1500, { host: '10.99.32.1/24', pod: '10.99.32.2/24' });
    const add = await runCni(bundle('bandwidth-shim'), {
      command: 'ADD',
      config: {
        cniVersion: '1.0.0',
        name: 'vcttraffic',
        type: 'bandwidth-shim',
        ingressRate: 8_000_000,
        ingressBurst: 800_000,
        egressRate: 4_000_000,
        egressBurst: 400_000,
        prevResult: prevResultFor('1.0.0', {
          hostName: VETH,
          ...macs,
          netns: podPath,
          ip: '10.99.32.2/24',
          gw: '10.99.32.1',
        }),
      },
      containerId: 'vct-traffic-1',
      netns: podPath,
      hostNs: host,
    });
    expect(add.stdout).toContain('"interfaces"');
    server = spawn('ip', ['netns', 'exec', host, 'iperf3', '-s', '-B', '10.99.32.1', '-p', String(port)], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 400));
  }, 30_000);

  afterAll(() => {
    server?.kill();
    delNetns(host, pod);
  });

  it('limits pod egress (pod -> host) to 4 Mbit/s within 15%', async () => {
    const bps = await iperf(pod, '10.99.32.1', port, false);
    console.log(`egress measured ${(bps / 1e6).toFixed(2)} Mbit/s (limit 4)`);
    expect(bps).toBeGreaterThan(4e6 * 0.85);
    expect(bps).toBeLessThan(4e6 * 1.15);
  }, 20_000);

  it('limits pod ingress (host -> pod) to 8 Mbit/s within 15%', async () => {
    const bps = await iperf(pod, '10.99.32.1', port, true);
    console.log(`ingress measured ${(bps / 1e6).toFixed(2)} Mbit/s (limit 8)`);
    expect(bps).toBeGreaterThan(8e6 * 0.85);
    expect(bps).toBeLessThan(8e6 * 1.15);
  }, 20_000);
});
