// SPDX-License-Identifier: Apache-2.0
import { writeSync as fsWriteSync } from 'node:fs';

/**
 * Everything the dispatcher touches in the outside world, injected so it can be tested without spawning.
 * A plugin's `main.ts` builds it with {@link processIo}; tests use `memoryIo` from `@vpc-cni-ts/sdk/testing`.
 */
export interface PluginIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of stdin; may reject (the dispatcher answers code 5). */
  readStdin(): Promise<string>;
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** Ends the process (or records the code in tests). */
  exit(code: number): void;
}

/** The real process, for a plugin's `main.ts` (the only caller that should touch `process`). */
export function processIo(proc: NodeJS.Process): PluginIo {
  return {
    env: proc.env,
    readStdin: () =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        proc.stdin.on('data', (c: Buffer) => chunks.push(c));
        proc.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        proc.stdin.on('error', reject);
      }),
    stdout: { write: (s: string) => writeSync(1, s) },
    stderr: { write: (s: string) => writeSync(2, s) },
    exit: (code: number) => proc.exit(code),
  };
}

/** Synchronous write so nothing is lost when the process exits right after. */
function writeSync(fd: number, s: string): void {
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fsWriteSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
    }
  }
}
