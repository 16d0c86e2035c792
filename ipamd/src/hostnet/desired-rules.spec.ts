import { desiredHostNetwork, SNAT_CHAIN, CONNMARK_CHAIN, type DesiredHostNetwork } from './desired-rules';
import { baseSettings } from './fixtures';
import { type HostNetSettings } from './settings';

const withS = (o: Partial<HostNetSettings>): HostNetSettings => ({ ...baseSettings, ...o });
/** The ip rules other than the `lookup local` ones (tested on their own below). */
const mainRules = (d: DesiredHostNetwork): DesiredHostNetwork['ipRules'] =>
  d.ipRules.filter((r) => r.table !== 'local');

describe('desiredHostNetwork', () => {
  it('default IPv4 node: SNAT chain with the VPC exemption, SNAT to the primary address with --random-fully', () => {
    const d = desiredHostNetwork(baseSettings);
    expect(d.v4.nat.POSTROUTING).toEqual(['-m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0']);
    expect(d.v4.nat[SNAT_CHAIN]).toEqual([
      '-d 10.99.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 10.99.0.10 --random-fully',
    ]);
    expect(d.v4.nat[CONNMARK_CHAIN]).toHaveLength(2);
    expect(d.v4.mangle.PREROUTING).toHaveLength(3);
    expect(mainRules(d)).toEqual([{ family: 4, priority: 1024, table: 'main', fwmark: '0x80/0x80' }]);
    expect(d.nftConnmarkTable).toBeUndefined();
    expect(d.v6).toEqual({});
  });

  it('orders exemptions as upstream leaves them (each inserted at position 1): excluded first, reversed', () => {
    const d = desiredHostNetwork(
      withS({ vpcCidrs: ['10.99.0.0/16', '10.98.0.0/16'], excludeSnatCidrs: ['10.97.0.0/16', '0.0.0.0/0'] }),
    );
    expect(d.v4.nat[SNAT_CHAIN].slice(0, 4)).toEqual([
      '-m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
      '-d 10.97.0.0/16 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
      '-d 10.98.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '-d 10.99.0.0/16 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
    ]);
  });

  it.each([
    ['prng', ' --random-fully'],
    ['hashrandom', ' --random'],
    ['none', ''],
  ] as const)('randomizeSnat=%s ends the SNAT rule with %j', (mode, suffix) => {
    const rules = desiredHostNetwork(withS({ randomizeSnat: mode })).v4.nat[SNAT_CHAIN];
    expect(rules[rules.length - 1].endsWith(`--to-source 10.99.0.10${suffix}`)).toBe(true);
  });

  it('external SNAT removes SNAT and outbound connmark but keeps node-port connmark', () => {
    const d = desiredHostNetwork(withS({ externalSnat: true }));
    expect(d.v4.nat).toBeUndefined();
    expect(d.v4.mangle.PREROUTING).toHaveLength(3);
    expect(mainRules(d)).toHaveLength(1);
  });

  it('external SNAT without node-port support leaves no rules at all', () => {
    const d = desiredHostNetwork(withS({ externalSnat: true, nodePortSupport: false }));
    expect(d.v4).toEqual({});
    expect(mainRules(d)).toEqual([]);
  });

  it('node-port support off keeps only the veth restore-mark in mangle', () => {
    const d = desiredHostNetwork(withS({ nodePortSupport: false }));
    expect(d.v4.mangle.PREROUTING).toEqual([
      '-i eni+ -m comment --comment "AWS, primary ENI" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
    ]);
  });

  it('uses the configured connmark and veth prefix', () => {
    const d = desiredHostNetwork(withS({ connmark: 0x4000, vethPrefix: 'abc' }));
    expect(d.v4.nat.PREROUTING[0]).toBe(
      '-i abc+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0',
    );
    expect(d.v4.nat[CONNMARK_CHAIN].at(-1)).toContain('--set-xmark 0x4000/0x4000');
    expect(d.ipRules[0].fwmark).toBe('0x4000/0x4000');
  });

  it('the nftables backend carries outbound connmark in table ip aws-cni instead of nat rules', () => {
    const d = desiredHostNetwork(withS({ connmarkBackend: 'nftables', excludeSnatCidrs: ['10.97.0.0/16'] }));
    expect(d.v4.nat[CONNMARK_CHAIN]).toBeUndefined();
    expect(d.v4.nat.PREROUTING).toBeUndefined();
    expect(d.nftConnmarkTable).toContain('type nat hook prerouting priority -90; policy accept;');
    expect(d.nftConnmarkTable).toContain('ip daddr 10.97.0.0/16 return');
    expect(d.nftConnmarkTable).toContain('iifname "eni*" jump snat-mark');
  });

  it('IPv6 mode: no SNAT or connmark, the egress FORWARD reject', () => {
    const d = desiredHostNetwork(withS({ ipv6Mode: true }));
    expect(Object.keys(d.v4)).toEqual(['filter']);
    expect(d.v4.filter.FORWARD[0]).toContain('-d 169.254.172.0/22 -m conntrack --ctstate NEW');
  });

  it('IPv4 mode with v6 egress rejects forwarding to the v6 egress range', () => {
    expect(desiredHostNetwork(withS({ v6Egress: true })).v6.filter.FORWARD[0]).toContain('-d fd00::ac:0/118');
  });

  it('external service CIDRs become prio-1535 main rules in their family', () => {
    const d = desiredHostNetwork(withS({ externalServiceCidrs: ['10.96.0.0/16', 'fd99::/64'] }));
    expect(d.ipRules.filter((r) => r.priority === 1535)).toEqual([
      { family: 4, priority: 1535, table: 'main', to: '10.96.0.0/16' },
      { family: 6, priority: 1535, table: 'main', to: 'fd99::/64' },
    ]);
  });

  const local = (family: 4 | 6, priority: number) => ({ family, priority, table: 'local' });
  const gw6 = { family: 6, priority: 0, table: 'local', from: 'fe80:ec2::1', ipproto: 58 };
  it.each([
    ['SGP off, IPv4', { enablePodEni: false, podSecurityGroupEnforcingMode: 'strict' }, false, [local(4, 0)]],
    ['SGP off, IPv6', { enablePodEni: false, podSecurityGroupEnforcingMode: 'strict' }, true, [local(6, 0)]],
    ['SGP standard, IPv4', { enablePodEni: true, podSecurityGroupEnforcingMode: 'standard' }, false, [local(4, 0)]],
    ['SGP standard, IPv6', { enablePodEni: true, podSecurityGroupEnforcingMode: 'standard' }, true, [local(6, 0)]],
    ['SGP strict, IPv4', { enablePodEni: true, podSecurityGroupEnforcingMode: 'strict' }, false, [local(4, 20)]],
    ['SGP strict, IPv6', { enablePodEni: true, podSecurityGroupEnforcingMode: 'strict' }, true, [local(6, 20), gw6]],
  ] as const)('%s: local rules %j', (_name, sgp, ipv6Mode, expected) => {
    const d = desiredHostNetwork(withS({ ...sgp, ipv6Mode }));
    expect(d.ipRules.filter((r) => r.table === 'local')).toEqual(expected);
    expect(d.localRuleFamily).toBe(ipv6Mode ? 6 : 4);
  });

  it('strict mode changes nothing but the local rules', () => {
    const standard = desiredHostNetwork(withS({ enablePodEni: true, podSecurityGroupEnforcingMode: 'standard' }));
    const strict = desiredHostNetwork(withS({ enablePodEni: true, podSecurityGroupEnforcingMode: 'strict' }));
    expect({ ...strict, ipRules: mainRules(strict) }).toEqual({ ...standard, ipRules: mainRules(standard) });
  });
});
