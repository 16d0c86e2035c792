// SPDX-License-Identifier: Apache-2.0
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { writeFileAtomic } from './atomic-write';
import { FsExecutableInstaller } from './installer';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(tmpdir(), 'vct-conflist-fs-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('FsExecutableInstaller', () => {
  it('installs copies with executable bits, replaces old files, keeps hard links shared, leaves no temp files', async () => {
    const src = path.join(dir, 'src');
    const bin = path.join(dir, 'host', 'opt', 'cni', 'bin');
    await fsp.mkdir(src);
    await fsp.writeFile(path.join(src, 'vpc-cni'), 'multicall', { mode: 0o644 });
    for (const n of ['aws-cni', 'egress-cni']) await fsp.link(path.join(src, 'vpc-cni'), path.join(src, n));
    await fsp.writeFile(path.join(src, 'portmap'), 'pm');
    await fsp.mkdir(bin, { recursive: true });
    await fsp.writeFile(path.join(bin, 'aws-cni'), 'old version');

    const names = await new FsExecutableInstaller().install(src, bin, { wanted: ['aws-cni', 'egress-cni'] });

    expect(names).toEqual(['aws-cni', 'egress-cni']);
    expect(await fsp.readFile(path.join(bin, 'aws-cni'), 'utf8')).toBe('multicall');
    const a = await fsp.stat(path.join(bin, 'aws-cni'));
    const e = await fsp.stat(path.join(bin, 'egress-cni'));
    expect(a.ino).toBe(e.ino);
    expect(a.mode & 0o777).toBe(0o755);
    expect((await fsp.readdir(bin)).sort()).toEqual(['aws-cni', 'egress-cni']);
  });

  it('fails naming a missing executable and installs nothing', async () => {
    const src = path.join(dir, 'src');
    await fsp.mkdir(src);
    await fsp.writeFile(path.join(src, 'aws-cni'), 'x');
    await expect(
      new FsExecutableInstaller().install(src, path.join(dir, 'bin'), { wanted: ['aws-cni', 'egress-cni'] }),
    ).rejects.toThrow(/egress-cni/);
    await expect(fsp.readdir(path.join(dir, 'bin'))).rejects.toThrow(/ENOENT/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file', async () => {
    const file = path.join(dir, '10-aws.conflist');
    await fsp.writeFile(file, 'old');
    await writeFileAtomic(file, '{"new":true}\n');
    expect(await fsp.readFile(file, 'utf8')).toBe('{"new":true}\n');
    expect(await fsp.readdir(dir)).toEqual(['10-aws.conflist']);
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o644);
  });

  it('keeps the old file and cleans up when the write cannot finish', async () => {
    const file = path.join(dir, 'missing-dir', 'x.conflist');
    await expect(writeFileAtomic(file, 'x')).rejects.toThrow(/ENOENT/);
    expect(await fsp.readdir(dir)).toEqual([]);
  });
});
