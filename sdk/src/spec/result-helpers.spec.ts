// SPDX-License-Identifier: Apache-2.0
import { addressOf, findContainerInterface, hostInterfaces, ipFamily, ipsOfInterface } from './result-helpers';
import { type Result100 } from './types/result-100';

const r: Result100 = {
  cniVersion: '1.0.0',
  interfaces: [
    { name: 'veth1' },
    { name: 'eth0', sandbox: '/proc/1/ns/net' },
    { name: 'eth0', sandbox: '/run/netns/pod' },
    { name: 'dummy', mac: '0', sandbox: '3' },
  ],
  ips: [
    { address: '10.0.0.5/24', interface: 2 },
    { address: 'fd00::5/64', interface: 2 },
    { address: '10.0.1.5/32', interface: 0 },
  ],
};

describe('result helpers', () => {
  it('finds the container interface by name and sandbox, with a name-only fallback', () => {
    expect(findContainerInterface(r, 'eth0', '/run/netns/pod')?.index).toBe(2);
    expect(findContainerInterface(r, 'eth0', '/var/run/netns/pod')?.index).toBe(1);
    expect(findContainerInterface(r, 'eth1', '/run/netns/pod')).toBeUndefined();
    expect(findContainerInterface({ cniVersion: '1.0.0' }, 'eth0', 'x')).toBeUndefined();
  });
  it('lists host interfaces and the IPs of an interface (index 0 included)', () => {
    expect(hostInterfaces(r).map((h) => h.iface.name)).toEqual(['veth1']);
    expect(ipsOfInterface(r, 2).map((i) => i.address)).toEqual(['10.0.0.5/24', 'fd00::5/64']);
    expect(ipsOfInterface(r, 0)).toEqual([{ address: '10.0.1.5/32', interface: 0 }]);
  });
  it('splits addresses', () => {
    expect(addressOf('10.0.0.5/24')).toBe('10.0.0.5');
    expect(addressOf('fd00::5')).toBe('fd00::5');
    expect(ipFamily('fd00::5/64')).toBe('6');
    expect(ipFamily('10.0.0.5')).toBe('4');
  });
});
