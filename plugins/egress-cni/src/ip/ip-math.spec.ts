import { addIp, contains, formatIp, lastOf, networkOf, parseIp, parsePrefix } from './ip-math';

describe('ip math', () => {
  it.each([
    ['169.254.172.2', '169.254.172.2'],
    ['fd00::ac:00', 'fd00::ac:0'],
    ['FD00:0:0:0:0:0:AC:2', 'fd00::ac:2'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal zero runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed (Go, RFC 5952)
    ['::', '::'],
    ['::1', '::1'],
    ['::ffff:10.99.0.1', '::ffff:a63:1'],
  ])('parses %s and formats it like Go as %s', (input, want) => {
    const ip = parseIp(input);
    expect(ip).toBeDefined();
    expect(formatIp(ip!)).toBe(want);
  });

  it.each(['256.1.1.1', '10.99.0', '01.2.3.4', 'fd00:::1', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', 'x'])(
    'rejects %s',
    (t) => {
      expect(parseIp(t)).toBeUndefined();
    },
  );

  it('computes network, last and membership for the upstream egress ranges', () => {
    const v4 = parsePrefix('169.254.172.0/22')!;
    expect(formatIp(lastOf(v4))).toBe('169.254.175.255');
    const v6 = parsePrefix('fd00::ac:00/118')!;
    expect(formatIp(networkOf(v6))).toBe('fd00::ac:0');
    expect(formatIp(lastOf(v6))).toBe('fd00::ac:3ff');
    expect(contains(v6, parseIp('fd00::ac:3ff')!)).toBe(true);
    expect(contains(v6, parseIp('fd00::ac:400')!)).toBe(false);
    expect(contains(v4, parseIp('fd00::ac:1')!)).toBe(false);
    expect(formatIp(addIp(parseIp('169.254.172.255')!, 1n))).toBe('169.254.173.0');
  });

  it('rejects bad prefixes', () => {
    expect(parsePrefix('10.99.0.0/33')).toBeUndefined();
    expect(parsePrefix('10.99.0.0')).toBeUndefined();
    expect(parsePrefix('10.99.0.0/x')).toBeUndefined();
  });
});
