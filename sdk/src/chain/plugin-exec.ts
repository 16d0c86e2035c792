// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { CniError, CniErrorCode } from '../errors/cni-error';

/** What running a plugin produced. */
export interface ExecOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  readonly signal?: string | null;
}

/** Port: runs an executable with env and stdin. The default adapter spawns; tests may pass a fake. */
export interface PluginExec {
  exec(path: string, env: Readonly<Record<string, string>>, stdin: string): Promise<ExecOutput>;
}

/** Port: locates a plugin executable by its `type`. */
export interface PluginFinder {
  find(type: string, dirs: readonly string[]): Promise<string>;
}

/** Finds `<dir>/<type>` executable in the first dir that has it; `type` may not contain a path separator. */
export const fsPluginFinder: PluginFinder = {
  async find(type, dirs) {
    if (!type || /[/\\]/.test(type)) {
      throw new CniError(CniErrorCode.InvalidNetworkConfig, `invalid plugin type "${type}": must be a file name`);
    }
    for (const d of dirs) {
      const p = join(d, type);
      try {
        const s = await stat(p);
        if (!s.isFile()) continue;
        await access(p, constants.X_OK);
        return p;
      } catch {
        // try the next directory
      }
    }
    throw new CniError(
      CniErrorCode.InvalidNetworkConfig,
      `failed to find plugin "${type}" in path [${dirs.join(' ')}]`,
    );
  },
};

export interface SpawnExecOptions {
  /** Kill the plugin after this many ms (default 60000). */
  readonly timeoutMs?: number;
}

/**
 * The default {@link PluginExec}: spawn, write stdin, collect output; retries "text file busy" 5 times like libcni.
 * A path ending in `.js` is run with the current node binary (handy for compiled plugins in tests).
 */
export function spawnExec(opts: SpawnExecOptions = {}): PluginExec {
  const timeout = opts.timeoutMs ?? 60_000;
  const once = (path: string, env: Readonly<Record<string, string>>, stdin: string): Promise<ExecOutput> =>
    new Promise((resolve, reject) => {
      const [cmd, argv] = path.endsWith('.js') ? [process.execPath, [path]] : [path, []];
      const child = spawn(cmd, argv, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.on('error', reject);
      child.stdin.on('error', () => undefined); // plugin may exit without reading stdin (VERSION)
      child.on('close', (code, signal) =>
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          code,
          signal,
        }),
      );
      child.stdin.end(stdin);
    });
  return {
    async exec(path, env, stdin) {
      for (let attempt = 0; ; attempt++) {
        try {
          return await once(path, env, stdin);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ETXTBSY' || attempt >= 4) {
            throw new CniError(CniErrorCode.IoFailure, `cannot execute ${path}: ${(e as Error).message}`, { cause: e });
          }
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    },
  };
}
