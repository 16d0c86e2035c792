import { planAdd, type AddPlanInput } from './add-plan';
import { type PodAllocation } from './allocation';
import { type KernelOp } from './kernel-op';

const MAC = '02:11:22:33:44:55';
const MAC2 = '02:11:22:33:44:66';

function input(allocation: PodAllocation, over: Partial<AddPlanInput> = {}): AddPlanInput {
  return {
    vethPrefix: 'eni',
    mtu: 9001,
    podSGEnforcingMode: 'strict',
    podNamespace: 'default',
    podName: 'nginx',
    ifName: 'eth0',
    allocation,
    hostMacs: [MAC, MAC2],
    ...over,
  };
}
const v4 = (address: string, deviceNumber: number, routeTable: number) => ({
  address,
  family: 4 as const,
  deviceNumber,
  routeTable,
});
const only = (ops: readonly KernelOp[], kind: KernelOp['op'], ns?: 'host' | 'pod') =>
  ops.filter((o) => o.op === kind && (!ns || !('ns' in o) || o.ns === ns));

describe('planAdd, regular IPv4 pod on the primary ENI', () => {
  const plan = planAdd(input({ ips: [v4('10.99.1.5', 0, 254)], networkPolicyMode: '' }));
  const veth = 'enic440f455693';

  it('creates the veth from the host with its peer named CNI_IFNAME in the pod, with the given MAC and MTU', () => {
    expect(plan.ops[0]).toEqual({ op: 'veth.create', hostName: veth, hostMac: MAC, podName: 'eth0', mtu: 9001 });
  });
  it('sets the host veth IPv6 knobs before bringing it up', () => {
    const keys = plan.ops.map((o) => (o.op === 'sysctl.set' ? o.key : o.op === 'link.up' ? `up:${o.name}` : ''));
    const upIdx = keys.indexOf(`up:${veth}`);
    for (const k of ['accept_ra', 'accept_redirects', 'forwarding']) {
      const i = keys.indexOf(`net/ipv6/conf/${veth}/${k}`);
      expect(i).toBeGreaterThan(-1);
      expect(i).toBeLessThan(upIdx);
    }
    expect(only(plan.ops, 'sysctl.set').every((o) => o.op === 'sysctl.set' && o.ignoreMissing)).toBe(true);
  });
  it('makes the pod side a point-to-point fake: /32, on-link gateway, default route, permanent neighbour', () => {
    const pod = plan.ops.filter((o) => 'ns' in o && o.ns === 'pod');
    expect(pod).toEqual([
      { op: 'link.up', ns: 'pod', name: 'eth0' },
      { op: 'route.replace', ns: 'pod', family: 4, dst: '169.254.1.1/32', dev: 'eth0', scope: 'link' },
      { op: 'route.replace', ns: 'pod', family: 4, dst: 'default', via: '169.254.1.1', dev: 'eth0' },
      { op: 'addr.add', ns: 'pod', dev: 'eth0', cidr: '10.99.1.5/32' },
      { op: 'neigh.replace', ns: 'pod', dev: 'eth0', ip: '169.254.1.1', lladdr: MAC },
    ]);
  });
  it('adds the host route and only the to-pod rule (primary ENI = main table)', () => {
    expect(only(plan.ops, 'route.replace', 'host')).toEqual([
      { op: 'route.replace', ns: 'host', family: 4, dst: '10.99.1.5/32', dev: veth, scope: 'link' },
    ]);
    expect(only(plan.ops, 'rule.add')).toEqual([
      { op: 'rule.add', ns: 'host', family: 4, priority: 512, to: '10.99.1.5', table: 254 },
    ]);
  });
  it('describes the planned interface', () => {
    expect(plan.interfaces).toEqual([
      expect.objectContaining({
        hostVeth: veth,
        containerIf: 'eth0',
        gateway: '169.254.1.1',
        routeTable: 254,
        hostMac: MAC,
      }),
    ]);
  });
});

describe('planAdd, secondary ENI', () => {
  it('adds from-pod lookup <ENI table> at 1536', () => {
    const plan = planAdd(input({ ips: [v4('10.99.2.9', 2, 3)], networkPolicyMode: '' }));
    expect(only(plan.ops, 'rule.add')).toEqual([
      { op: 'rule.add', ns: 'host', family: 4, priority: 512, to: '10.99.2.9', table: 254 },
      { op: 'rule.add', ns: 'host', family: 4, priority: 1536, from: '10.99.2.9', table: 3 },
    ]);
  });
});

describe('planAdd, IPv6 pod', () => {
  const plan = planAdd(
    input({ ips: [{ address: 'fd99::5', family: 6, deviceNumber: 0, routeTable: 254 }], networkPolicyMode: '' }),
  );
  it('enables IPv6 in the pod, uses fe80::1 and /128, and waits for DAD last on the pod side', () => {
    const pod = plan.ops.filter((o) => 'ns' in o && o.ns === 'pod');
    expect(pod[0]).toEqual({
      op: 'sysctl.set',
      ns: 'pod',
      key: 'net/ipv6/conf/eth0/disable_ipv6',
      value: '0',
      ignoreMissing: false,
    });
    expect(pod[1]).toEqual({
      op: 'sysctl.set',
      ns: 'pod',
      key: 'net/ipv6/conf/lo/disable_ipv6',
      value: '0',
      ignoreMissing: false,
    });
    expect(pod).toContainEqual({
      op: 'route.replace',
      ns: 'pod',
      family: 6,
      dst: 'fe80::1/128',
      dev: 'eth0',
      scope: 'link',
    });
    expect(pod).toContainEqual({ op: 'addr.add', ns: 'pod', dev: 'eth0', cidr: 'fd99::5/128' });
    expect(pod).toContainEqual({ op: 'neigh.replace', ns: 'pod', dev: 'eth0', ip: 'fe80::1', lladdr: MAC });
    expect(pod[pod.length - 1]).toEqual({ op: 'dad.wait', ns: 'pod', dev: 'eth0', timeoutMs: 10000 });
  });
  it('adds the IPv6 host route and rule', () => {
    expect(only(plan.ops, 'rule.add')).toEqual([
      { op: 'rule.add', ns: 'host', family: 6, priority: 512, to: 'fd99::5', table: 254 },
    ]);
    expect(only(plan.ops, 'route.replace', 'host')[0]).toMatchObject({ dst: 'fd99::5/128', family: 6 });
  });
});

describe('planAdd, multi-NIC pod', () => {
  const plan = planAdd(input({ ips: [v4('10.99.1.5', 0, 254), v4('10.99.3.7', 1, 10101)], networkPolicyMode: '' }));
  it('names the second pair mNicIf1 with its own hash and gateway, routing it in pod table 1 behind a prio-1 rule', () => {
    expect(plan.interfaces[1]).toMatchObject({
      hostVeth: 'enie48ae9c2f34',
      containerIf: 'mNicIf1',
      gateway: '169.254.1.2',
      hostMac: MAC2,
    });
    expect(plan.ops).toContainEqual({ op: 'rule.add', ns: 'pod', family: 4, priority: 1, from: '10.99.3.7', table: 1 });
    expect(plan.ops).toContainEqual({
      op: 'route.replace',
      ns: 'pod',
      family: 4,
      dst: 'default',
      via: '169.254.1.2',
      dev: 'mNicIf1',
      table: 1,
    });
    expect(plan.ops).toContainEqual({
      op: 'rule.add',
      ns: 'host',
      family: 4,
      priority: 1536,
      from: '10.99.3.7',
      table: 10101,
    });
  });
});

describe('planAdd, branch ENI (security groups for pods)', () => {
  const branch = { vlanId: 7, eniMac: '0a:00:00:00:00:07', subnetGateway: '10.99.8.1', parentIfIndex: 3 };
  const alloc: PodAllocation = { ips: [v4('10.99.8.20', -1, 0)], branch, networkPolicyMode: '' };

  it('strict: vlan prefix, VLAN link + table 107, pod route in 107 and iif rules at priority 10, no IP rules', () => {
    const plan = planAdd(input(alloc));
    const veth = 'vlanc440f455693';
    expect(plan.interfaces[0].hostVeth).toBe(veth);
    expect(plan.ops).toContainEqual({ op: 'rule.delete-all', ns: 'host', family: 4, priority: 10, iif: veth });
    expect(plan.ops).toContainEqual({ op: 'link.delete', ns: 'host', name: 'vlan.eth.7' });
    expect(plan.ops).toContainEqual({
      op: 'vlan.create',
      name: 'vlan.eth.7',
      parentIndex: 3,
      vlanId: 7,
      mac: branch.eniMac,
    });
    expect(only(plan.ops, 'route.replace', 'host')).toEqual([
      { op: 'route.replace', ns: 'host', family: 4, dst: '10.99.8.1/32', dev: 'vlan.eth.7', scope: 'link', table: 107 },
      { op: 'route.replace', ns: 'host', family: 4, dst: 'default', via: '10.99.8.1', dev: 'vlan.eth.7', table: 107 },
      { op: 'route.replace', ns: 'host', family: 4, dst: '10.99.8.20/32', dev: veth, scope: 'link', table: 107 },
    ]);
    expect(only(plan.ops, 'rule.add')).toEqual([
      { op: 'rule.add', ns: 'host', family: 4, priority: 10, iif: 'vlan.eth.7', table: 107 },
      { op: 'rule.add', ns: 'host', family: 4, priority: 10, iif: veth, table: 107 },
    ]);
    // the pod side is the same point-to-point fake as a regular pod
    expect(plan.ops).toContainEqual({ op: 'neigh.replace', ns: 'pod', dev: 'eth0', ip: '169.254.1.1', lladdr: MAC });
  });
  it('standard: configured prefix, IP rules with from-pod pointing at the VLAN table', () => {
    const plan = planAdd(input(alloc, { podSGEnforcingMode: 'standard' }));
    const veth = 'enic440f455693';
    expect(plan.interfaces[0].hostVeth).toBe(veth);
    expect(only(plan.ops, 'rule.add')).toEqual([
      { op: 'rule.add', ns: 'host', family: 4, priority: 512, to: '10.99.8.20', table: 254 },
      { op: 'rule.add', ns: 'host', family: 4, priority: 1536, from: '10.99.8.20', table: 107 },
    ]);
    expect(only(plan.ops, 'route.replace', 'host')).toContainEqual({
      op: 'route.replace',
      ns: 'host',
      family: 4,
      dst: '10.99.8.20/32',
      dev: veth,
      scope: 'link',
    });
  });
  it('sets the VLAN IPv6 knobs before bringing it up', () => {
    const ops = planAdd(input(alloc)).ops;
    const up = ops.findIndex((o) => o.op === 'link.up' && o.name === 'vlan.eth.7');
    const ra = ops.findIndex((o) => o.op === 'sysctl.set' && o.key === 'net/ipv6/conf/vlan.eth.7/accept_ra');
    expect(ra).toBeGreaterThan(-1);
    expect(ra).toBeLessThan(up);
  });
});

describe('planAdd input checks', () => {
  it('refuses no address, missing MACs, and multi-address branch pods', () => {
    expect(() => planAdd(input({ ips: [], networkPolicyMode: '' }))).toThrow(/no address/);
    expect(() => planAdd(input({ ips: [v4('10.99.1.5', 0, 254)], networkPolicyMode: '' }, { hostMacs: [] }))).toThrow(
      /MAC/,
    );
    const branch = { vlanId: 7, eniMac: '0a:00:00:00:00:07', subnetGateway: '10.99.8.1', parentIfIndex: 3 };
    expect(() =>
      planAdd(input({ ips: [v4('10.99.8.2', -1, 0), v4('10.99.8.3', -1, 0)], branch, networkPolicyMode: '' })),
    ).toThrow(/exactly one/);
  });
});
