import type { Clock as IpamdClock } from '@vpc-cni-ts/ipamd/ports';

import type { Clock as SimClock } from '../simulator';
import { Prng } from './prng';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly resolve: () => void;
  done: boolean;
}

/** Binary min-heap of timers ordered by (time, creation order): ties wake in the order they were armed. */
class TimerHeap {
  private a: Timer[] = [];
  get size(): number {
    return this.a.length;
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i],
      y = this.a[j];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
  push(t: Timer): void {
    const a = this.a;
    a.push(t);
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  peek(): Timer | undefined {
    return this.a[0];
  }
  pop(): Timer | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1,
          r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

const macrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Virtual time for a discrete-event simulation. It satisfies ipamd's `Clock` port (now, sleep, random) and the
 * AWS simulator's clock, so both sides share one time line. `sleep` only registers a timer; time moves when the
 * driver calls `runUntil`/`step`, which first lets all in-flight work settle (microtasks, plus any I/O that
 * `settleWith` reports), then jumps to the earliest timer. Same seed and same inputs give the same run.
 */
export class VirtualClock implements IpamdClock, SimClock {
  private t: number;
  private seq = 0;
  private readonly heap = new TimerHeap();
  private readonly rng: Prng;
  /** Extra settle condition (e.g. HTTP calls in flight); resolves when that work is done. */
  settleWith: (() => Promise<boolean>) | undefined;
  /** Timers fired so far (for the report). */
  fired = 0;

  constructor(seed: number, start = 1_700_000_000_000) {
    this.t = start;
    this.rng = new Prng(seed);
  }

  now(): number {
    return this.t;
  }

  random(): number {
    return this.rng.next();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        if (timer.done) return;
        timer.done = true;
        resolve();
      };
      const fire = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const timer: Timer = {
        at: this.t + Math.max(0, Number.isFinite(ms) ? ms : 0),
        seq: this.seq++,
        resolve: fire,
        done: false,
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.heap.push(timer);
    });
  }

  /** Let everything that can run without time passing run. */
  async settle(): Promise<void> {
    for (;;) {
      await macrotask();
      if (!this.settleWith || !(await this.settleWith())) return;
    }
  }

  /** Time of the next live timer, if any. */
  nextAt(): number | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (!top) return undefined;
      if (!top.done) return top.at;
      this.heap.pop();
    }
  }

  /** Settle, then fire every timer due at the earliest pending time. Returns false when no timer is left. */
  async step(limit = Infinity): Promise<boolean> {
    await this.settle();
    const at = this.nextAt();
    if (at === undefined || at > limit) return false;
    this.t = Math.max(this.t, at);
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.at > this.t) break;
      this.heap.pop();
      if (top.done) continue;
      top.done = true;
      this.fired++;
      top.resolve();
    }
    return true;
  }

  /** Run until virtual time `end` (ms epoch); time ends exactly at `end`. */
  async runUntil(end: number): Promise<void> {
    while (await this.step(end));
    this.t = Math.max(this.t, end);
    await this.settle();
  }
}
