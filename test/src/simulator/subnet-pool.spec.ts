import { formatIpv4, parseCidr4, parseIpv4 } from './ipv4';
import { RESERVED_PER_SUBNET, SubnetPool } from './subnet-pool';

const pool = (cidr: string): SubnetPool => new SubnetPool(parseCidr4(cidr)!);
const ip = (s: string): number => parseIpv4(s)!;

describe('SubnetPool', () => {
  it('reserves network, +1, +2, +3 and broadcast', () => {
    const p = pool('10.0.0.0/24');
    expect(p.available).toBe(256 - RESERVED_PER_SUBNET);
    for (const r of ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.255']) {
      expect(p.allocateSpecific(ip(r))).toEqual({ ok: false, failure: 'Reserved' });
    }
    const first = p.allocate();
    expect(first.ok && formatIpv4(first.value)).toBe('10.0.0.4');
  });

  it('hands out lowest free addresses and reuses released ones', () => {
    const p = pool('10.0.0.0/28');
    const got = p.allocateMany(11);
    expect(got.ok && got.value.map(formatIpv4)).toEqual(Array.from({ length: 11 }, (_, i) => `10.0.0.${i + 4}`));
    expect(p.available).toBe(0);
    expect(p.allocate()).toEqual({ ok: false, failure: 'InsufficientFreeAddressesInSubnet' });
    p.release(ip('10.0.0.7'));
    expect(p.available).toBe(1);
    const again = p.allocate();
    expect(again.ok && formatIpv4(again.value)).toBe('10.0.0.7');
  });

  it('allocateMany is all or nothing', () => {
    const p = pool('10.0.0.0/28');
    expect(p.allocateMany(12)).toEqual({ ok: false, failure: 'InsufficientFreeAddressesInSubnet' });
    expect(p.available).toBe(11);
  });

  it('carves /28 prefixes only from aligned, entirely free blocks', () => {
    const p = pool('10.0.0.0/26'); // 4 blocks; block 0 and 3 hold reserved addresses
    const a = p.allocatePrefix();
    expect(a.ok && formatIpv4(a.value)).toBe('10.0.0.16');
    const b = p.allocatePrefix();
    expect(b.ok && formatIpv4(b.value)).toBe('10.0.0.32');
    expect(p.allocatePrefix()).toEqual({ ok: false, failure: 'InsufficientCidrBlocks' });
    // 64 - 5 reserved - 32 prefix addresses: the remaining free addresses are scattered in blocks 0 and 3
    expect(p.available).toBe(27);
    p.releasePrefix(ip('10.0.0.16'));
    const c = p.allocatePrefix();
    expect(c.ok && formatIpv4(c.value)).toBe('10.0.0.16');
  });

  it('reports fragmentation: enough free addresses but no whole /28', () => {
    const p = pool('10.0.0.0/24');
    // one single address in every block
    for (let b = 0; b < 16; b++) p.allocateSpecific(ip(`10.0.0.${b * 16 + 5}`));
    expect(p.available).toBeGreaterThan(16 * 10);
    expect(p.freePrefixBlocks()).toBe(0);
    expect(p.allocatePrefix()).toEqual({ ok: false, failure: 'InsufficientCidrBlocks' });
  });

  it('says InsufficientFreeAddressesInSubnet for a prefix when fewer than 16 addresses are free', () => {
    const p = pool('10.0.0.0/28');
    expect(p.allocatePrefix()).toEqual({ ok: false, failure: 'InsufficientFreeAddressesInSubnet' });
  });

  it('checks specific prefixes: alignment, range, use', () => {
    const p = pool('10.0.0.0/24');
    expect(p.allocateSpecificPrefix(ip('10.0.0.40'))).toEqual({ ok: false, failure: 'Misaligned' });
    expect(p.allocateSpecificPrefix(ip('10.0.1.0'))).toEqual({ ok: false, failure: 'OutOfRange' });
    expect(p.allocateSpecificPrefix(ip('10.0.0.0'))).toEqual({ ok: false, failure: 'Reserved' });
    expect(p.allocateSpecificPrefix(ip('10.0.0.48')).ok).toBe(true);
    expect(p.allocateSpecificPrefix(ip('10.0.0.48'))).toEqual({ ok: false, failure: 'InUse' });
    expect(p.allocateSpecific(ip('10.0.0.50'))).toEqual({ ok: false, failure: 'InUse' });
  });

  it('refuses subnet sizes EC2 does not allow', () => {
    expect(() => pool('10.0.0.0/15')).toThrow(/\/16 to \/28/);
    expect(() => pool('10.0.0.0/29')).toThrow(/\/16 to \/28/);
  });

  it('a /16 hands out 1000 prefixes then addresses quickly', () => {
    const p = pool('10.1.0.0/16');
    const t0 = Date.now();
    const pf = p.allocatePrefixes(1000);
    const ips = p.allocateMany(20000);
    expect(pf.ok && ips.ok).toBe(true);
    expect(p.available).toBe(65536 - 5 - 16000 - 20000);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('random allocation scatters addresses (seeded) and fragments the subnet for prefixes', () => {
    const a = new SubnetPool(parseCidr4('10.0.0.0/24')!, 'random', 42);
    const b = new SubnetPool(parseCidr4('10.0.0.0/24')!, 'random', 42);
    const got = a.allocateMany(20);
    expect(got.ok && b.allocateMany(20)).toEqual(got); // same seed, same picks
    expect(got.ok && new Set(got.value.map((x) => (x >> 4) & 15)).size).toBeGreaterThan(8); // many blocks touched
    expect(a.freePrefixBlocks()).toBeLessThan(8);
    const all = a.allocateMany(a.available);
    expect(all.ok).toBe(true);
    expect(a.available).toBe(0);
    expect(a.allocate()).toEqual({ ok: false, failure: 'InsufficientFreeAddressesInSubnet' });
  });
});
