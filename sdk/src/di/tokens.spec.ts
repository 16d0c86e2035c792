// SPDX-License-Identifier: Apache-2.0
import { container, inject, injectable } from 'tsyringe';

import { createToken, registerValue, resolveToken } from './tokens';

interface Clock {
  now(): number;
}
const CLOCK = createToken<Clock>('Clock');

@injectable()
class Stamp {
  constructor(@inject(CLOCK) private readonly clock: Clock) {}
  value(): number {
    return this.clock.now();
  }
}

describe('typed tokens', () => {
  it('register and resolve through a child container', () => {
    const c = container.createChildContainer();
    registerValue(c, CLOCK, { now: () => 42 });
    expect(resolveToken(c, CLOCK).now()).toBe(42);
    expect(c.resolve(Stamp).value()).toBe(42);
    expect(CLOCK.description).toBe('Clock');
  });
});
