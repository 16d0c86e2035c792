// SPDX-License-Identifier: Apache-2.0
/**
 * Golden conversion vectors (re-typed from the behaviour of the Go reference library, not copied):
 * one fully populated result per family, and what it must look like in each family after conversion.
 * `expected[from][toFamily]` is stamped with the target version by the test.
 */
import { type ResultFamily } from '../spec/versions';

type Json = Record<string, unknown>;

/** A fully populated result in each family (version to be stamped). */
export const FULL_RESULTS: Readonly<Record<ResultFamily, Json>> = Object.freeze({
  '020': {
    ip4: {
      ip: '10.1.2.3/24',
      gateway: '10.1.2.1',
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '192.168.0.0/16' }],
    },
    ip6: { ip: 'fd99::5/64', gateway: 'fd99::1', routes: [{ dst: '::/0', gw: 'fd99::1' }] },
    dns: { nameservers: ['10.1.0.10'], domain: 'cluster.local', search: ['svc'], options: ['ndots:5'] },
  },
  '040': {
    interfaces: [{ name: 'veth1234' }, { name: 'eth0', mac: '0a:00:00:00:00:01', sandbox: '/run/netns/x' }],
    ips: [
      { version: '4', address: '10.1.2.3/24', gateway: '10.1.2.1', interface: 1 },
      { version: '4', address: '10.1.3.3/24', interface: 0 },
      { version: '6', address: 'fd99::5/64', gateway: 'fd99::1', interface: 1 },
    ],
    routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '::/0' }, { dst: '192.168.0.0/16', gw: '10.1.2.1' }],
    dns: { nameservers: ['10.1.0.10'] },
  },
  '100': {
    interfaces: [
      { name: 'veth1234', mtu: 9001 },
      {
        name: 'eth0',
        mac: '0a:00:00:00:00:01',
        sandbox: '/run/netns/x',
        mtu: 9001,
        socketPath: '/s',
        pciID: '0000:00:04.0',
      },
    ],
    ips: [
      { address: '10.1.2.3/24', gateway: '10.1.2.1', interface: 1 },
      { address: 'fd99::5/64', interface: 0 },
    ],
    routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1', mtu: 1500, advmss: 1460, priority: 10, table: 100, scope: 0 }],
    dns: { nameservers: ['10.1.0.10'] },
  },
});

/** `CONVERSION_EXPECTED[from][toFamily]`: the converted shape (without cniVersion). */
export const CONVERSION_EXPECTED: Readonly<Record<ResultFamily, Readonly<Record<ResultFamily, Json>>>> = Object.freeze({
  '020': {
    '020': FULL_RESULTS['020'],
    '040': {
      ips: [
        { version: '4', address: '10.1.2.3/24', gateway: '10.1.2.1' },
        { version: '6', address: 'fd99::5/64', gateway: 'fd99::1' },
      ],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '192.168.0.0/16' }, { dst: '::/0', gw: 'fd99::1' }],
      dns: FULL_RESULTS['020'].dns,
    },
    '100': {
      ips: [
        { address: '10.1.2.3/24', gateway: '10.1.2.1' },
        { address: 'fd99::5/64', gateway: 'fd99::1' },
      ],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '192.168.0.0/16' }, { dst: '::/0', gw: 'fd99::1' }],
      dns: FULL_RESULTS['020'].dns,
    },
  },
  '040': {
    '020': {
      ip4: {
        ip: '10.1.2.3/24',
        gateway: '10.1.2.1',
        routes: [
          { dst: '0.0.0.0/0', gw: '10.1.2.1' },
          { dst: '192.168.0.0/16', gw: '10.1.2.1' },
        ],
      },
      ip6: { ip: 'fd99::5/64', gateway: 'fd99::1', routes: [{ dst: '::/0' }] },
      dns: { nameservers: ['10.1.0.10'] },
    },
    '040': FULL_RESULTS['040'],
    '100': {
      interfaces: [{ name: 'veth1234' }, { name: 'eth0', mac: '0a:00:00:00:00:01', sandbox: '/run/netns/x' }],
      ips: [
        { address: '10.1.2.3/24', gateway: '10.1.2.1', interface: 1 },
        { address: '10.1.3.3/24', interface: 0 },
        { address: 'fd99::5/64', gateway: 'fd99::1', interface: 1 },
      ],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }, { dst: '::/0' }, { dst: '192.168.0.0/16', gw: '10.1.2.1' }],
      dns: { nameservers: ['10.1.0.10'] },
    },
  },
  '100': {
    '020': {
      ip4: { ip: '10.1.2.3/24', gateway: '10.1.2.1', routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1' }] },
      ip6: { ip: 'fd99::5/64' },
      dns: { nameservers: ['10.1.0.10'] },
    },
    '040': {
      interfaces: [{ name: 'veth1234' }, { name: 'eth0', mac: '0a:00:00:00:00:01', sandbox: '/run/netns/x' }],
      ips: [
        { version: '4', address: '10.1.2.3/24', gateway: '10.1.2.1', interface: 1 },
        { version: '6', address: 'fd99::5/64', interface: 0 },
      ],
      routes: [{ dst: '0.0.0.0/0', gw: '10.1.2.1', mtu: 1500, advmss: 1460, priority: 10, table: 100, scope: 0 }],
      dns: { nameservers: ['10.1.0.10'] },
    },
    '100': FULL_RESULTS['100'],
  },
});
