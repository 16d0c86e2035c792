import { tryParseIp } from '@vpc-cni-ts/sdk/kernel';

import { parseEgressConfig } from '../config/egress-config';
import { chainName, planEgress, ruleComment, snatRemoval, snatRestore } from './egress-plan';

const cfg4 = parseEgressConfig({
  cniVersion: '0.4.0',
  name: 'aws-cni',
  enabled: 'true',
  nodeIP: '10.99.60.1',
  mtu: '9001',
  ipam: {
    type: 'host-local',
    ranges: [[{ subnet: '169.254.172.0/22' }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: '/d',
  },
});
const ids = {
  containerId: 'ctr-1',
  netns: '/run/netns/p',
  hostVeth: 'veth0a1b2c3d',
  hostMac: '02:00:00:00:00:01',
  podMac: '02:00:00:00:00:02',
};

describe('egress plan', () => {
  it('names the chain CNI-E4-/CNI-E6- + sha512(net+id), 28 chars', () => {
    expect(chainName(4, 'aws-cni', 'ctr-1')).toMatch(/^CNI-E4-[0-9a-f]{21}$/);
    expect(chainName(6, 'aws-cni', 'ctr-1')).toMatch(/^CNI-E6-[0-9a-f]{21}$/);
    expect(chainName(4, 'aws-cni', 'ctr-1').slice(7)).toBe(chainName(6, 'aws-cni', 'ctr-1').slice(7));
    expect(ruleComment('aws-cni', 'ctr-1')).toBe('name: "aws-cni" id: "ctr-1"');
  });

  it('plans ptp-style pod routes and a host /32 with the gateway', () => {
    const p = planEgress(cfg4, ids, tryParseIp('169.254.172.7')!);
    expect(p.podBatch).toEqual([
      'addr add 169.254.172.7/22 dev v4if0',
      'link set dev v4if0 up',
      'route del 169.254.172.0/22 dev v4if0',
      'route add 169.254.172.1/32 dev v4if0 scope link src 169.254.172.7',
      'route add 169.254.172.0/22 via 169.254.172.1 dev v4if0 src 169.254.172.7',
      'route add 0.0.0.0/0 via 169.254.172.1 dev v4if0',
    ]);
    expect(p.hostBatch).toEqual([
      'link set dev veth0a1b2c3d up',
      'addr add 169.254.172.1/32 dev veth0a1b2c3d scope link',
      'route replace 169.254.172.7/32 dev veth0a1b2c3d scope link',
    ]);
    expect(p.vethArgs).toContain('/run/netns/p');
    expect(p.podSysctls).toEqual([]);
  });

  it('disables IPv6 on eth0 for v6 egress and uses nodad', () => {
    const cfg6 = parseEgressConfig({
      cniVersion: '0.4.0',
      name: 'aws-cni',
      enabled: 'true',
      nodeIP: 'fd99::1',
      ipam: { ranges: [[{ subnet: 'fd00::ac:00/118' }]], routes: [{ dst: '::/0' }] },
    });
    const p = planEgress(cfg6, ids, tryParseIp('fd00::ac:2')!);
    expect(cfg6.ifName).toBe('v6if0');
    expect(p.podSysctls).toEqual([{ path: 'net/ipv6/conf/eth0/disable_ipv6', value: '1' }]);
    expect(p.podBatch[0]).toBe('addr add fd00::ac:2/118 dev v6if0 nodad');
    expect(p.forwardingSysctl).toBe('net/ipv6/conf/all/forwarding');
  });

  it('restores the chain, adds the jump and FORWARD rule only when missing', () => {
    const p = planEgress(cfg4, ids, tryParseIp('169.254.172.7')!);
    const first = snatRestore(cfg4, p, '');
    expect(first).toContain(`:${p.chain} - [0:0]`);
    expect(first).toContain(
      `-A ${p.chain} -d 224.0.0.0/4 -m comment --comment "name: \\"aws-cni\\" id: \\"ctr-1\\"" -j ACCEPT`,
    );
    expect(first).toContain('-j SNAT --to-source 10.99.60.1 --random-fully');
    const jump = `-A POSTROUTING -s 169.254.172.7/32 -m comment --comment "name: \\"aws-cni\\" id: \\"ctr-1\\"" -j ${p.chain}`;
    expect(first).toContain(jump);
    expect(first).toContain('*filter\n-A FORWARD -s 169.254.172.0/22 -d 169.254.172.0/22');
    const saved = first; // iptables-save prints these rules in the same form
    const second = snatRestore(cfg4, p, saved);
    expect(second).not.toContain('-A POSTROUTING');
    expect(second).not.toContain('*filter');
  });

  it('maps randomizeSNAT to the SNAT flags', () => {
    const p = planEgress(cfg4, ids, tryParseIp('169.254.172.7')!);
    for (const [mode, flag] of [
      ['hashrandom', ' --random\n'],
      ['none', '10.99.60.1\n'],
    ]) {
      const c = { ...cfg4, randomizeSnat: mode as 'none' };
      expect(snatRestore(c, p, '')).toContain(flag);
    }
  });

  it('removes every jump and the chain, and nothing when absent', () => {
    const chain = chainName(4, 'aws-cni', 'ctr-1');
    const save = [
      '*nat',
      ':POSTROUTING ACCEPT [0:0]',
      `:${chain} - [0:0]`,
      `-A POSTROUTING -s 169.254.172.7/32 -m comment --comment "x" -j ${chain}`,
      '-A POSTROUTING -s 169.254.172.8/32 -m comment --comment "y" -j CNI-E4-other',
      'COMMIT',
    ].join('\n');
    expect(snatRemoval(chain, save)).toBe(
      `*nat\n-D POSTROUTING -s 169.254.172.7/32 -m comment --comment "x" -j ${chain}\n-F ${chain}\n-X ${chain}\nCOMMIT\n`,
    );
    expect(snatRemoval(chain, '*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n')).toBe('');
  });
});
