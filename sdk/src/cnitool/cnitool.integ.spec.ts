// SPDX-License-Identifier: Apache-2.0
// cnitool over the chain executor, driving the static-ip example through a conf dir (no kernel state).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { installNodePlugin } from '../testing/node-plugin-wrapper';
import { cnitoolContainerId, runCnitool } from './cnitool';

const example = join(__dirname, '..', '..', 'examples', 'static-ip');

describe('cnitool', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (!existsSync(join(example, 'dist', 'main.js')))
      execFileSync('npx', ['tsc', '-b', example], { cwd: join(example, '..', '..', '..'), stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'vct-sdk-cnitool-'));
    await installNodePlugin(join(dir, 'bin'), 'static-ip', join(example, 'dist', 'main.js'));
    mkdirSync(join(dir, 'net.d'));
    writeFileSync(
      join(dir, 'net.d', '10-other.conflist'),
      JSON.stringify({ cniVersion: '1.0.0', name: 'other', plugins: [{ type: 'static-ip' }] }),
    );
    writeFileSync(
      join(dir, 'net.d', '20-vct.conflist'),
      JSON.stringify({
        cniVersion: '1.0.0',
        name: 'vct',
        plugins: [{ type: 'static-ip', capabilities: { ips: true } }],
      }),
    );
    env = {
      NETCONFPATH: join(dir, 'net.d'),
      CNI_PATH: join(dir, 'bin'),
      CNI_CACHE_DIR: join(dir, 'cache'),
      CAP_ARGS: '{"ips":["10.99.6.6/24"]}',
      CNI_ARGS: 'IgnoreUnknown=1',
      PATH: process.env.PATH ?? '',
    };
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (argv: string[], extra: Record<string, string> = {}) => {
    let out = '';
    let err = '';
    const code = await runCnitool(argv, { env: { ...env, ...extra }, out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  };

  it('add, check, del, gc, status by network name', async () => {
    const add = await run(['add', 'vct', '/run/netns/x']);
    expect(add).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(add.out)).toEqual({ cniVersion: '1.0.0', ips: [{ address: '10.99.6.6/24' }] });
    expect(readdirSync(join(dir, 'cache', 'results'))).toEqual([`vct-${cnitoolContainerId('/run/netns/x')}-eth0`]);
    expect((await run(['check', 'vct', '/run/netns/x'])).code).toBe(0);
    expect((await run(['del', 'vct', '/run/netns/x'])).code).toBe(0);
    expect((await run(['gc', 'vct'])).code).toBe(0);
    expect((await run(['status', 'vct'])).code).toBe(0);
  });

  it('usage and errors', async () => {
    expect((await run(['add', 'vct'])).code).toBe(2);
    const missing = await run(['add', 'nope', '/run/netns/x']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.err)).toMatchObject({
      code: 7,
      msg: expect.stringContaining('no network configuration named "nope"'),
    });
    const bad = await run(['add', 'vct', '/run/netns/x'], { CAP_ARGS: '{"ips":["nope"]}' });
    expect(JSON.parse(bad.err)).toMatchObject({
      code: 7,
      msg: expect.stringContaining('plugin 0:static-ip failed (add)'),
    });
  });

  it('container id like cnitool: 20 hex chars of SHA-512 of the absolute path', () => {
    expect(cnitoolContainerId('/run/netns/x')).toMatch(/^cnitool-[0-9a-f]{20}$/);
  });
});
