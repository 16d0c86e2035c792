import { ManualClock } from './clock';
import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('allows a burst of `size`, then refills at the rate', () => {
    const clock = new ManualClock();
    const b = new TokenBucket({ size: 5, refillPerSecond: 2 }, clock);
    for (let i = 0; i < 5; i++) expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    clock.advance(499);
    expect(b.tryTake()).toBe(false);
    clock.advance(1);
    expect(b.tryTake()).toBe(true);
    expect(b.tryTake()).toBe(false);
    clock.advance(10_000);
    expect(b.available()).toBe(5); // capped at size
  });
  it('a throttled call takes nothing', () => {
    const clock = new ManualClock();
    const b = new TokenBucket({ size: 1, refillPerSecond: 1 }, clock);
    b.tryTake();
    for (let i = 0; i < 10; i++) b.tryTake();
    clock.advance(1000);
    expect(b.tryTake()).toBe(true);
  });
  it('ManualClock refuses to go back', () => {
    expect(() => new ManualClock().advance(-1)).toThrow(/>= 0/);
  });
});
