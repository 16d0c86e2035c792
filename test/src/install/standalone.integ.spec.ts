// SPDX-License-Identifier: Apache-2.0
/**
 * The multicall standalone executable (scripts/sea.js): built once into a temp dir, run with no Node.js reachable
 * (PATH=/nonexistent, absolute path), installed by the entrypoint's installer as four hard links to one file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { FsExecutableInstaller } from '@vpc-cni-ts/conflist/fs';

import { REPO } from './harness';

interface SeaScript {
  PLUGINS: string[];
  MULTICALL: string;
  bundlePath(name: string): string;
  buildMulticall(outDir: string): string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sea = require(path.join(REPO, 'scripts', 'sea.js')) as SeaScript;

const noNode = { PATH: '/nonexistent', CNI_COMMAND: 'VERSION' };
const run = (file: string, args: string[] = [], env: Record<string, string> = noNode) =>
  spawnSync(file, args, { env, input: '', encoding: 'utf8', timeout: 30_000 });

describe('multicall standalone executable', () => {
  let dir: string;
  let out: string;
  beforeAll(() => {
    const missing = sea.PLUGINS.map(sea.bundlePath).filter((f) => !existsSync(f));
    if (missing.length) throw new Error(`plugin bundles missing (npm run bundle): ${missing.join(', ')}`);
    dir = mkdtempSync(path.join(tmpdir(), 'vct-install-sea-'));
    out = path.join(dir, 'standalone');
    sea.buildMulticall(out);
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('answers VERSION under each plugin name without Node on PATH, exactly as the bundle does under node', () => {
    for (const p of sea.PLUGINS) {
      const r = run(path.join(out, p));
      const ref = spawnSync(process.execPath, [sea.bundlePath(p)], {
        env: { CNI_COMMAND: 'VERSION' },
        input: '',
        encoding: 'utf8',
      });
      expect([p, r.status, r.stderr]).toEqual([p, 0, '']);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(ref.stdout));
    }
  });

  it('compiles only the selected plugin, from the code cache built with it', () => {
    for (const p of sea.PLUGINS) {
      const r = run(path.join(out, p), [], { ...noNode, VPC_CNI_SEA_DEBUG: '1' });
      expect([p, r.status, r.stderr]).toEqual([p, 0, `vpc-cni: ${p} code cache accepted\n`]);
    }
  });

  it('is one file: every plugin name is a hard link to vpc-cni', () => {
    const ino = statSync(path.join(out, sea.MULTICALL)).ino;
    for (const p of sea.PLUGINS) expect([p, statSync(path.join(out, p)).ino]).toEqual([p, ino]);
  });

  it('dispatches on the invoked name through a symlink too, and explains itself when run as vpc-cni', () => {
    const link = path.join(dir, 'egress-cni');
    symlinkSync(path.join(out, sea.MULTICALL), link);
    expect(JSON.parse(run(link).stdout)).toEqual(JSON.parse(run(path.join(out, 'egress-cni')).stdout));
    const bare = run(path.join(out, sea.MULTICALL));
    expect(bare.status).toBe(2);
    expect(bare.stderr).toMatch(/run me as one of aws-cni, egress-cni, bandwidth-shim, tuning-shim/);
    const named = run(path.join(out, sea.MULTICALL), ['tuning-shim']);
    expect(JSON.parse(named.stdout)).toEqual(JSON.parse(run(path.join(out, 'tuning-shim')).stdout));
  });

  it('the installer lands it on the host once, as four hard links that run without Node', async () => {
    const bin = path.join(dir, 'host', 'opt', 'cni', 'bin');
    await new FsExecutableInstaller().install(out, bin, { wanted: sea.PLUGINS });
    const inodes = new Set(sea.PLUGINS.map((p) => statSync(path.join(bin, p)).ino));
    expect(inodes.size).toBe(1);
    expect(existsSync(path.join(bin, sea.MULTICALL))).toBe(false);
    const r = run(path.join(bin, 'aws-cni'));
    expect([r.status, JSON.parse(r.stdout).supportedVersions]).toEqual([0, expect.arrayContaining(['0.4.0', '1.0.0'])]);
  });
});
