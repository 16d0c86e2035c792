// SPDX-License-Identifier: Apache-2.0
/** A regular file found in the source directory. */
export interface SourceFile {
  readonly name: string;
  /** Device and inode: files sharing both are hard links to one executable (e.g. the multicall binary). */
  readonly dev: number;
  readonly ino: number;
  readonly mode: number;
}

/** One step of an install: copy a source file, or hard-link a name to a file installed by an earlier step. */
export type InstallStep =
  | { readonly kind: 'copy'; readonly name: string; readonly mode: number }
  | { readonly kind: 'link'; readonly name: string; readonly target: string; readonly mode: number };

/** Thrown when a file the plan needs is not in the source directory. */
export class MissingExecutableError extends Error {
  override readonly name = 'MissingExecutableError';
}

/** Executable bits are always set on installed files, whatever the source mode. */
export const installMode = (mode: number): number => (mode & 0o777) | 0o555;

/**
 * Plans an install. `wanted` names the files to install (all of `sources` when undefined), `exclude` names never
 * installed (e.g. the init executable itself). Source files that are hard links of one another are copied once
 * and the other names hard-linked to that copy, so a ~100 MB multicall executable lands on the host once.
 * Steps come in name order, every link after its target's copy.
 */
export function planInstall(
  sources: readonly SourceFile[],
  wanted?: readonly string[],
  exclude: readonly string[] = [],
): readonly InstallStep[] {
  const byName = new Map(sources.map((s) => [s.name, s]));
  const names = (wanted ?? sources.map((s) => s.name)).filter((n) => !exclude.includes(n));
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw new MissingExecutableError(`not found in the source directory: ${missing.join(', ')}`);
  const firstByInode = new Map<string, string>();
  const copies: InstallStep[] = [];
  const links: InstallStep[] = [];
  for (const name of [...names].sort()) {
    const s = byName.get(name)!;
    const key = `${s.dev}:${s.ino}`;
    const first = firstByInode.get(key);
    if (first === undefined) {
      firstByInode.set(key, name);
      copies.push({ kind: 'copy', name, mode: installMode(s.mode) });
    } else {
      links.push({ kind: 'link', name, target: first, mode: installMode(s.mode) });
    }
  }
  return [...copies, ...links];
}
