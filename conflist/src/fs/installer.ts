// SPDX-License-Identifier: Apache-2.0
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

import { copyFileAtomic, linkFileAtomic } from './atomic-write';
import { type InstallStep, planInstall, type SourceFile } from './install-plan';

/** Installs executables into a bin directory. */
export interface ExecutableInstaller {
  /**
   * Installs `wanted` (or every regular file but `exclude`) from `sourceDir` into `binDir`, each atomically
   * (readers see the old executable or the new one, never a partial file). Returns the installed names.
   */
  install(
    sourceDir: string,
    binDir: string,
    opts?: { wanted?: readonly string[]; exclude?: readonly string[] },
  ): Promise<readonly string[]>;
}

/** Lists the regular files of a directory (symlinks followed, hidden temp files skipped). */
export async function listSourceFiles(dir: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  for (const name of await fsp.readdir(dir)) {
    if (name.startsWith('.')) continue;
    const st = await fsp.stat(path.join(dir, name));
    if (st.isFile()) out.push({ name, dev: st.dev, ino: st.ino, mode: st.mode });
  }
  return out;
}

/** The filesystem adapter: plans with {@link planInstall}, then copies and links atomically. */
export class FsExecutableInstaller implements ExecutableInstaller {
  async install(
    sourceDir: string,
    binDir: string,
    opts: { wanted?: readonly string[]; exclude?: readonly string[] } = {},
  ): Promise<readonly string[]> {
    const steps = planInstall(await listSourceFiles(sourceDir), opts.wanted, opts.exclude);
    await fsp.mkdir(binDir, { recursive: true });
    for (const step of steps) await this.apply(step, sourceDir, binDir);
    return steps.map((s) => s.name);
  }

  private async apply(step: InstallStep, sourceDir: string, binDir: string): Promise<void> {
    const dst = path.join(binDir, step.name);
    if (step.kind === 'copy') await copyFileAtomic(path.join(sourceDir, step.name), dst, step.mode);
    else await linkFileAtomic(path.join(binDir, step.target), dst, step.mode);
  }
}
