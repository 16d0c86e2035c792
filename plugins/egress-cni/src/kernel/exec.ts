// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';

/** Output of one finished tool run. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool (never through a shell), feeding `input` on stdin; resolves with exit code and output. */
export type Exec = (cmd: string, args: readonly string[], input?: string) => Promise<ExecResult>;

/** The real {@link Exec}: `child_process.spawn`. A missing binary resolves with code 127. */
export const spawnExec: Exec = (cmd, args, input) =>
  new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => resolve({ code: 127, stdout: '', stderr: `${cmd}: ${e.message}` }));
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });

/** Prefixes a command so it runs in the network namespace at `netnsPath` (no prefix for the host). */
export function inNetns(netnsPath: string | undefined, cmd: string, args: readonly string[]): [string, string[]] {
  return netnsPath ? ['nsenter', [`--net=${netnsPath}`, '--', cmd, ...args]] : [cmd, [...args]];
}
