import { planAdd } from '../plan/add-plan';
import { type PodAllocation } from '../plan/allocation';
import { buildAddResult } from './aws-result';
import { readPrevResult } from './prev-result';

const NETNS = '/var/run/netns/cni-1234';
function resultFor(allocation: PodAllocation, mode: 'strict' | 'standard' = 'strict') {
  const plan = planAdd({
    vethPrefix: 'eni',
    mtu: 9001,
    podSGEnforcingMode: mode,
    podNamespace: 'default',
    podName: 'nginx',
    ifName: 'eth0',
    allocation,
    hostMacs: ['02:00:00:00:00:01', '02:00:00:00:00:02'],
  });
  return buildAddResult({
    cniVersion: '1.0.0',
    netns: NETNS,
    podNamespace: 'default',
    podName: 'nginx',
    interfaces: plan.interfaces,
    allocation,
  });
}

describe('buildAddResult (upstream layout)', () => {
  it('regular pod on a secondary ENI: [host veth, container (mac = table), dummy (mac 0, sandbox = device)]', () => {
    expect(
      resultFor({ ips: [{ address: '10.99.2.9', family: 4, deviceNumber: 2, routeTable: 3 }], networkPolicyMode: '' }),
    ).toEqual({
      cniVersion: '1.0.0',
      interfaces: [
        { name: 'enic440f455693' },
        { name: 'eth0', mac: '3', sandbox: NETNS },
        { name: 'dummyc440f455693', mac: '0', sandbox: '2' },
      ],
      ips: [{ address: '10.99.2.9/32', interface: 1 }],
    });
  });
  it('IPv6 pod uses /128', () => {
    const r = resultFor({
      ips: [{ address: 'fd99::5', family: 6, deviceNumber: 0, routeTable: 254 }],
      networkPolicyMode: '',
    });
    expect(r.ips).toEqual([{ address: 'fd99::5/128', interface: 1 }]);
    expect(r.interfaces[1].mac).toBe('254');
  });
  it('branch ENI pod: vlan-prefixed host veth first, VLAN id in the dummy mac, subnet gateway on the IP', () => {
    const r = resultFor({
      ips: [{ address: '10.99.8.20', family: 4, deviceNumber: -1, routeTable: 0 }],
      branch: { vlanId: 7, eniMac: '0a:00:00:00:00:07', subnetGateway: '10.99.8.1', parentIfIndex: 3 },
      networkPolicyMode: '',
    });
    expect(r.interfaces[0].name).toBe('vlanc440f455693');
    expect(r.interfaces[2]).toEqual({ name: 'dummyc440f455693', mac: '7', sandbox: '-1' });
    expect(r.ips).toEqual([{ address: '10.99.8.20/32', gateway: '10.99.8.1', interface: 1 }]);
  });
  it('multi-NIC pod: pairs repeat, one dummy at the end, ips point at container entries', () => {
    const r = resultFor({
      ips: [
        { address: '10.99.1.5', family: 4, deviceNumber: 0, routeTable: 254 },
        { address: '10.99.3.7', family: 4, deviceNumber: 1, routeTable: 10101 },
      ],
      networkPolicyMode: '',
    });
    expect(r.interfaces.map((i) => i.name)).toEqual([
      'enic440f455693',
      'eth0',
      'enie48ae9c2f34',
      'mNicIf1',
      'dummyc440f455693',
    ]);
    expect(r.ips.map((i) => i.interface)).toEqual([1, 3]);
  });
});

describe('readPrevResult', () => {
  it('round-trips what buildAddResult wrote', () => {
    const r = resultFor({
      ips: [{ address: '10.99.2.9', family: 4, deviceNumber: 2, routeTable: 3 }],
      networkPolicyMode: '',
    });
    expect(readPrevResult(r, 'dummyc440f455693')).toEqual({
      hostVeths: ['enic440f455693'],
      containers: [{ name: 'eth0', sandbox: NETNS, routeTable: 3, address: '10.99.2.9', family: 4 }],
      vlanId: 0,
      deviceNumber: 2,
      hasDummy: true,
    });
  });
  it("reads a 0.4.0 result with later plugins' additions (bandwidth ifb after the dummy, tuning-changed mac)", () => {
    const prev = {
      cniVersion: '0.4.0',
      interfaces: [
        { name: 'vlanc440f455693' },
        { name: 'eth0', mac: '0', sandbox: NETNS },
        { name: 'dummyc440f455693', mac: '7', sandbox: '-1' },
        { name: 'bwp123' },
      ],
      ips: [{ version: '4', address: '10.99.8.20/32', gateway: '10.99.8.1', interface: 1 }],
      dns: {},
    };
    const info = readPrevResult(prev, 'dummyc440f455693');
    expect(info?.hostVeths).toEqual(['vlanc440f455693']);
    expect(info?.vlanId).toBe(7);
    expect(info?.containers[0]).toMatchObject({ address: '10.99.8.20', routeTable: 0 });
  });
  it('finds the dummy by prefix when the pod name is unknown; ignores non-numeric ids', () => {
    const prev = {
      interfaces: [
        { name: 'h' },
        { name: 'eth0', mac: 'aa:bb:cc:dd:ee:ff', sandbox: '/x' },
        { name: 'dummyzzz', mac: 'x', sandbox: 'y' },
      ],
      ips: [],
    };
    const info = readPrevResult(prev);
    expect(info).toMatchObject({ hostVeths: ['h'], vlanId: 0, hasDummy: true, deviceNumber: undefined });
    expect(info?.containers[0].routeTable).toBeUndefined();
  });
  it("does not claim host links of a result that is not aws-cni's (no dummy)", () => {
    const info = readPrevResult({ interfaces: [{ name: 'veth1' }, { name: 'eth0', sandbox: '/x' }], ips: [] });
    expect(info).toMatchObject({ hostVeths: [], containers: [], hasDummy: false });
  });
  it('returns undefined for junk', () => {
    expect(readPrevResult(undefined)).toBeUndefined();
    expect(readPrevResult({ cniVersion: '0.2.0', ip4: { ip: '10.0.0.1/32' } })).toBeUndefined();
    expect(readPrevResult('x')).toBeUndefined();
  });
});
