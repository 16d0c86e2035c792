import {
  containerIfName,
  dummyInterfaceName,
  familyOf,
  hostCidr,
  hostVethName,
  podGateway,
  podHash,
  routeTableId,
  vlanLinkName,
  vlanTable,
} from './names';

describe('host veth naming (prefix + 11 hex of SHA-1 of "namespace.pod")', () => {
  it('matches sha1sum for a known pod', () => {
    // printf 'default.nginx' | sha1sum -> c440f455693...
    expect(podHash('default', 'nginx')).toBe('c440f455693');
    expect(hostVethName('eni', 'default', 'nginx')).toBe('enic440f455693');
    expect(hostVethName('eni', 'kube-system', 'coredns-abc')).toBe('eni3d5d6ab04b5');
  });
  it('appends ".<index>" to the pod name for extra interfaces', () => {
    expect(hostVethName('eni', 'default', 'nginx', 1)).toBe('enie48ae9c2f34');
    expect(hostVethName('eni', 'default', 'nginx', 0)).toBe('enic440f455693');
  });
  it('fits in 15 bytes with a 4-character prefix', () => {
    expect(hostVethName('abcd', 'ns', 'pod')).toHaveLength(15);
  });
  it('names the dummy entry with the same hash', () => {
    expect(dummyInterfaceName('default', 'nginx')).toBe('dummyc440f455693');
  });
  it('names container interfaces CNI_IFNAME then mNicIf<i>', () => {
    expect(containerIfName('eth0', 0)).toBe('eth0');
    expect(containerIfName('eth0', 2)).toBe('mNicIf2');
  });
});

describe('gateways, VLAN names and tables', () => {
  it('uses 169.254.1.<i+1> and fe80::<i+1>', () => {
    expect(podGateway(4)).toBe('169.254.1.1');
    expect(podGateway(4, 1)).toBe('169.254.1.2');
    expect(podGateway(6)).toBe('fe80::1');
    expect(podGateway(6, 9)).toBe('fe80::a');
  });
  it('names the VLAN link and its table', () => {
    expect(vlanLinkName(7)).toBe('vlan.eth.7');
    expect(vlanTable(7)).toBe(107);
  });
});

describe('route table numbering by device number', () => {
  it.each([
    [0, 0, 254],
    [1, 0, 2],
    [2, 0, 3],
    [99, 0, 100],
    [0, 1, 10100],
    [3, 2, 10203],
  ])('device %i on card %i -> table %i', (dev, card, table) => {
    expect(routeTableId(dev, card)).toBe(table);
  });
  it('rejects device numbers outside 0..99 and bad cards', () => {
    expect(() => routeTableId(100)).toThrow(RangeError);
    expect(() => routeTableId(-1)).toThrow(RangeError);
    expect(() => routeTableId(1.5)).toThrow(RangeError);
    expect(() => routeTableId(1, -1)).toThrow(RangeError);
  });
});

describe('address helpers', () => {
  it('tells families apart and makes host prefixes', () => {
    expect(familyOf('10.99.0.1')).toBe(4);
    expect(familyOf('fd99::1')).toBe(6);
    expect(hostCidr('10.99.0.1')).toBe('10.99.0.1/32');
    expect(hostCidr('fd99::1')).toBe('fd99::1/128');
  });
});
