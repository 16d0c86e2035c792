// SPDX-License-Identifier: Apache-2.0
import {
  addToIp,
  cidrContains,
  cidrOverlaps,
  cidrSize,
  compareIp,
  familyOf,
  formatCidr,
  formatIp,
  hostCidr,
  lastAddress,
  networkOf,
  normalizeCidr,
  normalizeIp,
  nthAddress,
  parseCidr,
  parseIp,
  splitCidr,
  tryParseCidr,
  tryParseIp,
} from './ip';

describe('IP parsing and formatting', () => {
  it.each([
    ['10.99.1.2', '10.99.1.2'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['FD99:0:0:0:0:0:0:1', 'fd99::1'],
    ['fd99::', 'fd99::'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2:3:4:5:6'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::ffff:10.99.1.2', '::ffff:a63:102'],
    ['fe80::1', 'fe80::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // one zero group stays (RFC 5952, Go)
    ['fd00::ac:00', 'fd00::ac:0'], // egress-cni's IPv6 range
  ])('%s -> %s', (input, out) => {
    expect(normalizeIp(input)).toBe(out);
  });

  it.each([
    '',
    '10.99.1',
    '10.99.1.256',
    '10.099.1.2',
    '1.2.3.4.5',
    ' 10.0.0.1',
    'fd99:::1',
    'fd99::1::2',
    '1:2:3:4:5:6:7:8:9',
    'fe80::1%eth0',
    'g::1',
    'abc',
    '12345::',
  ])('rejects %j with a typed error naming the input', (bad) => {
    expect(tryParseIp(bad)).toBeUndefined();
    expect(() => parseIp(bad)).toThrow(
      expect.objectContaining({ kind: 'invalid-argument', message: expect.stringContaining(JSON.stringify(bad)) }),
    );
  });

  it('parses CIDRs, keeps host bits, and refuses bad prefixes', () => {
    expect(formatCidr(parseCidr('10.99.1.5/24'))).toBe('10.99.1.5/24');
    expect(normalizeCidr('10.99.1.2')).toBe('10.99.1.2/32');
    expect(normalizeCidr('FD99::2')).toBe('fd99::2/128');
    expect(tryParseCidr('10.99.1.2')).toBeUndefined();
    for (const bad of [
      '10.99.1.0/33',
      'fd99::/129',
      '10.99.1.0/',
      '10.99.1.0/024',
      '10.99.1.300/24',
      '/24',
      '10.0.0.0/-1',
    ]) {
      expect(tryParseCidr(bad, { hostIfBare: true })).toBeUndefined();
      expect(() => parseCidr(bad)).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
    }
  });
});

describe('prefix math', () => {
  it('network, last address, size, containment, overlap', () => {
    const c = parseCidr('10.99.1.77/26');
    expect(formatCidr(networkOf(c))).toBe('10.99.1.64/26');
    expect(formatIp(lastAddress(c))).toBe('10.99.1.127');
    expect(cidrSize(c)).toBe(64n);
    expect(cidrContains(c, parseIp('10.99.1.64'))).toBe(true);
    expect(cidrContains(c, parseIp('10.99.1.128'))).toBe(false);
    expect(cidrContains(c, parseIp('fd99::1'))).toBe(false);
    expect(cidrOverlaps(parseCidr('10.99.0.0/16'), parseCidr('10.99.200.0/24'))).toBe(true);
    expect(cidrOverlaps(parseCidr('10.99.1.0/24'), parseCidr('10.99.2.0/24'))).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0'), parseIp('8.8.8.8'))).toBe(true);
    expect(formatIp(lastAddress(parseCidr('fd99::/64')))).toBe('fd99::ffff:ffff:ffff:ffff');
  });

  it('nth address, add, host prefix, compare, family', () => {
    expect(formatIp(nthAddress(parseCidr('10.99.1.0/24'), 1))).toBe('10.99.1.1');
    expect(() => nthAddress(parseCidr('10.99.1.0/30'), 4)).toThrow(
      expect.objectContaining({ kind: 'invalid-argument' }),
    );
    expect(formatIp(addToIp(parseIp('10.99.1.255'), 1))).toBe('10.99.2.0');
    expect(() => addToIp(parseIp('255.255.255.255'), 1)).toThrow();
    expect(formatCidr(hostCidr(parseIp('fd99::5')))).toBe('fd99::5/128');
    expect(compareIp(parseIp('10.0.0.2'), parseIp('10.0.0.10'))).toBeLessThan(0);
    expect(compareIp(parseIp('fd99::1'), parseIp('10.0.0.1'))).toBeGreaterThan(0);
    expect(familyOf('fd99::/64')).toBe(6);
    expect(familyOf('10.99.0.1')).toBe(4);
    expect(familyOf('nope')).toBeUndefined();
  });

  it('splits a prefix (e.g. /24 into /28 delegated prefixes)', () => {
    const parts = splitCidr(parseCidr('10.99.1.0/24'), 28).map(formatCidr);
    expect(parts).toHaveLength(16);
    expect(parts[0]).toBe('10.99.1.0/28');
    expect(parts[15]).toBe('10.99.1.240/28');
    expect(splitCidr(parseCidr('fd99::/64'), 80)).toHaveLength(65536);
    expect(() => splitCidr(parseCidr('fd99::/64'), 81)).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
    expect(() => splitCidr(parseCidr('10.99.1.0/24'), 16)).toThrow();
  });
});
