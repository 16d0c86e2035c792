// SPDX-License-Identifier: Apache-2.0
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { SysfsHostLinks } from './host-links';
import { ProcSysctl } from './sysctl';

let dir: string;
beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(tmpdir(), 'vct-conflist-host-'));
});
afterEach(async () => {
  await fsp.rm(dir, { recursive: true, force: true });
});

describe('ProcSysctl', () => {
  it('reads and writes existing keys, reports absent keys, never creates them', async () => {
    await fsp.mkdir(path.join(dir, 'net/ipv4'), { recursive: true });
    await fsp.writeFile(path.join(dir, 'net/ipv4/tcp_early_demux'), '1\n');
    const s = new ProcSysctl(dir);
    expect(await s.read('net/ipv4/tcp_early_demux')).toBe('1');
    await s.write('net/ipv4/tcp_early_demux', '0');
    expect(await s.read('net/ipv4/tcp_early_demux')).toBe('0');
    expect(await s.read('net/ipv4/nope')).toBeUndefined();
    await expect(s.write('net/ipv4/nope', '1')).rejects.toThrow(/ENOENT/);
    await expect(s.read('net/../../etc/passwd')).rejects.toThrow(/bad sysctl key/);
  });
});

describe('SysfsHostLinks', () => {
  it('finds the link by MAC address, case-insensitively', async () => {
    for (const [n, mac] of [
      ['lo', '00:00:00:00:00:00'],
      ['ens5', '0a:1b:2c:3d:4e:5f'],
      ['ens6', '0a:1b:2c:3d:4e:60'],
    ]) {
      await fsp.mkdir(path.join(dir, n));
      await fsp.writeFile(path.join(dir, n, 'address'), `${mac}\n`);
    }
    const links = new SysfsHostLinks(dir);
    expect(await links.findByMac('0A:1B:2C:3D:4E:5F')).toBe('ens5');
    expect(await links.findByMac('02:00:00:00:00:01')).toBeUndefined();
  });
});
