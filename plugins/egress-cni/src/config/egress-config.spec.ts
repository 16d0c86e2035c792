import { CniError } from '@vpc-cni-ts/sdk/errors';

import { parseEgressConfig, podMtu } from './egress-config';

const base = {
  cniVersion: '0.4.0',
  name: 'aws-cni',
  ipam: { type: 'host-local', ranges: [[{ subnet: '169.254.172.0/22' }]], dataDir: '/run/cni/v6pd/egress-v4-ipam' },
};

describe('parseEgressConfig', () => {
  it('matches keys case-insensitively like Go, the exact spelling winning', () => {
    const c = parseEgressConfig({
      cniVersion: '0.4.0',
      name: 'aws-cni',
      Enabled: 'true',
      NodeIp: '10.99.0.5',
      MTU: '1500',
      mtu: '9000',
      IfName: 'e0',
      IPAM: {
        Type: 'host-local',
        Ranges: [[{ Subnet: '10.99.8.0/24', RangeStart: '10.99.8.10', Gateway: '10.99.8.254' }]],
        Routes: [{ Dst: '0.0.0.0/0' }],
        DataDir: '/tmp/x',
      },
    });
    expect(c).toMatchObject({ enabled: true, mtu: 9000, ifName: 'e0', dataDir: '/tmp/x', routes: [{}] });
    expect(c.nodeIp).toBeDefined();
    expect(c.range.rangeStart.value).toBe(c.range.subnet.address.value + 10n);
    expect(c.range.gateway.value).toBe(c.range.subnet.address.value + 254n);
  });

  it('reads the upstream conflist entry', () => {
    const c = parseEgressConfig({
      ...base,
      enabled: 'true',
      nodeIP: '10.99.0.5',
      mtu: '9001',
      randomizeSNAT: 'prng',
      pluginLogFile: '/var/log/aws-routed-eni/egress-v4-plugin.log',
      pluginLogLevel: 'DEBUG',
    });
    expect(c).toMatchObject({
      enabled: true,
      family: 4,
      ifName: 'v4if0',
      mtu: 9001,
      randomizeSnat: 'prng',
      dataDir: '/run/cni/v6pd/egress-v4-ipam',
      logLevel: 'DEBUG',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats anything but "true" as disabled, and an empty nodeIP as no SNAT', () => {
    expect(parseEgressConfig({ ...base, enabled: 'false' }).enabled).toBe(false);
    expect(parseEgressConfig({ ...base }).enabled).toBe(false);
    expect(parseEgressConfig({ ...base, enabled: 'true', nodeIP: '' }).nodeIp).toBeUndefined();
  });

  it.each([
    [undefined, 9001],
    ['1500', 1500],
    [1500, 1500],
    ['100', 9001],
    ['9002', 9001],
    ['abc', 9001],
  ])('mtu %j -> %d (upstream GetPodMTU)', (v, want) => expect(podMtu(v)).toBe(want));

  it('rejects an empty ranges list with code 7', () => {
    try {
      parseEgressConfig({ ...base, ipam: { ranges: [] } });
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(CniError);
      expect((e as CniError).code).toBe(7);
      expect((e as CniError).message).toMatch(/ipam\.ranges must be/);
    }
  });

  it('rejects a route of the other family', () => {
    expect(() => parseEgressConfig({ ...base, ipam: { ...base.ipam, routes: [{ dst: '::/0' }] } })).toThrow(
      /not an IPv4 CIDR/,
    );
  });
});
