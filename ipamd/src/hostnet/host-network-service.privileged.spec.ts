import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { IpRoute2Kernel, netnsByName, ToolFirewall } from '@vpc-cni-ts/sdk/kernel';

import { type HostNetworkConfig } from '../config';
import { silentLogger } from '../ports';
import { ExecHostFirewall } from './host-firewall';
import { HostNetworkService } from './host-network-service';

// The whole host-networking service on a namespace playing the node: the primary ENI and a secondary ENI are veth
// ends carrying the ENIs' MACs. Something "else on the host" then deletes rules and routes; a repair pass must
// notice and put them back.
const isRoot = process.getuid?.() === 0;
const d = isRoot ? describe : describe.skip;
if (!isRoot) console.warn('host network service privileged tests skipped: need root');

const inNs = (ns: string, args: string[]): string =>
  execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });

const config: HostNetworkConfig = {
  externalSnat: false,
  excludeSnatCidrs: [],
  externalServiceCidrs: ['10.99.250.0/24'],
  randomizeSnat: 'prng',
  nodePortSupport: true,
  connmark: 0x80,
  eniMtu: 9001,
  vethPrefix: 'eni',
  customNetwork: false,
  eniConfigAnnotationDef: 'k8s.amazonaws.com/eniConfig',
  eniConfigLabelDef: 'k8s.amazonaws.com/eniConfig',
  enablePodEni: false,
  podSecurityGroupEnforcingMode: 'standard',
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

d('HostNetworkService on a namespace playing the node', () => {
  const tag = randomBytes(3).toString('hex');
  const node = `vct-hns-node-${tag}`;
  const vpc = `vct-hns-vpc-${tag}`;
  const primaryMac = '02:99:00:00:01:01';
  const eniMac = '02:99:00:00:01:02';
  let repairs = 0;
  let svc: HostNetworkService;

  beforeAll(async () => {
    for (const ns of [node, vpc]) execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', [
      '-n',
      node,
      'link',
      'add',
      'ens5',
      'address',
      primaryMac,
      'type',
      'veth',
      'peer',
      'name',
      'p0',
      'netns',
      vpc,
    ]);
    execFileSync('ip', [
      '-n',
      node,
      'link',
      'add',
      'ens6',
      'address',
      eniMac,
      'type',
      'veth',
      'peer',
      'name',
      'p1',
      'netns',
      vpc,
    ]);
    inNs(node, ['ip', 'addr', 'add', '10.99.0.10/24', 'dev', 'ens5']);
    inNs(node, ['ip', 'link', 'set', 'ens5', 'up']);
    svc = new HostNetworkService({
      kernel: new IpRoute2Kernel(),
      netns: netnsByName(node),
      firewall: new ExecHostFirewall(`/run/netns/${node}`),
      detectIptablesBackend: () => new ToolFirewall().detectBackend(),
      config,
      ipv6: false,
      logger: silentLogger,
      onRepair: (n) => (repairs += n),
      findAttempts: 2,
      findIntervalMs: 50,
    });
  });
  afterAll(() => {
    svc?.stop();
    for (const ns of [node, vpc]) spawnSync('ip', ['netns', 'del', ns]);
  });

  it('starts: primary MTU, SNAT to the primary address, fwmark and external-service rules', async () => {
    const s = await svc.start({ primaryMac, primaryIPv4: '10.99.0.10', vpcCidrs: ['10.99.0.0/16'] });
    expect(s.primaryInterface).toBe('ens5');
    expect(JSON.parse(inNs(node, ['ip', '-j', 'link', 'show', 'ens5']))[0].mtu).toBe(9001);
    expect(inNs(node, ['iptables-save', '-t', 'nat'])).toContain('-j SNAT --to-source 10.99.0.10 --random-fully');
    const rules = inNs(node, ['ip', 'rule']);
    expect(rules).toMatch(/1024:\s+from all fwmark 0x80\/0x80 lookup main/);
    expect(rules).toMatch(/1535:\s+from all to 10\.99\.250\.0\/24 lookup main/);
  });

  it('sets up a secondary ENI through the pool manager port', async () => {
    await svc.setupEni({
      eniId: 'eni-1',
      mac: eniMac,
      deviceNumber: 1,
      primaryIp: '10.99.1.20',
      subnetCidr: '10.99.1.0/24',
    });
    expect(inNs(node, ['ip', 'route', 'show', 'table', '2'])).toContain('default via 10.99.1.1 dev ens6');
  });

  it('a repair pass with nothing removed changes nothing', async () => {
    expect(await svc.repairOnce()).toBe(0);
  });

  it('puts back what something else removed: the SNAT jump, the fwmark rule, the ENI rule and default route', async () => {
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
    inNs(node, ['ip', 'rule', 'del', 'priority', '32765']);
    inNs(node, ['ip', 'route', 'del', 'default', 'table', '2']);
    expect(await svc.repairOnce()).toBeGreaterThanOrEqual(3);
    expect(inNs(node, ['iptables-save', '-t', 'nat'])).toContain(
      '-A POSTROUTING -m comment --comment "AWS SNAT CHAIN" -j AWS-SNAT-CHAIN-0',
    );
    expect(inNs(node, ['ip', 'rule'])).toMatch(/32765:\s+from 10\.99\.1\.20 lookup 2/);
    expect(inNs(node, ['ip', 'route', 'show', 'table', '2'])).toContain('default via 10.99.1.1');
    expect(await svc.repairOnce()).toBe(0);
  });

  it('the background loop notices within seconds and reports the repair', async () => {
    svc.startSelfRepair(200);
    inNs(node, ['ip', 'rule', 'del', 'priority', '1535']);
    const until = Date.now() + 5_000;
    while (repairs === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    svc.stop();
    expect(repairs).toBeGreaterThan(0);
    expect(inNs(node, ['ip', 'rule'])).toMatch(/1535:/);
  });

  it('tears down the ENI: no rule, no routes in its table', async () => {
    await svc.teardownEni({
      eniId: 'eni-1',
      mac: eniMac,
      deviceNumber: 1,
      primaryIp: '10.99.1.20',
      subnetCidr: '10.99.1.0/24',
    });
    expect(inNs(node, ['ip', 'rule'])).not.toContain('10.99.1.20');
    expect(inNs(node, ['ip', 'route', 'show', 'table', '2']).trim()).toBe('');
  });
});
