import { type Clock } from './clock';
import { Ec2Error, statusForCode } from './ec2-error';
import { type ResolvedScenario } from './scenario';
import { type BucketConfig, TokenBucket } from './token-bucket';

/** Fail the next `count` calls of `action` (`*` = any action) with EC2 error `code`. */
export interface FaultSpec {
  readonly action: string;
  readonly code: string;
  /** Default 1. */
  readonly count?: number;
  readonly message?: string;
  /** Default: the status EC2 uses for the code (503 throttling, 500 internal, 403 unauthorized, else 400). */
  readonly httpStatus?: number;
}

/** Per-action counters. `total` counts every call received, whatever its outcome. */
export interface CallStats {
  total: number;
  ok: number;
  /** EC2 errors returned by the action itself (bad input, limits...). */
  errors: number;
  throttled: number;
  faulted: number;
}

export type ThrottleClass = 'describe' | 'unfilteredDescribe' | 'mutating';

/**
 * The account-wide knobs around the API: EC2's token buckets (shared by every simulated instance, as in a real
 * account), injected faults, added latency, and call counters.
 */
export class Controls {
  private buckets = new Map<string, TokenBucket>();
  private faults: { action: string; code: string; remaining: number; message: string; status: number }[] = [];
  private readonly latency = new Map<string, number>();
  private stats = new Map<string, CallStats>();
  private throttling: ResolvedScenario['throttling'];

  constructor(
    scenario: ResolvedScenario,
    private readonly clock: Clock,
  ) {
    this.throttling = scenario.throttling;
    for (const [a, ms] of Object.entries(scenario.latency)) this.latency.set(a, ms);
  }

  /** Replaces the throttling configuration (false = off); buckets start full. */
  setThrottling(t: ResolvedScenario['throttling']): void {
    this.throttling = t;
    this.buckets.clear();
  }

  get throttlingConfig(): ResolvedScenario['throttling'] {
    return this.throttling;
  }

  private bucketFor(action: string, cls: ThrottleClass): TokenBucket | undefined {
    const t = this.throttling;
    if (!t) return undefined;
    const own = Object.prototype.hasOwnProperty.call(t.actions, action) ? t.actions[action] : undefined;
    const key = own ? `action:${action}` : `class:${cls}`;
    let b = this.buckets.get(key);
    if (!b) {
      const cfg: BucketConfig = own ?? t[cls];
      this.buckets.set(key, (b = new TokenBucket(cfg, this.clock)));
    }
    return b;
  }

  private statsFor(action: string): CallStats {
    let s = this.stats.get(action);
    if (!s) this.stats.set(action, (s = { total: 0, ok: 0, errors: 0, throttled: 0, faulted: 0 }));
    return s;
  }

  /**
   * Admission of one call: counts it, then throws RequestLimitExceeded when its bucket is empty, or the injected
   * fault when one matches. Returns normally when the call may proceed.
   */
  admit(action: string, cls: ThrottleClass): void {
    const s = this.statsFor(action);
    s.total++;
    const b = this.bucketFor(action, cls);
    if (b && !b.tryTake()) {
      s.throttled++;
      throw new Ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
    }
    const i = this.faults.findIndex((f) => f.action === action || f.action === '*');
    if (i >= 0) {
      const f = this.faults[i];
      if (--f.remaining <= 0) this.faults.splice(i, 1);
      s.faulted++;
      throw new Ec2Error(f.code, f.message, f.status);
    }
  }

  /** Records how an admitted call ended. */
  finished(action: string, ok: boolean): void {
    const s = this.statsFor(action);
    if (ok) s.ok++;
    else s.errors++;
  }

  injectFault(f: FaultSpec): void {
    if (!f.action || !f.code) throw new Error('injectFault: action and code are required');
    const count = f.count ?? 1;
    if (!Number.isInteger(count) || count < 1)
      throw new Error(`injectFault: count must be a positive integer, got ${f.count}`);
    this.faults.push({
      action: f.action,
      code: f.code,
      remaining: count,
      message: f.message ?? `Injected fault ${f.code} for ${f.action}`,
      status: f.httpStatus ?? statusForCode(f.code),
    });
  }

  clearFaults(): void {
    this.faults = [];
  }

  pendingFaults(): FaultSpec[] {
    return this.faults.map((f) => ({
      action: f.action,
      code: f.code,
      count: f.remaining,
      message: f.message,
      httpStatus: f.status,
    }));
  }

  /** Added latency for an action (`*` for all; the larger of the two applies). */
  setLatency(action: string, ms: number): void {
    if (!(ms >= 0)) throw new Error(`setLatency: ms must be >= 0, got ${ms}`);
    if (ms === 0) this.latency.delete(action);
    else this.latency.set(action, ms);
  }

  latencyFor(action: string): number {
    return Math.max(this.latency.get(action) ?? 0, this.latency.get('*') ?? 0);
  }

  latencies(): Record<string, number> {
    return Object.fromEntries(this.latency);
  }

  /** Calls received per action. */
  calls(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [a, s] of this.stats) out[a] = s.total;
    return out;
  }

  callStats(): Record<string, CallStats> {
    const out: Record<string, CallStats> = {};
    for (const [a, s] of this.stats) out[a] = { ...s };
    return out;
  }

  resetCalls(): void {
    this.stats = new Map();
  }

  /** Tokens left per bucket (for inspection). */
  bucketLevels(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, b] of this.buckets) out[k] = Math.floor(b.available() * 100) / 100;
    return out;
  }

  /** Refills every bucket. */
  resetBuckets(): void {
    this.buckets.clear();
  }
}
