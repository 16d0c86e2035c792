// SPDX-License-Identifier: Apache-2.0
import type { Clock } from '../ports';

/** Exponential delay with additive jitter: base x factor^attempt, capped, plus up to `jitter` x delay at random. */
export function backoffDelay(
  attempt: number,
  opts: { baseMs: number; maxMs: number; factor?: number; jitter?: number },
  random: () => number,
): number {
  const d = Math.min(opts.maxMs, opts.baseMs * (opts.factor ?? 2) ** attempt);
  return Math.round(d + d * (opts.jitter ?? 0.3) * random());
}

/**
 * Retry `fn` while `retryable(err)` holds, sleeping with backoff and jitter between tries; rethrows the last error.
 * Stops early when `signal` aborts.
 */
export async function retry<T>(
  fn: (attempt: number) => Promise<T>,
  opts: {
    attempts: number;
    baseMs: number;
    maxMs: number;
    factor?: number;
    jitter?: number;
    retryable?: (e: unknown) => boolean;
    signal?: AbortSignal;
  },
  clock: Clock,
): Promise<T> {
  let last: unknown;
  for (let i = 0; i < opts.attempts; i++) {
    try {
      return await fn(i);
    } catch (e) {
      last = e;
      if ((opts.retryable && !opts.retryable(e)) || i === opts.attempts - 1 || opts.signal?.aborted) break;
      await clock.sleep(
        backoffDelay(i, opts, () => clock.random()),
        opts.signal,
      );
    }
  }
  throw last;
}

/** Why the pool cannot grow right now; the words reach operators in failed ADD replies. */
export type PoolBlock =
  | { readonly reason: 'subnet-full'; readonly until: number; readonly detail: string }
  | { readonly reason: 'no-contiguous-cidr'; readonly until: number; readonly detail: string }
  | { readonly reason: 'throttled'; readonly until: number; readonly detail: string }
  | { readonly reason: 'ec2-error'; readonly until: number; readonly detail: string }
  | { readonly reason: 'eni-placement'; readonly until: number; readonly detail: string };

/**
 * Gate in front of pool growth: after a capacity error a fixed pause (plus jitter), after throttling or other EC2 errors an
 * exponential pause with jitter; a success resets it.
 */
export class GrowthGate {
  private block: PoolBlock | undefined;
  private failures = 0;

  constructor(
    private readonly clock: Clock,
    private readonly capacityBackoffMs: number,
    private readonly maxMs = 60_000,
  ) {}

  /** The current block, or undefined when growth may proceed. */
  current(): PoolBlock | undefined {
    return this.block && this.clock.now() < this.block.until ? this.block : undefined;
  }

  /** Last block even if expired (for explaining an empty pool while the next attempt is in flight). */
  last(): PoolBlock | undefined {
    return this.block;
  }

  succeeded(): void {
    this.failures = 0;
    this.block = undefined;
  }

  capacity(reason: 'subnet-full' | 'no-contiguous-cidr', detail: string): PoolBlock {
    // Up to +20 % jitter so many nodes in a full subnet do not retry in lockstep.
    const wait = Math.round(this.capacityBackoffMs * (1 + 0.2 * this.clock.random()));
    const b: PoolBlock = { reason, until: this.clock.now() + wait, detail };
    this.block = b;
    return b;
  }

  failed(reason: 'throttled' | 'ec2-error' | 'eni-placement', detail: string): PoolBlock {
    const wait = backoffDelay(this.failures++, { baseMs: 1000, maxMs: this.maxMs, jitter: 0.5 }, () =>
      this.clock.random(),
    );
    const b: PoolBlock = { reason, until: this.clock.now() + wait, detail };
    this.block = b;
    return b;
  }
}
