import { FakeClock, InstantClock } from '../testing';
import { GrowthGate, backoffDelay, retry } from './backoff';

describe('backoff', () => {
  it('grows exponentially, caps, and adds jitter', () => {
    const d = (a: number, r: number) => backoffDelay(a, { baseMs: 100, maxMs: 1000, jitter: 0.5 }, () => r);
    expect([0, 1, 2, 3, 4, 5].map((a) => d(a, 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(d(2, 1)).toBe(600);
  });
  it('GrowthGate: capacity pause with jitter, exponential pause for throttling, reset on success', () => {
    const clock = new FakeClock(0, 0.5);
    const g = new GrowthGate(clock, 120_000);
    expect(g.capacity('subnet-full', 'x').until).toBe(132_000);
    expect(g.current()?.reason).toBe('subnet-full');
    g.succeeded();
    expect(g.current()).toBeUndefined();
    const waits = [0, 1, 2].map(() => g.failed('throttled', 'x').until);
    expect(waits).toEqual([1250, 2500, 5000]);
  });
  it('retry stops on a non-retryable error and rethrows the last one', async () => {
    const clock = new InstantClock();
    let n = 0;
    const p = retry(
      async () => {
        n++;
        throw new Error(n < 3 ? 'again' : 'fatal');
      },
      { attempts: 10, baseMs: 1, maxMs: 1, retryable: (e) => (e as Error).message === 'again' },
      clock,
    );
    await expect(p).rejects.toThrow('fatal');
    expect(n).toBe(3);
  });
});
