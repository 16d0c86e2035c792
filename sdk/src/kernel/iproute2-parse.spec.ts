// SPDX-License-Identifier: Apache-2.0
import {
  parseAddresses,
  parseLinks,
  parseNeighbours,
  parseRoutes,
  parseRules,
  splitJsonValues,
} from './iproute2-parse';

// Samples as printed by iproute2 6.1 on this machine.
const LINKS = [
  {
    ifindex: 1,
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    mtu: 65536,
    operstate: 'UNKNOWN',
    link_type: 'loopback',
    address: '00:00:00:00:00:00',
  },
  {
    ifindex: 2,
    link_index: 6,
    ifname: 'eth0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1400,
    operstate: 'UP',
    link_type: 'ether',
    address: '02:11:22:33:44:66',
    link_netnsid: 0,
    linkinfo: { info_kind: 'veth' },
  },
  {
    ifindex: 7,
    link: 'eth1',
    ifname: 'vlan.eth.5',
    flags: ['BROADCAST'],
    mtu: 9001,
    operstate: 'DOWN',
    address: '0A:00:00:00:00:05',
    linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q', id: 5 } },
  },
];

describe('ip -j parsers', () => {
  it('links', () => {
    expect(parseLinks(LINKS)).toEqual([
      { index: 1, name: 'lo', mtu: 65536, up: true, operState: 'UNKNOWN' },
      {
        index: 2,
        name: 'eth0',
        mac: '02:11:22:33:44:66',
        mtu: 1400,
        up: true,
        operState: 'UP',
        kind: 'veth',
        linkIndex: 6,
      },
      {
        index: 7,
        name: 'vlan.eth.5',
        mac: '0a:00:00:00:00:05',
        mtu: 9001,
        up: false,
        operState: 'DOWN',
        kind: 'vlan',
        vlanId: 5,
      },
    ]);
    expect(parseLinks('garbage')).toEqual([]);
  });

  it('addresses with DAD flags', () => {
    const json = [
      {
        ifindex: 2,
        ifname: 'eth0',
        addr_info: [
          { family: 'inet', local: '10.99.1.2', prefixlen: 32, scope: 'global', label: 'eth0' },
          { family: 'inet6', local: 'fd99::2', prefixlen: 64, scope: 'global', tentative: true },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link', dadfailed: true, tentative: true },
        ],
      },
    ];
    expect(parseAddresses(json)).toEqual([
      { dev: 'eth0', cidr: '10.99.1.2/32', family: 4, scope: 'global', tentative: false, dadFailed: false },
      { dev: 'eth0', cidr: 'fd99::2/64', family: 6, scope: 'global', tentative: true, dadFailed: false },
      { dev: 'eth0', cidr: 'fe80::1/64', family: 6, scope: 'link', tentative: true, dadFailed: true },
    ]);
  });

  it('routes (table names, gateways, link scope)', () => {
    const json = [
      { dst: 'default', gateway: '10.99.1.1', dev: 've-a', flags: [] },
      { dst: '10.99.1.1', dev: 've-a', scope: 'link', flags: [] },
      {
        type: 'local',
        dst: '10.99.1.2',
        dev: 'eth0',
        table: 'local',
        protocol: 'kernel',
        scope: 'host',
        prefsrc: '10.99.1.2',
        flags: [],
      },
      { dst: '10.99.0.0/16', dev: 'eth1', table: '2', metric: 10, flags: [] },
    ];
    expect(parseRoutes(json)).toEqual([
      { dst: 'default', family: 4, table: 254, dev: 've-a', via: '10.99.1.1', scope: 'global', type: 'unicast' },
      { dst: '10.99.1.1/32', family: 4, table: 254, dev: 've-a', scope: 'link', type: 'unicast' },
      {
        dst: '10.99.1.2/32',
        family: 4,
        table: 255,
        dev: 'eth0',
        scope: 'host',
        src: '10.99.1.2',
        type: 'local',
        protocol: 'kernel',
      },
      { dst: '10.99.0.0/16', family: 4, table: 2, dev: 'eth1', scope: 'global', metric: 10, type: 'unicast' },
    ]);
    expect(parseRoutes([{ dst: 'default', gateway: 'fe80::1', dev: 'eth0' }])[0]).toMatchObject({
      family: 6,
      via: 'fe80::1',
    });
  });

  it('rules (all selectors)', () => {
    const json = [
      { priority: 0, src: 'all', table: 'local' },
      { priority: 512, src: 'all', dst: '10.99.1.3', table: 'main' },
      { priority: 1536, src: '10.99.0.0', srclen: 16, table: '100' },
      { priority: 1024, src: 'all', fwmark: '0x80', fwmask: '0x80', table: 'main' },
      { priority: 10, src: 'all', iif: 'vlan.eth.5', table: '105' },
    ];
    expect(parseRules(json, 4)).toEqual([
      { family: 4, priority: 0, table: 255 },
      { family: 4, priority: 512, to: '10.99.1.3/32', table: 254 },
      { family: 4, priority: 1536, from: '10.99.0.0/16', table: 100 },
      { family: 4, priority: 1024, fwmark: 128, fwmask: 128, table: 254 },
      { family: 4, priority: 10, iif: 'vlan.eth.5', table: 105 },
    ]);
  });

  it('neighbours', () => {
    expect(
      parseNeighbours([
        { dst: '10.99.1.1', dev: 've-a', lladdr: '8E:BA:D6:76:EC:D5', state: ['PERMANENT'] },
        { dst: 'FD99::1', lladdr: '02:00:00:00:00:01', state: ['STALE'] },
      ]),
    ).toEqual([
      { dev: 've-a', ip: '10.99.1.1', family: 4, mac: '8e:ba:d6:76:ec:d5', state: ['PERMANENT'] },
      { dev: '', ip: 'fd99::1', family: 6, mac: '02:00:00:00:00:01', state: ['STALE'] },
    ]);
  });

  it('splits the concatenated output of a batch of show commands', () => {
    const text = '[{"a":"]["}]\n[]\n\n[{"b":[1,2]}]\n';
    expect(splitJsonValues(text)).toEqual([[{ a: '][' }], [], [{ b: [1, 2] }]]);
  });
});
