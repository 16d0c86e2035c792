import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { IpRoute2Kernel, netnsByName, ToolFirewall } from '@vpc-cni-ts/sdk/kernel';

import { type HostNetworkConfig } from '../config';
import { silentLogger } from '../ports';
import { ExecHostFirewall } from './host-firewall';
import { HostNetworkService } from './host-network-service';

// Strict Security Groups for Pods on a namespace playing the node: the `lookup local` rule moves to priority 20,
// local delivery keeps working, a hand-deleted rule is put back, and a restart in standard mode restores the
// kernel default. The node's primary ENI is a veth end carrying its MAC; its peer sits in a second namespace.
const isRoot = process.getuid?.() === 0;
const d = isRoot ? describe : describe.skip;
if (!isRoot) console.warn('host network SGP privileged tests skipped: need root');

const inNs = (ns: string, args: string[]): string =>
  execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
const pings = (ns: string, addr: string): boolean =>
  spawnSync('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', addr]).status === 0;

const baseConfig: HostNetworkConfig = {
  externalSnat: false,
  excludeSnatCidrs: [],
  externalServiceCidrs: [],
  randomizeSnat: 'prng',
  nodePortSupport: true,
  connmark: 0x80,
  eniMtu: 9001,
  vethPrefix: 'eni',
  customNetwork: false,
  eniConfigAnnotationDef: 'k8s.amazonaws.com/eniConfig',
  eniConfigLabelDef: 'k8s.amazonaws.com/eniConfig',
  enablePodEni: true,
  podSecurityGroupEnforcingMode: 'strict',
  annotatePodIp: false,
  enableV6Egress: false,
  enableV4Egress: false,
  networkPolicyEnforcingMode: '',
  enableMultiNic: false,
  clusterEndpoint: undefined,
  nodeName: undefined,
  manageHostNetwork: true,
  podName: undefined,
};

/** A node namespace with its primary ENI (veth, MAC given) up and addressed, the peer end in a second namespace. */
function makeNode(tag: string, mac: string, family: 4 | 6): { node: string; peer: string } {
  const node = `vct-sgp-node${family}-${tag}`;
  const peer = `vct-sgp-vpc${family}-${tag}`;
  for (const ns of [node, peer]) execFileSync('ip', ['netns', 'add', ns]);
  execFileSync('ip', [
    '-n',
    node,
    'link',
    'add',
    'ens5',
    'address',
    mac,
    'type',
    'veth',
    'peer',
    'name',
    'p0',
    'netns',
    peer,
  ]);
  if (family === 4) {
    inNs(node, ['ip', 'addr', 'add', '10.99.0.10/24', 'dev', 'ens5']);
    inNs(peer, ['ip', 'addr', 'add', '10.99.0.1/24', 'dev', 'p0']);
  } else {
    inNs(node, ['ip', '-6', 'addr', 'add', 'fd99::10/64', 'dev', 'ens5', 'nodad']);
    inNs(peer, ['ip', '-6', 'addr', 'add', 'fd99::1/64', 'dev', 'p0', 'nodad']);
  }
  for (const [ns, dev] of [
    [node, 'lo'],
    [node, 'ens5'],
    [peer, 'lo'],
    [peer, 'p0'],
  ]) {
    inNs(ns, ['ip', 'link', 'set', dev, 'up']);
  }
  return { node, peer };
}

function service(
  node: string,
  ipv6: boolean,
  mode: 'strict' | 'standard',
  onRepair?: (n: number) => void,
): HostNetworkService {
  return new HostNetworkService({
    kernel: new IpRoute2Kernel(),
    netns: netnsByName(node),
    firewall: new ExecHostFirewall(`/run/netns/${node}`),
    detectIptablesBackend: () => new ToolFirewall().detectBackend(),
    config: { ...baseConfig, podSecurityGroupEnforcingMode: mode },
    ipv6,
    logger: silentLogger,
    onRepair,
    findAttempts: 2,
    findIntervalMs: 50,
  });
}

const facts = (mac: string) => ({ primaryMac: mac, primaryIPv4: '10.99.0.10', vpcCidrs: ['10.99.0.0/16'] });

d('strict Security Groups for Pods: host rules on a namespace playing the node (IPv4)', () => {
  const tag = randomBytes(3).toString('hex');
  const mac = '02:99:00:00:02:01';
  let ns: { node: string; peer: string } | undefined;
  let svc: HostNetworkService | undefined;
  let repairs = 0;
  const rules = (): string => inNs(ns!.node, ['ip', '-4', 'rule']);

  beforeAll(() => {
    ns = makeNode(tag, mac, 4);
  });
  afterAll(() => {
    svc?.stop();
    for (const n of [`vct-sgp-node4-${tag}`, `vct-sgp-vpc4-${tag}`]) spawnSync('ip', ['netns', 'del', n]);
  });

  it('starts in strict mode: local at 20, none at 0, and local delivery still works', async () => {
    svc = service(ns!.node, false, 'strict', (n) => (repairs += n));
    const s = await svc.start(facts(mac));
    expect(s.enablePodEni && s.podSecurityGroupEnforcingMode).toBe('strict');
    expect(rules()).toMatch(/^20:\s+from all lookup local\s*$/m);
    expect(rules()).not.toMatch(/^0:\s+from all lookup local/m);
    expect(pings(ns!.node, '10.99.0.10')).toBe(true);
    expect(pings(ns!.node, '127.0.0.1')).toBe(true);
    // Traffic arriving from the VPC side is delivered locally too.
    expect(pings(ns!.peer, '10.99.0.10')).toBe(true);
    expect(await svc.repairOnce()).toBe(0);
  });

  it('a hand-deleted local rule at 20 stops local delivery until a repair pass puts it back', async () => {
    inNs(ns!.node, ['ip', 'rule', 'del', 'lookup', 'local', 'priority', '20']);
    expect(rules()).not.toMatch(/lookup local/);
    expect(pings(ns!.node, '10.99.0.10')).toBe(false);
    expect(await svc!.repairOnce()).toBe(1);
    expect(rules()).toMatch(/^20:\s+from all lookup local\s*$/m);
    expect(pings(ns!.node, '10.99.0.10')).toBe(true);
  });

  it('the background loop repairs it and reports the repair', async () => {
    svc!.startSelfRepair(200);
    inNs(ns!.node, ['ip', 'rule', 'del', 'lookup', 'local', 'priority', '20']);
    const until = Date.now() + 5_000;
    while (repairs === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    svc!.stop();
    expect(repairs).toBe(1);
    expect(rules()).toMatch(/^20:\s+from all lookup local\s*$/m);
  });

  it('a restart in standard mode restores the kernel default: local at 0, 20 gone', async () => {
    svc = service(ns!.node, false, 'standard');
    await svc.start(facts(mac));
    expect(rules()).toMatch(/^0:\s+from all lookup local\s*$/m);
    expect(rules()).not.toMatch(/^20:/m);
    expect(pings(ns!.node, '10.99.0.10')).toBe(true);
    expect(await svc.repairOnce()).toBe(0);
  });

  it('leaves rules it does not own alone, whatever the mode', async () => {
    inNs(ns!.node, ['ip', 'rule', 'add', 'iif', 'lo', 'lookup', '101', 'priority', '10']);
    inNs(ns!.node, ['ip', 'rule', 'add', 'to', '10.99.5.5', 'lookup', 'main', 'priority', '512']);
    inNs(ns!.node, ['ip', 'rule', 'add', 'from', '10.99.5.5', 'lookup', '3', 'priority', '1536']);
    for (const mode of ['strict', 'standard'] as const) {
      svc = service(ns!.node, false, mode);
      await svc.start(facts(mac));
      expect(rules()).toMatch(/^10:\s+from all iif lo lookup 101/m);
      expect(rules()).toMatch(/^512:\s+from all to 10\.99\.5\.5 lookup main/m);
      expect(rules()).toMatch(/^1536:\s+from 10\.99\.5\.5 lookup 3/m);
    }
  });
});

d('strict Security Groups for Pods: host rules on a namespace playing the node (IPv6)', () => {
  const tag = randomBytes(3).toString('hex');
  const mac = '02:99:00:00:02:02';
  let ns: { node: string; peer: string } | undefined;
  let svc: HostNetworkService | undefined;
  const rules = (): string => inNs(ns!.node, ['ip', '-6', 'rule']);

  beforeAll(() => {
    ns = makeNode(tag, mac, 6);
  });
  afterAll(() => {
    svc?.stop();
    for (const n of [`vct-sgp-node6-${tag}`, `vct-sgp-vpc6-${tag}`]) spawnSync('ip', ['netns', 'del', n]);
  });

  it('starts in strict mode: local at 20, the VPC router ICMPv6 rule at 0, local delivery works', async () => {
    svc = service(ns!.node, true, 'strict');
    await svc.start(facts(mac));
    expect(rules()).toMatch(/^20:\s+from all lookup local\s*$/m);
    expect(rules()).toMatch(/^0:\s+from fe80:ec2::1 ipproto ipv6-icmp lookup local\s*$/m);
    expect(rules()).not.toMatch(/^0:\s+from all lookup local/m);
    expect(pings(ns!.node, 'fd99::10')).toBe(true);
    expect(pings(ns!.peer, 'fd99::10')).toBe(true);
    expect(await svc.repairOnce()).toBe(0);
  });

  it('a local rule put back at 0 by hand, after the router rule, is removed without losing the router rule', async () => {
    // `ip rule del lookup local priority 0` would hit the router rule first: the plan takes it out and puts it back.
    inNs(ns!.node, ['ip', '-6', 'rule', 'add', 'lookup', 'local', 'priority', '0']);
    expect(await svc!.repairOnce()).toBe(3);
    expect(rules()).not.toMatch(/^0:\s+from all lookup local/m);
    expect(rules()).toMatch(/^0:\s+from fe80:ec2::1 ipproto ipv6-icmp lookup local\s*$/m);
    expect(rules()).toMatch(/^20:\s+from all lookup local\s*$/m);
    expect(await svc!.repairOnce()).toBe(0);
  });

  it('a restart in standard mode restores local at 0 and removes the router rule and 20', async () => {
    svc = service(ns!.node, true, 'standard');
    await svc.start(facts(mac));
    expect(rules()).toMatch(/^0:\s+from all lookup local\s*$/m);
    expect(rules()).not.toMatch(/fe80:ec2::1/);
    expect(rules()).not.toMatch(/^20:/m);
    expect(pings(ns!.node, 'fd99::10')).toBe(true);
    expect(await svc.repairOnce()).toBe(0);
  });
});
