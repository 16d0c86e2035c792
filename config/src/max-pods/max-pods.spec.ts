import { ManifestError } from '../manifest-error';
import { calculateMaxPods, kubeletCap } from './max-pods';
import { estimateVcpus } from './vcpu-estimate';

describe('calculateMaxPods', () => {
  it.each([
    ['m5.large', 29],
    ['m5.xlarge', 58],
    ['t3.micro', 4],
    ['c5.18xlarge', 737],
    ['p5.48xlarge', 100],
    ['m4.large', 20],
  ])('%s allows %d pods (ENIs x (IPs - 1) + 2)', (type, pods) => {
    expect(calculateMaxPods({ instanceType: type }).maxPods).toBe(pods);
  });

  it('accepts upper-case type names', () => {
    expect(calculateMaxPods({ instanceType: 'M5.Large' })).toMatchObject({ instanceType: 'm5.large', maxPods: 29 });
  });

  it('counts /28 prefixes with prefix delegation and caps the recommendation by vCPUs', () => {
    const r = calculateMaxPods({ instanceType: 'm5.large', prefixDelegation: true, cpus: 2 });
    expect(r).toMatchObject({ maxPods: 434, prefixDelegation: true, cap: 110, recommended: 110, cpusSource: 'given' });
    const big = calculateMaxPods({ instanceType: 'c5.18xlarge', cpus: 72 });
    expect(big).toMatchObject({ maxPods: 737, cap: 250, recommended: 250 });
  });

  it('drops the primary ENI with custom networking and honours MAX_ENI', () => {
    expect(calculateMaxPods({ instanceType: 'm5.large', customNetworking: true }).maxPods).toBe(20);
    expect(calculateMaxPods({ instanceType: 'm5.xlarge', maxEni: 2 }).maxPods).toBe(30);
    expect(calculateMaxPods({ instanceType: 'm5.xlarge', maxEni: 9 }).maxPods).toBe(58);
    const none = calculateMaxPods({ instanceType: 'm5.large', maxEni: 1, customNetworking: true });
    expect(none).toMatchObject({ maxPods: 2, enis: 0 });
    expect(none.warnings).toEqual(['no ENI is left for pod addresses: only host-network pods can run']);
  });

  it('falls back to secondary IPs with a warning for prefix delegation on a non-Nitro type', () => {
    const r = calculateMaxPods({ instanceType: 'm4.large', prefixDelegation: true });
    expect(r).toMatchObject({ maxPods: 20, prefixDelegation: false, nitro: false });
    expect(r.warnings[0]).toMatch(/prefix delegation needs a Nitro instance; m4.large runs on xen/);
  });

  it('estimates vCPUs from the size name, and leaves metal unknown', () => {
    expect(calculateMaxPods({ instanceType: 'c5.18xlarge' })).toMatchObject({
      cpus: 72,
      cpusSource: 'estimated',
      recommended: 250,
    });
    expect(calculateMaxPods({ instanceType: 'm5.metal' })).toMatchObject({
      cpusSource: 'unknown',
      recommended: undefined,
      maxPods: 737,
    });
  });

  it('rejects unknown types with the closest names, and bad numbers', () => {
    expect(() => calculateMaxPods({ instanceType: 'm99.huge' })).toThrow(
      /^unknown instance type 'm99.huge'; did you mean '/,
    );
    expect(() => calculateMaxPods({ instanceType: 'm5.larg' })).toThrow(
      "unknown instance type 'm5.larg'; did you mean 'm5.large'",
    );
    expect(() => calculateMaxPods({ instanceType: 'm5.large', maxEni: 0 })).toThrow(ManifestError);
    expect(() => calculateMaxPods({ instanceType: 'm5.large', cpus: 1.5 })).toThrow(/--cpus/);
    expect(() => calculateMaxPods({ instanceType: '__proto__' })).toThrow(/unknown instance type/);
  });
});

describe('kubeletCap / estimateVcpus', () => {
  it('caps at 110 up to 30 vCPUs and 250 above', () => {
    expect([1, 30, 31, 192].map(kubeletCap)).toEqual([110, 110, 250, 250]);
  });
  it('reads the size name', () => {
    expect(
      ['t3.micro', 'm5.large', 'm5.xlarge', 'm5.8xlarge', 'm5.metal', 'u-6tb1.112xlarge'].map(estimateVcpus),
    ).toEqual([2, 2, 4, 32, undefined, 448]);
  });
});
