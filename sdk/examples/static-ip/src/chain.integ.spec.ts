// SPDX-License-Identifier: Apache-2.0
// The example plugin run by the SDK chain executor as a real executable (wrapper in a temp CNI bin dir): two
// chained instances, ADD threads prevResult, CHECK sees the cached result, DEL runs in reverse and clears the cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ChainExecutor, parseConflist } from '@vpc-cni-ts/sdk/chain';
import { installNodePlugin } from '@vpc-cni-ts/sdk/testing';

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'bin', 'static-ip.js');
const compiled = join(root, 'dist', 'main.js');

describe('static-ip in a chain', () => {
  let dir: string;
  let chain: ChainExecutor;
  beforeAll(async () => {
    if (!existsSync(compiled))
      execFileSync('npx', ['tsc', '-b', root], { cwd: join(root, '..', '..', '..'), stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'vct-sdk-chain-'));
    await installNodePlugin(join(dir, 'bin'), 'static-ip', existsSync(bundle) ? bundle : compiled);
    chain = new ChainExecutor({ binDirs: [join(dir, 'bin')], cacheDir: join(dir, 'cache') });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const list = parseConflist({
    cniVersion: '0.4.0',
    name: 'vct-static',
    plugins: [
      { type: 'static-ip', addresses: [{ address: '10.99.5.2/24', gateway: '10.99.5.1' }] },
      { type: 'static-ip', capabilities: { ips: true } },
    ],
  });
  const rt = { containerId: 'c1', netns: '/run/netns/none', ifName: 'eth0', capabilityArgs: { ips: ['fd99::5/64'] } };

  it('ADD, CHECK, DEL, DEL', async () => {
    const r = await chain.add(list, rt);
    expect(r).toEqual({
      cniVersion: '0.4.0',
      ips: [
        { version: '4', address: '10.99.5.2/24', gateway: '10.99.5.1' },
        { version: '6', address: 'fd99::5/64' },
      ],
    });
    await chain.check(list, rt);
    await chain.del(list, rt);
    expect(await chain.cachedResult(list, rt)).toBeUndefined();
    await chain.del(list, rt);
  });

  it('a failing step is named with its code', async () => {
    const bad = parseConflist({
      cniVersion: '1.0.0',
      name: 'vct-static',
      plugins: [{ type: 'static-ip', addresses: [{ address: 'x' }] }],
    });
    await expect(chain.add(bad, rt)).rejects.toMatchObject({
      code: 7,
      message: expect.stringMatching(/^plugin 0:static-ip failed \(add\): invalid static-ip configuration/),
    });
  });
});
