import type { Clock } from '@vpc-cni-ts/ipamd/ports';

/** A token bucket: `size` tokens at most, `refillPerSecond` back. */
export interface BudgetConfig {
  readonly size: number;
  readonly refillPerSecond: number;
}

interface Waiter {
  readonly priority: () => number;
  readonly seq: number;
  readonly resolve: () => void;
}

/**
 * One EC2 call budget shared by the nodes of a cluster, kept a little under the account's own bucket so the nodes
 * queue here instead of being throttled by EC2 (a throttled call costs a round trip and starts a back-off during
 * which tokens go unused). When calls wait, the node with the most pods waiting for an address goes first; ties in
 * arrival order. In a real cluster this is a small coordinator (a lease per token batch); here it is in memory.
 */
export class ClusterBudget {
  private tokens: number;
  private last: number;
  private seq = 0;
  private readonly waiters: Waiter[] = [];
  private pumping = false;
  /** Calls that had to wait, and the total wait in ms. */
  waited = 0;
  waitedMs = 0;

  constructor(
    private readonly clock: Clock,
    readonly config: BudgetConfig,
  ) {
    this.tokens = config.size;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    if (now > this.last)
      this.tokens = Math.min(this.config.size, this.tokens + ((now - this.last) / 1000) * this.config.refillPerSecond);
    this.last = now;
  }

  /** Resolves when a token is granted; `priority` is read at grant time (higher first). */
  acquire(priority: () => number): Promise<void> {
    this.refill();
    if (!this.waiters.length && this.tokens >= 1) {
      this.tokens -= 1;
      return Promise.resolve();
    }
    const since = this.clock.now();
    this.waited++;
    return new Promise((resolve) => {
      this.waiters.push({
        priority,
        seq: this.seq++,
        resolve: () => ((this.waitedMs += this.clock.now() - since), resolve()),
      });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiters.length) {
        this.refill();
        if (this.tokens < 1) {
          await this.clock.sleep(Math.ceil(((1 - this.tokens) / this.config.refillPerSecond) * 1000));
          continue;
        }
        let best = 0;
        let bestP = this.waiters[0].priority();
        for (let i = 1; i < this.waiters.length; i++) {
          const p = this.waiters[i].priority();
          if (p > bestP) {
            best = i;
            bestP = p;
          }
        }
        const [w] = this.waiters.splice(best, 1);
        this.tokens -= 1;
        w.resolve();
      }
    } finally {
      this.pumping = false;
    }
  }
}
