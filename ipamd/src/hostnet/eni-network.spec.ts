import { type Address, type Link } from '@vpc-cni-ts/sdk/kernel';

import { eniGateway, eniRouteTable, planEniSetup } from './eni-network';

const link: Link = { index: 7, name: 'eth1', mac: '02:00:00:00:00:01', mtu: 1500, up: false, operState: 'DOWN' };
const addr = (cidr: string, scope: Address['scope'] = 'global'): Address => ({
  dev: 'eth1',
  cidr,
  family: cidr.includes(':') ? 6 : 4,
  scope,
  tentative: false,
  dadFailed: false,
});

describe('ENI link set-up plan', () => {
  it.each([
    [0, 0, 254],
    [1, 0, 2],
    [2, 0, 3],
    [1, 1, 10_101],
    [3, 2, 10_203],
  ])('device %d on card %d routes through table %d', (dev, card, table) => {
    expect(eniRouteTable(dev, card)).toBe(table);
  });

  it('gateway is the subnet base + 1, or fe80:ec2::1 for IPv6', () => {
    expect(eniGateway('10.99.32.0/19')).toBe('10.99.32.1');
    expect(eniGateway('10.99.40.7/19')).toBe('10.99.32.1');
    expect(eniGateway('fd99::/64')).toBe('fe80:ec2::1');
  });

  it('plans address, table routes, main-route removal and the 32765 rule for a fresh link', () => {
    const p = planEniSetup(
      { eniId: 'eni-1', mac: link.mac!, deviceNumber: 2, primaryIp: '10.99.33.4', subnetCidr: '10.99.32.0/19' },
      link,
      [addr('fe80::1/64', 'link')],
      9001,
    );
    expect(p).toEqual({
      link: 'eth1',
      mtu: 9001,
      table: 3,
      removeAddresses: [],
      addAddress: '10.99.33.4/19',
      routes: [
        { dst: '10.99.32.1/32', dev: 'eth1', table: 3, scope: 'link' },
        { dst: 'default', via: '10.99.32.1', dev: 'eth1', table: 3, family: 4 },
      ],
      mainRouteToDelete: { dst: '10.99.32.0/19', dev: 'eth1', table: 'main' },
      rule: { priority: 32765, from: '10.99.33.4/32', table: 3 },
    });
  });

  it('removes stale global addresses and keeps the right one', () => {
    const p = planEniSetup(
      { eniId: 'eni-1', mac: link.mac!, deviceNumber: 1, primaryIp: '10.99.33.4', subnetCidr: '10.99.32.0/19' },
      link,
      [addr('10.99.33.4/19'), addr('10.99.50.9/24')],
      9001,
    );
    expect(p.removeAddresses).toEqual(['10.99.50.9/24']);
    expect(p.addAddress).toBeUndefined();
  });
});
