// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** A temp name in the same directory as `file` (so rename is atomic), hidden and unique per call. */
export function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`);
}

/** Flushes a directory entry change (rename) to disk; best effort on filesystems that refuse it. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // some filesystems (and tmpfs on some kernels) refuse fsync on directories; the rename is still atomic
  } finally {
    await fh?.close();
  }
}

/**
 * Writes `content` to `file` so that readers see the old file or the whole new one, never a part: temp file in
 * the same directory, fsync, rename over, fsync the directory. The temp file is removed if anything fails.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tempNameFor(file);
  try {
    const fh = await fsp.open(tmp, 'wx', mode);
    try {
      await fh.writeFile(content);
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(file));
}

/** Copies `src` to `dst` atomically (temp + fsync + rename), giving the copy `mode`. */
export async function copyFileAtomic(src: string, dst: string, mode: number): Promise<void> {
  const tmp = tempNameFor(dst);
  try {
    await fsp.copyFile(src, tmp);
    const fh = await fsp.open(tmp, 'r+');
    try {
      await fh.chmod(mode);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, dst);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(dst));
}

/** Makes `dst` a hard link to `existing` atomically (link to a temp name, rename over); copies if linking fails. */
export async function linkFileAtomic(existing: string, dst: string, mode: number): Promise<void> {
  const tmp = tempNameFor(dst);
  try {
    await fsp.link(existing, tmp);
  } catch {
    await copyFileAtomic(existing, dst, mode);
    return;
  }
  try {
    await fsp.rename(tmp, dst);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(path.dirname(dst));
}
