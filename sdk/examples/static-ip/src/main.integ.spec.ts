// SPDX-License-Identifier: Apache-2.0
// Spawns the compiled example (and its ncc bundle when `npm run bundle -w @vpc-cni-ts/sdk` made one).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { runPlugin } from '@vpc-cni-ts/sdk/testing';

const root = join(__dirname, '..');
const compiled = join(root, 'dist', 'main.js');
const bundle = join(root, 'dist', 'bin', 'static-ip.js');
const ENV = { containerId: 'c1', netns: '/run/netns/x', ifName: 'eth0' };
const conf = { cniVersion: '0.4.0', name: 'n', type: 'static-ip', addresses: [{ address: '10.99.1.5/24' }] };

beforeAll(() => {
  if (!existsSync(compiled))
    execFileSync('npx', ['tsc', '-b', root], { cwd: join(root, '..', '..', '..'), stdio: 'inherit' });
}, 120_000);

describe.each([
  ['compiled', compiled],
  ['bundle', bundle],
])('static-ip %s', (kind, file) => {
  const maybe = kind === 'bundle' && !existsSync(bundle) ? it.skip : it;
  if (kind === 'bundle' && !existsSync(bundle))
    console.log('static-ip bundle absent: run `npm run bundle -w @vpc-cni-ts/sdk` to test it');

  maybe('VERSION', async () => {
    const r = await runPlugin(file, { command: 'VERSION' });
    expect(r.exitCode).toBe(0);
    expect(r.json).toEqual({ cniVersion: '1.1.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
  });

  maybe('ADD prints a 0.4.0 result and only that', async () => {
    const r = await runPlugin(file, { ...ENV, stdin: conf });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(
      JSON.stringify({ cniVersion: '0.4.0', ips: [{ version: '4', address: '10.99.1.5/24' }] }),
    );
    expect(r.result?.cniVersion).toBe('0.4.0');
  });

  maybe('bad input gives error JSON on stdout and exit 1', async () => {
    const r = await runPlugin(file, { ...ENV, stdin: '{"cniVersion":' });
    expect(r.exitCode).toBe(1);
    expect(r.error).toMatchObject({ code: 6 });
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  maybe('missing CNI_COMMAND prints the about text on stderr', async () => {
    const r = await runPlugin(file, { command: '' });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/static-ip: example plugin/);
  });
});
