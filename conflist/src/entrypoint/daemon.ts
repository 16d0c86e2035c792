// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** A running daemon child. */
export interface DaemonProcess {
  /** Resolves with the exit code (128 + signal number when killed by a signal); never rejects. */
  readonly exited: Promise<number>;
  /** Sends a signal (no-op once exited). */
  kill(signal: NodeJS.Signals): void;
}

/** The port: starts ipamd. */
export interface DaemonLauncher {
  start(): DaemonProcess;
}

/** Exit code for a child that ended by `signal`, shell style. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Adapter: spawns the daemon with stdout/stderr passed through and the same environment. A `.js` path runs under
 * `nodePath` (the bundle form); anything else is executed directly (a standalone executable).
 */
export class SpawnDaemonLauncher implements DaemonLauncher {
  constructor(
    private readonly path: string,
    private readonly nodePath: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  start(): DaemonProcess {
    const [cmd, args] = this.path.endsWith('.js') ? [this.nodePath, [this.path]] : [this.path, []];
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env: this.env });
    const exited = new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code, signal) => resolve(code ?? (signal ? signalExitCode(signal) : 1)));
    });
    return {
      exited,
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  }
}
