import { type HostNetworkConfig } from '../config';
import { desiredHostNetwork } from './desired-rules';
import { hostNetSettings } from './host-network-service';
import { strictPodSecurityGroups } from './settings';

const cfg = (o: Partial<HostNetworkConfig>): HostNetworkConfig =>
  ({
    externalSnat: false,
    excludeSnatCidrs: [],
    externalServiceCidrs: [],
    randomizeSnat: 'prng',
    nodePortSupport: true,
    connmark: 0x80,
    eniMtu: 9001,
    vethPrefix: 'eni',
    enableV6Egress: false,
    enablePodEni: false,
    podSecurityGroupEnforcingMode: 'strict',
    ...o,
  }) as HostNetworkConfig;
const node = { primaryMac: '02:99:00:00:00:01', primaryIPv4: '10.99.0.10', vpcCidrs: ['10.99.0.0/16'] };

describe('hostNetSettings: Security Groups for Pods', () => {
  it.each([
    [false, 'strict', false],
    [false, 'standard', false],
    [true, 'standard', false],
    [true, 'strict', true],
  ] as const)('ENABLE_POD_ENI=%s, mode %s: strict host rules %s', (enablePodEni, mode, strict) => {
    const s = hostNetSettings(
      cfg({ enablePodEni, podSecurityGroupEnforcingMode: mode }),
      false,
      node,
      'eth0',
      'iptables',
    );
    expect(s.enablePodEni).toBe(enablePodEni);
    expect(s.podSecurityGroupEnforcingMode).toBe(mode);
    expect(strictPodSecurityGroups(s)).toBe(strict);
    const local = desiredHostNetwork(s).ipRules.filter((r) => r.table === 'local');
    expect(local.map((r) => r.priority)).toEqual([strict ? 20 : 0]);
  });
});
