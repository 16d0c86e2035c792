// SPDX-License-Identifier: Apache-2.0
import { normalizeKeys } from './normalize-keys';
import { netConfSchema, normalizeNetConf } from './validators';

describe('normalizeKeys', () => {
  it('maps what containerd and CRI-O send to the convention spelling', () => {
    const input = {
      cniVersion: '1.0.0',
      Name: 'net',
      type: 'x',
      runtimeConfig: {
        PortMappings: [{ HostPort: 8080, ContainerPort: 80, Protocol: 'tcp', HostIP: '' }],
        bandWidth: { IngressRate: 1000, IngressBurst: 2000, EgressRate: 3, egressburst: 4 },
        DNS: { Servers: ['1.1.1.1'], Searches: ['a'], Options: [] },
        'IO.Kubernetes.CRI.Pod-Annotations': { 'Keep.This': 'Case' },
      },
      CustomKey: { InnerKey: 1 },
    };
    expect(normalizeKeys(input, netConfSchema)).toEqual({
      cniVersion: '1.0.0',
      name: 'net',
      type: 'x',
      runtimeConfig: {
        portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }],
        bandwidth: { ingressRate: 1000, ingressBurst: 2000, egressRate: 3, egressBurst: 4 },
        dns: { servers: ['1.1.1.1'], searches: ['a'], options: [] },
        'io.kubernetes.cri.pod-annotations': { 'Keep.This': 'Case' },
      },
      CustomKey: { InnerKey: 1 },
    });
  });

  it('prefers the exact spelling when both are present and does not modify the input', () => {
    const input = { MTU: 1, mtu: 2 };
    const schema = { type: 'object', properties: { mtu: { type: 'integer' } } };
    expect(normalizeKeys(input, schema)).toEqual({ mtu: 2 });
    expect(input).toEqual({ MTU: 1, mtu: 2 });
  });

  it('follows allOf/anyOf branches, array items and additionalProperties schemas', () => {
    const schema = {
      allOf: [{ properties: { list: { items: { properties: { dst: {} } } } } }],
      anyOf: [{ properties: { map: { additionalProperties: { properties: { gw: {} } } } } }],
    };
    expect(normalizeKeys({ LIST: [{ DST: 'a' }], Map: { K: { GW: 'g' } } }, schema)).toEqual({
      list: [{ dst: 'a' }],
      map: { K: { gw: 'g' } },
    });
  });
});

describe('normalizeNetConf', () => {
  it('normalises runtimeConfig capabilities without validating', () => {
    expect(normalizeNetConf({ name: 5, RuntimeConfig: { Bandwidth: { IngressRate: 1 } } })).toEqual({
      name: 5,
      runtimeConfig: { bandwidth: { ingressRate: 1 } },
    });
  });
});
