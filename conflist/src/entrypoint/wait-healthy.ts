// SPDX-License-Identifier: Apache-2.0
import { type HealthProbe } from '../health';
import { type Logger } from '../log';

export interface WaitOptions {
  /** Pause between failed checks, ms (default 100). */
  readonly retryMs?: number;
  /** Log a "still waiting" line every this many failed checks (default 50). */
  readonly logEvery?: number;
}

/** The outcome of waiting: the daemon serves, or it exited first (with its code). */
export type WaitOutcome = { readonly healthy: true } | { readonly healthy: false; readonly exitCode: number };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Checks `probe` until it answers SERVING or `exited` resolves, whichever comes first. Like upstream it waits
 * without a time limit: a daemon that never serves is the liveness probe's business.
 */
export async function waitUntilServing(
  probe: HealthProbe,
  exited: Promise<number>,
  log: Logger,
  opts: WaitOptions = {},
): Promise<WaitOutcome> {
  let exitCode: number | undefined;
  void exited.then((c) => (exitCode = c));
  const retryMs = opts.retryMs ?? 100;
  const logEvery = opts.logEvery ?? 50;
  for (let attempt = 1; ; attempt++) {
    if (exitCode !== undefined) return { healthy: false, exitCode };
    let status: string;
    try {
      status = await probe.check();
    } catch (err) {
      status = `unreachable (${(err as Error).message})`;
    }
    if (status === 'SERVING') return { healthy: true };
    if (attempt % logEvery === 0) log.info('waiting for ipamd to serve', { attempt, status });
    await Promise.race([sleep(retryMs), exited]);
  }
}
