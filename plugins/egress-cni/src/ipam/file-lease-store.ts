// SPDX-License-Identifier: Apache-2.0
import { constants } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { formatIp, type IpAddress, tryParseIp } from '@vpc-cni-ts/sdk/kernel';

import { type EgressRange } from '../config/egress-config';
import { nextFree } from './allocator';
import { type LeaseStore } from './lease-store';

/** host-local writes "<containerID>\r\n<ifname>"; it reads either line ending. */
const LINE_BREAK = '\r\n';
const MUTEX = '.vct-egress.lock';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Leases in host-local's on-disk layout, so nodes upgraded from the Go plugin keep their leases: in
 * `<dataDir>/<network>/`, one file per address (named by the address, content "containerID\r\nifname"),
 * `last_reserved_ip.0` with the last address handed out, and a `lock` file.
 *
 * host-local serialises with flock(2) on `lock`, which Node cannot take; this store serialises its own processes
 * with an exclusive-create mutex file next to it (stale holders detected by pid). The Go and TypeScript plugins
 * are never installed side by side, so the two locks never need to meet.
 */
export class FileLeaseStore implements LeaseStore {
  constructor(
    private readonly dir: string,
    private readonly timeoutMs = 10_000,
  ) {}

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    const lockFile = join(this.dir, 'lock');
    await writeFile(lockFile, '', { flag: 'a' });
    const mutex = join(this.dir, MUTEX);
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        const h = await open(mutex, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
        await h.writeFile(String(process.pid));
        await h.close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (await this.holderIsGone(mutex)) {
          await rm(mutex, { force: true });
          continue;
        }
        if (Date.now() > deadline)
          throw new Error(`timed out after ${this.timeoutMs} ms waiting for the lease lock ${mutex}`);
        await sleep(5);
      }
    }
    try {
      return await fn();
    } finally {
      await rm(mutex, { force: true });
    }
  }

  private async holderIsGone(mutex: string): Promise<boolean> {
    try {
      const pid = Number((await readFile(mutex, 'utf8')).trim());
      if (!Number.isInteger(pid) || pid <= 0) {
        // Being written right now, or garbage: stale only if old.
        return Date.now() - (await stat(mutex)).mtimeMs > 2000;
      }
      process.kill(pid, 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH' || (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }

  /** Every lease file: address text -> [containerId, ifName]. */
  private async leases(): Promise<Map<string, [string, string]>> {
    const out = new Map<string, [string, string]>();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return out;
    }
    await Promise.all(
      names
        .filter((n) => tryParseIp(n) !== undefined)
        .map(async (n) => {
          const text = await readFile(join(this.dir, n), 'utf8').catch(() => '');
          const [id = '', ifn = ''] = text.split(/\r?\n/).map((s) => s.trim());
          out.set(n, [id, ifn]);
        }),
    );
    return out;
  }

  private static owned(all: Map<string, [string, string]>, cid: string, ifName: string): IpAddress[] {
    return [...all]
      .filter(([, [id, ifn]]) => id === cid.trim() && ifn === ifName)
      .map(([ip]) => tryParseIp(ip))
      .filter((ip): ip is IpAddress => ip !== undefined);
  }

  async acquire(cid: string, ifName: string, range: EgressRange): Promise<IpAddress> {
    return this.withLock(async () => {
      const all = await this.leases();
      const mine = FileLeaseStore.owned(all, cid, ifName).find((ip) => ip.family === range.subnet.address.family);
      if (mine) return mine;
      const lastFile = join(this.dir, 'last_reserved_ip.0');
      const last = (await readFile(lastFile, 'utf8').catch(() => '')).trim() || undefined;
      const ip = nextFree(range, new Set(all.keys()), last);
      if (!ip) {
        throw new Error(
          `no IP addresses available in range set: ${formatIp(range.rangeStart)}-${formatIp(range.rangeEnd)}`,
        );
      }
      const text = formatIp(ip);
      await writeFile(join(this.dir, text), `${cid.trim()}${LINE_BREAK}${ifName}`, { flag: 'wx', mode: 0o644 });
      await writeFile(lastFile, text, { mode: 0o644 });
      return ip;
    });
  }

  async find(cid: string, ifName: string): Promise<IpAddress[]> {
    return FileLeaseStore.owned(await this.leases(), cid, ifName);
  }

  async release(cid: string, ifName: string): Promise<IpAddress[]> {
    try {
      await stat(this.dir);
    } catch {
      return [];
    }
    return this.withLock(async () => {
      const mine = FileLeaseStore.owned(await this.leases(), cid, ifName);
      await Promise.all(mine.map((ip) => rm(join(this.dir, formatIp(ip)), { force: true })));
      return mine;
    });
  }
}
