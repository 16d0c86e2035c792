// SPDX-License-Identifier: Apache-2.0
// runPlugin against Debian's reference plugins, and a differential check: our dispatcher (the static-ip example)
// answers bad input with the same error codes as Go's skel (ptp).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { runPlugin, type RunPluginOptions } from './run-plugin';

const PTP = '/usr/lib/cni/ptp';
const exampleDir = join(__dirname, '..', '..', 'examples', 'static-ip');
const EXAMPLE = join(exampleDir, 'dist', 'main.js');
const d = existsSync(PTP) ? describe : describe.skip;
if (!existsSync(PTP))
  console.log('run-plugin.integ.spec: /usr/lib/cni/ptp absent (apt containernetworking-plugins): skipped');

beforeAll(() => {
  if (!existsSync(EXAMPLE))
    execFileSync('npx', ['tsc', '-b', exampleDir], { cwd: join(exampleDir, '..', '..', '..'), stdio: 'inherit' });
}, 120_000);

const ENV = { containerId: 'c1', netns: '/run/netns/none', ifName: 'eth0', cniPath: ['/usr/lib/cni'] };
const conf = (type: string, extra: Record<string, unknown> = {}) => ({
  cniVersion: '1.0.0',
  name: 'n',
  type,
  ipam: { type: 'host-local' },
  ...extra,
});

d('runPlugin', () => {
  it('decodes a VERSION answer', async () => {
    const r = await runPlugin(PTP, { command: 'VERSION' });
    expect(r.exitCode).toBe(0);
    expect(r.json).toMatchObject({ supportedVersions: expect.arrayContaining(['0.4.0', '1.0.0']) });
    expect(r.result).toBeUndefined();
  });

  const cases: [string, (type: string) => RunPluginOptions, number][] = [
    ['missing env', (t) => ({ command: 'ADD', stdin: conf(t), cniPath: ['/usr/lib/cni'] }), 4],
    ['malformed JSON', () => ({ ...ENV, stdin: '{"cniVersion":' }), 6],
    ['unsupported version', (t) => ({ ...ENV, stdin: conf(t, { cniVersion: '9.9.9' }) }), 1],
    ['missing name', (t) => ({ ...ENV, stdin: conf(t, { name: undefined }) }), 7],
    ['CHECK below 0.4.0', (t) => ({ ...ENV, command: 'CHECK', stdin: conf(t, { cniVersion: '0.3.1' }) }), 1],
  ];
  it.each(cases)('%s: same code as Go skel (%#)', async (_name, opts, code) => {
    const go = await runPlugin(PTP, opts('ptp'));
    const ours = await runPlugin(EXAMPLE, opts('static-ip'));
    expect(go.error?.code).toBe(code);
    expect(ours.error?.code).toBe(code);
    expect(ours.exitCode).not.toBe(0);
    expect(ours.stdout.trim().split('\n')).toHaveLength(1);
  });
});
