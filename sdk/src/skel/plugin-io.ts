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

/** The part of `process` {@link processIo} uses (a fake EventEmitter works in tests). */
export interface ProcessLike {
  readonly env: Record<string, string | undefined>;
  readonly stdin: NodeJS.ReadableStream;
  exit(code: number): never | void;
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (err: unknown) => void): unknown;
}

/**
 * The real process, for a plugin's `main.ts` (the only caller that should touch `process`). Writes are synchronous.
 * It also installs a crash guard: an uncaught exception or unhandled rejection that escapes the dispatcher prints
 * a code-999 error JSON on stdout (only if nothing was printed yet) and exits 1, never a stack on stdout.
 */
export function processIo(proc: ProcessLike, write: (fd: number, s: string) => void = writeSync): PluginIo {
  let printed = false;
  const io: PluginIo = {
    env: proc.env,
    readStdin: () =>
      new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        proc.stdin.on('data', (c: Buffer) => chunks.push(c));
        proc.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        proc.stdin.on('error', reject);
      }),
    stdout: {
      write: (s: string) => {
        printed = true;
        write(1, s);
      },
    },
    stderr: { write: (s: string) => write(2, s) },
    exit: (code: number) => proc.exit(code),
  };
  const crash = (err: unknown): void => {
    const msg = err instanceof Error ? err.message : String(err);
    if (!printed) io.stdout.write(`${JSON.stringify({ code: 999, msg: `internal error: ${msg}` })}\n`);
    proc.exit(1);
  };
  proc.on('uncaughtException', crash);
  proc.on('unhandledRejection', crash);
  return io;
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
