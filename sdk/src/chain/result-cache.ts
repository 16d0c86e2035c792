// SPDX-License-Identifier: Apache-2.0
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One cached attachment, in libcni's `cniCacheV1` layout (config is base64, args are [key, value] pairs). */
export interface CacheEntry {
  readonly kind: 'cniCacheV1';
  readonly containerId: string;
  readonly config: string;
  readonly ifName: string;
  readonly networkName: string;
  readonly netns?: string;
  readonly cniArgs?: [string, string][];
  readonly capabilityArgs?: Record<string, unknown>;
  readonly result?: unknown;
}

/** The attachment key used by the cache: (network name, container id, ifname). */
export interface AttachmentKey {
  readonly networkName: string;
  readonly containerId: string;
  readonly ifName: string;
}

/**
 * The result cache (`<dir>/results/<network>-<container id>-<ifname>`, dir 0700, files 0600, written atomically).
 * Default directory is libcni's `/var/lib/cni`; tests and the demo pass their own.
 */
export class ResultCache {
  constructor(readonly dir: string = '/var/lib/cni') {}

  private file(k: AttachmentKey): string {
    return join(this.dir, 'results', `${k.networkName}-${k.containerId}-${k.ifName}`);
  }

  async save(entry: Omit<CacheEntry, 'kind'>): Promise<void> {
    const dir = join(this.dir, 'results');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = this.file(entry);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, JSON.stringify({ kind: 'cniCacheV1', ...entry }), { mode: 0o600 });
    await rename(tmp, path);
  }

  /** The entry, or undefined if absent or unreadable (a legacy bare result is wrapped). */
  async load(k: AttachmentKey): Promise<CacheEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.file(k), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const v = JSON.parse(text) as Record<string, unknown>;
      if (v.kind === 'cniCacheV1') return v as unknown as CacheEntry;
      return { kind: 'cniCacheV1', ...k, config: '', result: v };
    } catch {
      return undefined;
    }
  }

  async remove(k: AttachmentKey): Promise<void> {
    await rm(this.file(k), { force: true });
  }

  /** Every readable cniCacheV1 entry of one network. */
  async list(networkName: string): Promise<CacheEntry[]> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, 'results'));
    } catch {
      return [];
    }
    const out: CacheEntry[] = [];
    for (const n of names.filter((x) => x.startsWith(`${networkName}-`) && !x.includes('.tmp-'))) {
      try {
        const v = JSON.parse(await readFile(join(this.dir, 'results', n), 'utf8')) as CacheEntry;
        if (v.kind === 'cniCacheV1' && v.networkName === networkName) out.push(v);
      } catch {
        // skip unreadable entries
      }
    }
    return out;
  }
}
