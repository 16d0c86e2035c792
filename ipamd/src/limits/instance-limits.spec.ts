import { knownInstanceTypes, lookupInstanceLimits, maxPodsFor } from './instance-limits';

describe('instance limits table', () => {
  it('holds the published table', () => {
    expect(knownInstanceTypes().length).toBe(1391);
    expect(lookupInstanceLimits('m5.large')).toMatchObject({ eniLimit: 3, ipv4Limit: 10, nitro: true });
    expect(lookupInstanceLimits('m4.4xlarge')).toMatchObject({ eniLimit: 8, ipv4Limit: 30, nitro: false });
  });

  it('answers undefined for unknown types, including prototype keys', () => {
    expect(lookupInstanceLimits('m99.huge')).toBeUndefined();
    expect(lookupInstanceLimits('__proto__')).toBeUndefined();
  });

  it.each([
    ['t3.micro', {}, 4],
    ['m5.large', {}, 29],
    ['m5.xlarge', {}, 58],
    ['c5.18xlarge', {}, 737],
    ['p5.48xlarge', {}, 100],
    ['m5.large', { prefixDelegation: true }, 3 * 9 * 16 + 2],
    ['m5.large', { customNetworking: true }, 2 * 9 + 2],
    ['m5.large', { maxEni: 1 }, 11],
  ])('max pods of %s with %j is %d', (type, opts, expected) => {
    const l = lookupInstanceLimits(type);
    expect(l).toBeDefined();
    expect(maxPodsFor(l!, opts)).toBe(expected);
  });
});
