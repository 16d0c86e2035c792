// SPDX-License-Identifier: Apache-2.0
import type { Clock } from '../ports';

/** A clock tests drive by hand: `sleep` resolves when `advance` passes its deadline. Deterministic `random`. */
export class FakeClock implements Clock {
  private sleepers: { until: number; resolve: () => void }[] = [];
  constructor(
    private t = 1_700_000_000_000,
    private readonly rnd = 0.5,
  ) {}
  now(): number {
    return this.t;
  }
  random(): number {
    return this.rnd;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const s = { until: this.t + ms, resolve };
      this.sleepers.push(s);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  /** Move time forward, waking sleepers in order (each gets a few microtask turns). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers[0];
      if (!next || next.until > end) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.until);
      next.resolve();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    this.t = end;
  }
}

/** A real-time clock whose sleeps are scaled down (integration-style unit tests that want real concurrency). */
export class InstantClock implements Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  random(): number {
    return 0.5;
  }
  /** Sleeps jump the clock forward instead of waiting. */
  async sleep(ms: number): Promise<void> {
    this.offset += ms;
    await new Promise((r) => setImmediate(r));
  }
  skip(ms: number): void {
    this.offset += ms;
  }
}
