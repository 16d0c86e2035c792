import { checkEnvValue, parseGoBool, parseGoInt } from './parse-value';

describe('parseGoBool', () => {
  it.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('%s is true', (s) => expect(parseGoBool(s)).toBe(true));
  it.each(['0', 'f', 'F', 'FALSE', 'false', 'False'])('%s is false', (s) => expect(parseGoBool(s)).toBe(false));
  it.each(['', 'yes', 'tRUE', ' true', 'on'])('%j is neither', (s) => expect(parseGoBool(s)).toBeUndefined());
});

describe('parseGoInt', () => {
  it.each([
    ['128', 128],
    ['0x80', 128],
    ['0X80', 128],
    ['0o200', 128],
    ['0200', 128],
    ['0b10000000', 128],
    ['1_000', 1000],
    ['-5', -5],
    ['0', 0],
  ])('%s = %d', (s, n) => expect(parseGoInt(s)).toBe(n));
  it.each(['', '0x', '08', '1e3', '12a', '0xZ'])('%j is not an integer', (s) => expect(parseGoInt(s)).toBeUndefined());
});

describe('checkEnvValue', () => {
  it('accepts well-formed values of each kind', () => {
    expect(checkEnvValue({ type: 'int', min: 0 }, '0')).toBeUndefined();
    expect(checkEnvValue({ type: 'enum', values: ['DEBUG'], caseInsensitive: true }, 'debug')).toBeUndefined();
    expect(checkEnvValue({ type: 'cidr-list' }, '10.0.0.0/8, 192.168.1.0/24')).toBeUndefined();
    expect(checkEnvValue({ type: 'cidr-list' }, '')).toBeUndefined();
    expect(checkEnvValue({ type: 'json-object' }, '{"k":"v"}')).toBeUndefined();
    expect(checkEnvValue({ type: 'mark', min: 1, max: 2 ** 32 - 1 }, '0xffffffff')).toBeUndefined();
  });
  it('rejects out-of-range CIDRs', () => {
    expect(checkEnvValue({ type: 'cidr-list' }, '10.0.0.0/33')).toMatch(/'10.0.0.0\/33' is not one/);
    expect(checkEnvValue({ type: 'cidr-list' }, '256.0.0.0/8')).toMatch(/is not one/);
  });
});
