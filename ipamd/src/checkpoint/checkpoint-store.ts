// SPDX-License-Identifier: Apache-2.0
import { promises as fs } from 'node:fs';
import { dirname, join, basename } from 'node:path';

import type { AllocationRecord } from '../datastore';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './format';

/** Port: durable allocation state. `load` returns undefined for a fresh node (no file). */
export interface Checkpoint {
  load(): Promise<AllocationRecord[] | undefined>;
  /** Durably replace the stored allocations; resolves only once they survive a crash. */
  save(allocs: readonly AllocationRecord[]): Promise<void>;
}

/**
 * The checkpoint as a file in upstream's format, replaced atomically: write a temp file in the same directory,
 * fsync it, rename over the target, fsync the directory.
 */
export class FileCheckpoint implements Checkpoint {
  private seq = 0;
  private dirReady = false;
  constructor(readonly path: string) {}

  async load(): Promise<AllocationRecord[] | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CheckpointError(this.path, `cannot read (${(e as Error).message})`);
    }
    return decodeCheckpoint(this.path, text);
  }

  async save(allocs: readonly AllocationRecord[]): Promise<void> {
    const dir = dirname(this.path);
    if (!this.dirReady) {
      await fs.mkdir(dir, { recursive: true, mode: 0o755 });
      this.dirReady = true;
    }
    const tmp = join(dir, `.${basename(this.path)}.tmp-${process.pid}-${this.seq++}`);
    const fh = await fs.open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(encodeCheckpoint(allocs));
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.rename(tmp, this.path);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw e;
    }
    const d = await fs.open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }
}

/** Checkpoint in memory (tests); `failNext` makes the next saves fail like a full disk. */
export class MemoryCheckpoint implements Checkpoint {
  saved: AllocationRecord[] | undefined;
  saves = 0;
  private failures = 0;
  constructor(initial?: AllocationRecord[]) {
    this.saved = initial;
  }
  failNext(n = 1): void {
    this.failures += n;
  }
  async load(): Promise<AllocationRecord[] | undefined> {
    return this.saved?.map((a) => ({ ...a }));
  }
  async save(allocs: readonly AllocationRecord[]): Promise<void> {
    await Promise.resolve();
    if (this.failures > 0) {
      this.failures--;
      throw new Error('ENOSPC: no space left on device (injected)');
    }
    this.saves++;
    this.saved = allocs.map((a) => ({ ...a }));
  }
}

/**
 * Group commit: callers mutate the datastore, then `await commit()`. Concurrent callers share one write that
 * includes every mutation made before it started; a caller is released only after a write that started after its
 * mutation finished. `snapshot` is read when each write starts.
 */
export class CheckpointWriter {
  private running: Promise<void> | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly store: Checkpoint,
    private readonly snapshot: () => readonly AllocationRecord[],
  ) {}

  commit(): Promise<void> {
    if (!this.running) {
      this.running = this.write();
      return this.running;
    }
    if (!this.pending) {
      this.pending = this.running.then(
        () => this.next(),
        () => this.next(),
      );
    }
    return this.pending;
  }

  private next(): Promise<void> {
    this.pending = undefined;
    this.running = this.write();
    return this.running;
  }

  private async write(): Promise<void> {
    try {
      await this.store.save(this.snapshot());
    } finally {
      // Let the next batch start only after this one settled.
      const me = this.running;
      queueMicrotask(() => {
        if (this.running === me && !this.pending) this.running = undefined;
      });
    }
  }
}
