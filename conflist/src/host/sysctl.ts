// SPDX-License-Identifier: Apache-2.0
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** Kernel parameters, keyed like `net/ipv4/conf/eth0/rp_filter` (slashes, as under /proc/sys). */
export interface Sysctl {
  /** The current value, trimmed; undefined when the key does not exist on this kernel. */
  read(key: string): Promise<string | undefined>;
  /** Sets an existing key; fails if the key does not exist. */
  write(key: string, value: string): Promise<void>;
}

/** Adapter over a /proc/sys tree; `root` is `/proc/sys` in production and a temp dir in tests. */
export class ProcSysctl implements Sysctl {
  constructor(private readonly root: string) {}

  async read(key: string): Promise<string | undefined> {
    try {
      return (await fsp.readFile(this.file(key), 'utf8')).trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(key: string, value: string): Promise<void> {
    // r+ never creates: like /proc/sys, a key that does not exist is an error
    const fh = await fsp.open(this.file(key), 'r+');
    try {
      await fh.truncate(0);
      await fh.write(`${value}\n`, 0);
    } finally {
      await fh.close();
    }
  }

  private file(key: string): string {
    if (key.split('/').some((p) => p === '..' || p === '')) throw new Error(`bad sysctl key ${JSON.stringify(key)}`);
    return path.join(this.root, key);
  }
}
