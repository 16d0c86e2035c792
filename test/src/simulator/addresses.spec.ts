import { cidr4Contains, cidr4Overlaps, formatCidr4, formatIpv4, parseCidr4, parseIpv4 } from './ipv4';
import { cidr6Contains, formatIpv6, parseCidr6, parseIpv6 } from './ipv6';
import { Subnet6Pool } from './subnet6-pool';

describe('ipv4', () => {
  it('parses and formats', () => {
    expect(formatIpv4(parseIpv4('10.99.255.1')!)).toBe('10.99.255.1');
    for (const bad of ['10.99.256.1', '1.2.3', '01.2.3.4', 'a.b.c.d', '']) expect(parseIpv4(bad)).toBeUndefined();
  });
  it('parses network CIDRs only', () => {
    expect(formatCidr4(parseCidr4('10.99.16.0/20')!)).toBe('10.99.16.0/20');
    expect(parseCidr4('10.99.16.1/20')).toBeUndefined();
    expect(parseCidr4('10.99.16.0/33')).toBeUndefined();
    expect(parseCidr4('10.99.16.0')).toBeUndefined();
  });
  it('contains and overlaps', () => {
    const c = parseCidr4('10.0.0.0/24')!;
    expect(cidr4Contains(c, parseIpv4('10.0.0.255')!)).toBe(true);
    expect(cidr4Contains(c, parseIpv4('10.0.1.0')!)).toBe(false);
    expect(cidr4Overlaps(c, parseCidr4('10.0.0.128/25')!)).toBe(true);
    expect(cidr4Overlaps(c, parseCidr4('10.0.1.0/24')!)).toBe(false);
  });
});

describe('ipv6', () => {
  it('round-trips in RFC 5952 form', () => {
    expect(formatIpv6(parseIpv6('fd99:0:0:ff00:0:0:0:4')!)).toBe('fd99:0:0:ff00::4');
    expect(formatIpv6(parseIpv6('2001:db8::1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(parseIpv6('::')!)).toBe('::');
    expect(formatIpv6(parseIpv6('1:0:2:0:3:0:4:0')!)).toBe('1:0:2:0:3:0:4:0');
    for (const bad of ['1::2::3', 'g::1', '1:2:3:4:5:6:7:8:9', ':']) expect(parseIpv6(bad)).toBeUndefined();
  });
  it('parses CIDRs and tests membership', () => {
    const c = parseCidr6('fd99:0:0:ff00::/56')!;
    expect(cidr6Contains(c, parseIpv6('fd99:0:0:ff42::1')!)).toBe(true);
    expect(cidr6Contains(c, parseIpv6('fd99:0:0:fe00::1')!)).toBe(false);
    expect(parseCidr6('fd99::1/64')).toBeUndefined();
  });
  it('Subnet6Pool: addresses from the first /80, /80 prefixes from the others', () => {
    const p = new Subnet6Pool(parseCidr6('fd99:0:0:ff00::/64')!);
    expect(formatIpv6(p.allocate())).toBe('fd99:0:0:ff00::4');
    expect(formatIpv6(p.allocatePrefix())).toBe('fd99:0:0:ff00:1::');
    expect(formatIpv6(p.allocatePrefix())).toBe('fd99:0:0:ff00:2::');
    expect(p.allocateSpecificPrefix(parseIpv6('fd99:0:0:ff00:2::')!)).toBe(false);
    expect(p.allocateSpecificPrefix(parseIpv6('fd99:0:0:ff00:0::')!)).toBe(false);
    expect(p.allocateSpecificPrefix(parseIpv6('fd99:0:0:ff00:7:0:0:1')!)).toBe(false);
    p.releasePrefix(parseIpv6('fd99:0:0:ff00:1::')!);
    expect(formatIpv6(p.allocatePrefix())).toBe('fd99:0:0:ff00:1::');
  });
});
