// SPDX-License-Identifier: Apache-2.0
/**
 * Runs one tool process with argument arrays (never a shell) and optional stdin. The only place the kernel
 * adapters spawn anything.
 */
import { spawn } from 'node:child_process';

import { KernelError } from './errors';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string;
  /** Kill the process after this long (default 30 000 ms); rejects `timeout`. */
  readonly timeoutMs?: number;
  /** What the process is for, named in `missing-binary` / `timeout` errors. */
  readonly context?: { readonly op: string; readonly netns?: string };
}

/** Port for running a tool; the adapters' only I/O besides /proc/sys and statfs. */
export interface ProcessRunner {
  /** Resolves with exit code and output; rejects `missing-binary` when `cmd` cannot be executed. */
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Processes started so far (for benchmarks and tests). */
  readonly spawned: number;
}

/** {@link ProcessRunner} over `child_process.spawn`. */
export class SpawnRunner implements ProcessRunner {
  private count = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      LC_ALL: 'C',
    },
  ) {}

  get spawned(): number {
    return this.count;
  }

  run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    this.count++;
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: this.env });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, opts.timeoutMs ?? 30_000);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const missing = e.code === 'ENOENT' || e.code === 'EACCES';
        reject(
          new KernelError({
            kind: missing ? 'missing-binary' : 'failed',
            op: opts.context?.op ?? 'run',
            netns: opts.context?.netns,
            object: cmd,
            detail: missing ? `cannot execute ${cmd} (${e.code})` : e.message,
            cause: e,
          }),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(
            new KernelError({
              kind: 'timeout',
              op: opts.context?.op ?? 'run',
              netns: opts.context?.netns,
              object: [cmd, ...args].join(' '),
              detail: `killed after ${opts.timeoutMs ?? 30_000} ms`,
            }),
          );
          return;
        }
        const stderr = Buffer.concat(err).toString('utf8');
        const m = /failed to execute (\S+): No such file or directory/.exec(stderr);
        if (code === 127 && m) {
          reject(
            new KernelError({
              kind: 'missing-binary',
              op: 'run',
              object: m[1],
              detail: `cannot execute ${m[1]} (ENOENT)`,
            }),
          );
          return;
        }
        resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr });
      });
      child.stdin.on('error', () => undefined); // a tool that exits early closes its stdin
      child.stdin.end(opts.input ?? '');
    });
  }
}
