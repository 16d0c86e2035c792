import { parseAddrCidr } from './cidr';

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

  it('writes IPv6 in canonical form', () => {
    expect(parseAddrCidr('2600:1F14:0000:ff00:0:0:0:1').text).toBe('2600:1f14:0:ff00::1/128');
  });

  it.each(['2600::/64', 'zz::/80', '10.0.0.0/33', '10.0.0/24'])('rejects %s with its text', (bad) => {
    expect(() => parseAddrCidr(bad)).toThrow(bad);
  });
});
