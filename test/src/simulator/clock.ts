/** Time source of the simulator, in milliseconds. Buckets, attachment delays and IMDS lag all read it. */
export interface Clock {
  now(): number;
}

/** Wall clock (Date.now). */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A clock that only moves when told: makes bucket refills and lags deterministic in tests. */
export class ManualClock implements Clock {
  constructor(private t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms` (negative values are refused). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ms must be >= 0, got ${ms}`);
    this.t += ms;
  }
}
