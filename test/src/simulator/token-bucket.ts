import { type Clock } from './clock';

export interface BucketConfig {
  /** Maximum tokens (the burst). */
  readonly size: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

/**
 * EC2's request-rate limiting: a bucket holds up to `size` tokens, each call takes one, tokens come back at
 * `refillPerSecond`. A call finding the bucket empty is throttled (RequestLimitExceeded) and takes nothing.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly config: BucketConfig,
    private readonly clock: Clock,
  ) {
    this.tokens = config.size;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last) {
      this.tokens = Math.min(this.config.size, this.tokens + ((now - this.last) / 1000) * this.config.refillPerSecond);
    }
    this.last = now;
  }

  /** Takes one token if there is one. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Tokens currently available (fractional while refilling). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Fills the bucket to its size. */
  reset(): void {
    this.tokens = this.config.size;
    this.last = this.clock.now();
  }
}
