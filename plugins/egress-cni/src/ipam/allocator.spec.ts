import { formatIp } from '@vpc-cni-ts/sdk/kernel';

import { parseEgressConfig } from '../config/egress-config';
import { nextFree } from './allocator';

const rangeOf = (subnet: string, extra: object = {}) =>
  parseEgressConfig({ cniVersion: '0.4.0', name: 'n', ipam: { ranges: [[{ subnet, ...extra }]] } }).range;

describe('nextFree (host-local round robin)', () => {
  const r = rangeOf('169.254.172.0/22');

  it('starts at .2 (the gateway .1 is skipped)', () => {
    expect(formatIp(nextFree(r, new Set(), undefined)!)).toBe('169.254.172.2');
  });

  it('continues after the last reserved address, skipping taken ones', () => {
    expect(formatIp(nextFree(r, new Set(['169.254.172.6']), '169.254.172.5')!)).toBe('169.254.172.7');
  });

  it('wraps around at the range end (broadcast excluded)', () => {
    expect(formatIp(r.rangeEnd)).toBe('169.254.175.254');
    expect(formatIp(nextFree(r, new Set(), '169.254.175.254')!)).toBe('169.254.172.2');
  });

  it('ignores a last-reserved address outside the range', () => {
    expect(formatIp(nextFree(r, new Set(), '10.0.0.1')!)).toBe('169.254.172.2');
  });

  it('returns undefined when full', () => {
    const small = rangeOf('10.99.50.0/30');
    expect(formatIp(nextFree(small, new Set(), undefined)!)).toBe('10.99.50.2');
    expect(nextFree(small, new Set(['10.99.50.2']), undefined)).toBeUndefined();
  });

  it('allocates IPv6 from fd00::ac:00/118 like host-local (last address usable)', () => {
    const v6 = rangeOf('fd00::ac:00/118');
    expect(formatIp(v6.gateway)).toBe('fd00::ac:1');
    expect(formatIp(nextFree(v6, new Set(), undefined)!)).toBe('fd00::ac:2');
    expect(formatIp(v6.rangeEnd)).toBe('fd00::ac:3ff');
  });

  it('honours rangeStart/rangeEnd/gateway', () => {
    const c = rangeOf('10.99.51.0/24', { rangeStart: '10.99.51.10', rangeEnd: '10.99.51.11', gateway: '10.99.51.10' });
    expect(formatIp(nextFree(c, new Set(), undefined)!)).toBe('10.99.51.11');
  });
});
