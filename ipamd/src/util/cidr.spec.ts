import { parseAddrCidr } from './cidr';
import { formatIpv6, parseIpv6 } from './ipv6';

describe('ipv6 text', () => {
  it.each([
    ['2600:1f14:0:ff00:0:0:0:1', '2600:1f14:0:ff00::1'],
    ['2600:1F14::', '2600:1f14::'],
    ['::', '::'],
    ['::1', '::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:0:2:0:3:0:4:0', '1:0:2:0:3:0:4:0'],
    ['fe80:ec2::1', 'fe80:ec2::1'],
  ])('%s -> %s', (input, canonical) => {
    expect(formatIpv6(parseIpv6(input)!)).toBe(canonical);
  });

  it.each(['1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', ':', '1:2:3:4:5:6:7', '12345::', '1:::2', '10.0.0.1'])(
    'rejects %s',
    (bad) => expect(parseIpv6(bad)).toBeUndefined(),
  );
});

describe('parseAddrCidr', () => {
  it('masks and numbers IPv4', () => {
    const c = parseAddrCidr('10.0.1.19/28');
    expect(c).toMatchObject({ family: 4, text: '10.0.1.16/28', size: 16 });
    expect(c.addressAt(3)).toBe('10.0.1.19');
    expect(c.offsetOf('10.0.1.31')).toBe(15);
    expect(c.offsetOf('10.0.1.32')).toBeUndefined();
    expect(c.offsetOf('::1')).toBeUndefined();
    expect(parseAddrCidr('10.0.0.5')).toMatchObject({ text: '10.0.0.5/32', size: 1 });
  });

  it('masks and numbers an IPv6 /80', () => {
    const c = parseAddrCidr('2600:1f14:0:ff00:1:2:3:4/80');
    expect(c).toMatchObject({ family: 6, text: '2600:1f14:0:ff00:1::/80', size: 2 ** 48 });
    expect(c.addressAt(2 ** 48 - 1)).toBe('2600:1f14:0:ff00:1:ffff:ffff:ffff');
    expect(c.offsetOf('2600:1f14:0:ff00:1::a')).toBe(10);
    expect(c.offsetOf('2600:1f14:0:ff00:2::')).toBeUndefined();
    expect(c.offsetOf('10.0.0.1')).toBeUndefined();
  });

  it.each(['2600::/64', 'zz::/80', '10.0.0.0/33', '10.0.0/24'])('rejects %s with its text', (bad) => {
    expect(() => parseAddrCidr(bad)).toThrow(bad);
  });
});
