import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileBackupStore } from './file-backup-store';

describe('FileBackupStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vct-tuning-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves, loads and removes a backup', async () => {
    const store = new FileBackupStore();
    await store.save(dir, 'c1', 'eth0', { mtu: 9001, mac: '02:00:00:00:00:01', promisc: false });
    expect(await store.load(dir, 'c1', 'eth0')).toEqual({ mtu: 9001, mac: '02:00:00:00:00:01', promisc: false });
    await store.remove(dir, 'c1', 'eth0');
    expect(await store.load(dir, 'c1', 'eth0')).toBeUndefined();
  });

  it('reads keys in any letter case, the exact spelling winning, and ignores values of the wrong type', async () => {
    await writeFile(
      join(dir, 'c2_eth0.json'),
      JSON.stringify({ MTU: 1400, mtu: 1500, Mac: '02:00:00:00:00:02', AllMulti: true, TXQLEN: 'x' }),
    );
    expect(await new FileBackupStore().load(dir, 'c2', 'eth0')).toEqual({
      mtu: 1500,
      mac: '02:00:00:00:00:02',
      allmulti: true,
    });
  });
});
