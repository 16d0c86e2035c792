// SPDX-License-Identifier: Apache-2.0
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Makes a JS plugin (bundle or compiled file) callable as `<binDir>/<type>`, the way runtimes find plugins: a
 * shell wrapper with the absolute node path (the runtime's PATH may not contain node), written atomically
 * (temp + rename, so a running runtime never sees a half-written file). Returns the wrapper path.
 */
export async function installNodePlugin(
  binDir: string,
  type: string,
  jsFile: string,
  node = process.execPath,
): Promise<string> {
  if (!type || /[/\\]/.test(type)) throw new Error(`invalid plugin type "${type}"`);
  await mkdir(binDir, { recursive: true });
  const path = join(binDir, type);
  const tmp = `${path}.tmp-${process.pid}`;
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  await writeFile(tmp, `#!/bin/sh\nunset NODE_EXTRA_CA_CERTS\nexec ${q(node)} ${q(jsFile)} "$@"\n`);
  await chmod(tmp, 0o755);
  await rename(tmp, path);
  return path;
}
