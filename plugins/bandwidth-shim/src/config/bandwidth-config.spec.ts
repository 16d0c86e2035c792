import { CniError } from '@vpc-cni-ts/sdk/errors';

import { hasLimits, parseBandwidthConfig } from './bandwidth-config';

const base = { cniVersion: '1.0.0', name: 'net', type: 'bandwidth-shim' };

function code(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof CniError ? e.code : -1;
  }
  return undefined;
}

describe('parseBandwidthConfig', () => {
  it('reads static keys', () => {
    const c = parseBandwidthConfig({ ...base, ingressRate: 8e6, ingressBurst: 8e5, egressRate: 4e6, egressBurst: 4e5 });
    expect(c.source).toBe('config');
    expect(c.limits).toEqual({ ingressRate: 8e6, ingressBurst: 8e5, egressRate: 4e6, egressBurst: 4e5 });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("reads runtimeConfig.bandwidth with containerd's capitalised keys", () => {
    const c = parseBandwidthConfig({
      ...base,
      runtimeConfig: {
        bandwidth: { IngressRate: 1e7, IngressBurst: 4294967295, EgressRate: 2e7, EgressBurst: 4294967295 },
      },
    });
    expect(c.source).toBe('runtimeConfig');
    expect(c.limits.egressRate).toBe(2e7);
  });

  it('reads the "bandWidth" spelling the plugins repo puts in static runtimeConfig', () => {
    const c = parseBandwidthConfig({ ...base, runtimeConfig: { bandWidth: { ingressRate: 1e6, ingressBurst: 1e6 } } });
    expect(c.limits.ingressRate).toBe(1e6);
  });

  it('prefers static keys over runtimeConfig', () => {
    const c = parseBandwidthConfig({
      ...base,
      egressRate: 1e6,
      egressBurst: 1e6,
      runtimeConfig: { bandwidth: { ingressRate: 5e6, ingressBurst: 5e6 } },
    });
    expect(c.limits).toEqual({ ingressRate: 0, ingressBurst: 0, egressRate: 1e6, egressBurst: 1e6 });
  });

  it('treats no limits as pass-through', () => {
    expect(hasLimits(parseBandwidthConfig(base).limits)).toBe(false);
    expect(hasLimits(parseBandwidthConfig({ ...base, ingressRate: 0, ingressBurst: 0 }).limits)).toBe(false);
  });

  it.each([
    [{ ingressRate: 0, ingressBurst: 1000 }, /ingressBurst is 1000 but ingressRate is 0/],
    [{ egressRate: 1000 }, /egressRate is 1000 but egressBurst is missing or 0/],
    [{ egressRate: 1e6, egressBurst: 8 * 4294967295 }, /burst cannot be more than 4GB/],
    [{ ingressRate: -5, ingressBurst: 10 }, /ingressRate must be a non-negative integer/],
    [{ ingressRate: '1000', ingressBurst: 10 }, /ingressRate must be a non-negative integer/],
    [{ ingressRate: 4, ingressBurst: 10 }, /below 8 bit\/s/],
  ])('rejects %j with code 7', (extra, msg) => {
    expect(code(() => parseBandwidthConfig({ ...base, ...extra }))).toBe(7);
    expect(() => parseBandwidthConfig({ ...base, ...extra })).toThrow(msg);
  });

  it('rejects a prevResult of another version family', () => {
    expect(code(() => parseBandwidthConfig({ ...base, prevResult: { cniVersion: '0.4.0', ips: [] } }))).toBe(1);
  });
});
