import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { ExecHostFirewall } from './host-firewall';
import { HostNetworkReconciler } from './host-network-reconciler';
import { baseSettings } from './fixtures';
import { type HostNetSettings } from './settings';

// A namespace plays the node, another a pod behind an `eni` veth, a third the internet. ipamd's host rules are
// reconciled on the node namespace through the real iptables/nft/ip, then observed as rule dumps and on traffic.
const isRoot = process.getuid?.() === 0;
const d = isRoot ? describe : describe.skip;
if (!isRoot) console.warn('host network privileged tests skipped: need root');

const sh = (args: string[]): string => execFileSync(args[0], args.slice(1), { encoding: 'utf8' });
const inNs = (ns: string, args: string[]): string => sh(['ip', 'netns', 'exec', ns, ...args]);

d('host network reconciler on a namespace playing the node', () => {
  const tag = randomBytes(3).toString('hex');
  const node = `vct-hn-node-${tag}`;
  const pod = `vct-hn-pod-${tag}`;
  const inet = `vct-hn-inet-${tag}`;
  const settings: HostNetSettings = {
    ...baseSettings,
    primaryInterface: 'eth0',
    primaryIPv4: '10.99.70.10',
    vpcCidrs: ['10.99.60.0/24'],
    excludeSnatCidrs: ['10.99.61.0/24'],
  };
  let reconciler: HostNetworkReconciler;
  let fw: ExecHostFirewall;

  beforeAll(() => {
    for (const ns of [node, pod, inet]) sh(['ip', 'netns', 'add', ns]);
    // node eth0 <-> internet
    sh(['ip', '-n', node, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', inet]);
    inNs(node, ['ip', 'addr', 'add', '10.99.70.10/24', 'dev', 'eth0']);
    inNs(inet, ['ip', 'addr', 'add', '10.99.70.20/24', 'dev', 'eth0']);
    // node eni veth <-> pod eth0
    sh(['ip', '-n', node, 'link', 'add', `eni${tag}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod]);
    inNs(pod, ['ip', 'addr', 'add', '10.99.60.2/32', 'dev', 'eth0']);
    for (const [ns, dev] of [
      [node, 'eth0'],
      [inet, 'eth0'],
      [node, `eni${tag}`],
      [pod, 'eth0'],
      [pod, 'lo'],
      [node, 'lo'],
      [inet, 'lo'],
    ]) {
      inNs(ns, ['ip', 'link', 'set', dev, 'up']);
    }
    inNs(node, ['ip', 'route', 'add', '10.99.60.2/32', 'dev', `eni${tag}`, 'scope', 'link']);
    inNs(pod, ['ip', 'route', 'add', '169.254.1.1', 'dev', 'eth0', 'scope', 'link']);
    inNs(pod, ['ip', 'route', 'add', 'default', 'via', '169.254.1.1', 'dev', 'eth0', 'onlink']);
    inNs(node, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    // As in the real data plane: the pod reaches its gateway through a permanent entry to the host veth's MAC.
    const mac = JSON.parse(inNs(node, ['ip', '-j', 'link', 'show', `eni${tag}`]))[0].address as string;
    inNs(pod, ['ip', 'neigh', 'add', '169.254.1.1', 'lladdr', mac, 'dev', 'eth0', 'nud', 'permanent']);
    fw = new ExecHostFirewall(`/run/netns/${node}`);
    reconciler = new HostNetworkReconciler(fw);
  });

  afterAll(() => {
    for (const ns of [node, pod, inet]) spawnSync('ip', ['netns', 'del', ns]);
  });

  const natDump = (): string[] =>
    inNs(node, ['iptables-save', '-t', 'nat'])
      .split('\n')
      .filter((l) => l.startsWith('-A') || l.startsWith(':AWS'));

  it('installs the SNAT and connmark rule set, exactly as computed, and a second pass changes nothing', async () => {
    expect((await reconciler.reconcile(settings)).changes).toBeGreaterThan(0);
    expect(natDump()).toEqual([
      ':AWS-CONNMARK-CHAIN-0 - [0:0]',
      ':AWS-SNAT-CHAIN-0 - [0:0]',
      `-A PREROUTING -i eni+ -m comment --comment "AWS, outbound connections" -j AWS-CONNMARK-CHAIN-0`,
      '-A PREROUTING -m comment --comment "AWS, CONNMARK" -j CONNMARK --restore-mark --nfmask 0x80 --ctmask 0x80',
      '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0',
      '-A AWS-CONNMARK-CHAIN-0 -d 10.99.60.0/24 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-A AWS-CONNMARK-CHAIN-0 -d 10.99.61.0/24 -m comment --comment "AWS CONNMARK CHAIN" -j RETURN',
      '-A AWS-CONNMARK-CHAIN-0 -m comment --comment "AWS, CONNMARK" -j CONNMARK --set-xmark 0x80/0x80',
      '-A AWS-SNAT-CHAIN-0 -d 10.99.61.0/24 -m comment --comment "AWS SNAT CHAIN EXCLUSION" -j RETURN',
      '-A AWS-SNAT-CHAIN-0 -d 10.99.60.0/24 -m comment --comment "AWS SNAT CHAIN" -j RETURN',
      '-A AWS-SNAT-CHAIN-0 ! -o vlan+ -m comment --comment "AWS, SNAT" -m addrtype ! --dst-type LOCAL -j SNAT --to-source 10.99.70.10 --random-fully',
    ]);
    expect(inNs(node, ['iptables-save', '-t', 'mangle'])).toContain(
      '--limit-iface-in -j CONNMARK --set-xmark 0x80/0x80',
    );
    expect(inNs(node, ['ip', 'rule'])).toMatch(/1024:\s+from all fwmark 0x80\/0x80 lookup main/);
    expect((await reconciler.reconcile(settings)).changes).toBe(0);
  });

  it('SNATs a pod talking to a non-VPC address to the node address', async () => {
    await reconciler.reconcile(settings);
    inNs(pod, ['ping', '-c1', '-W2', '10.99.70.20']);
    const ct = inNs(node, ['conntrack', '-L', '-p', 'icmp', '-s', '10.99.60.2']);
    expect(ct).toMatch(/src=10\.99\.70\.20 dst=10\.99\.70\.10/); // the reply comes back to the node's address
  });

  it('puts back rules something else deleted, and counts them', async () => {
    await reconciler.reconcile(settings);
    inNs(node, [
      'iptables',
      '-t',
      'nat',
      '-D',
      'POSTROUTING',
      '-m',
      'comment',
      '--comment',
      'AWS SNAT CHAIN',
      '-j',
      'AWS-SNAT-CHAIN-0',
    ]);
    inNs(node, ['ip', 'rule', 'del', 'priority', '1024']);
    expect((await reconciler.reconcile(settings)).changes).toBe(2);
    expect(natDump()).toContain('-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0');
    expect(inNs(node, ['ip', 'rule'])).toMatch(/1024:/);
  });

  it('moves outbound connmark to nftables and back, cleaning up the other backend', async () => {
    const nft = { ...settings, connmarkBackend: 'nftables' as const };
    await reconciler.reconcile(nft);
    expect(natDump().some((l) => l.includes('CONNMARK'))).toBe(false);
    const table = inNs(node, ['nft', 'list', 'table', 'ip', 'aws-cni']);
    expect(table).toContain('jump snat-mark');
    expect((await reconciler.reconcile(nft)).changes).toBe(0);
    await reconciler.reconcile(settings);
    expect(spawnSync('ip', ['netns', 'exec', node, 'nft', 'list', 'table', 'ip', 'aws-cni']).status).not.toBe(0);
    expect(natDump()).toContain(':AWS-CONNMARK-CHAIN-0 - [0:0]');
  });

  it('removes every rule it owns when external SNAT is on and node ports are off', async () => {
    await reconciler.reconcile({ ...settings, externalSnat: true, nodePortSupport: false });
    expect(natDump()).toEqual([]);
    expect(inNs(node, ['iptables-save', '-t', 'mangle'])).not.toContain('AWS');
    expect(inNs(node, ['ip', 'rule'])).not.toMatch(/1024:/);
  });
});
