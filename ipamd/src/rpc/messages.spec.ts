import { join } from 'node:path';

import * as protobuf from 'protobufjs';

import {
  decodeAddNetworkReply,
  decodeAddNetworkRequest,
  decodeDelNetworkReply,
  decodeDelNetworkRequest,
  decodeHealthCheckResponse,
  encodeAddNetworkReply,
  encodeAddNetworkRequest,
  encodeDelNetworkReply,
  encodeDelNetworkRequest,
  encodeHealthCheckResponse,
} from './messages';
import { WireError, decodeMessage } from './wire';

const root = protobuf.loadSync([join(__dirname, '../../proto/rpc.proto'), join(__dirname, '../../proto/health.proto')]);
const T = (n: string) => root.lookupType(n);

const addReq = {
  ClientVersion: 'v1.23.1',
  K8S_POD_NAME: 'web-1',
  K8S_POD_NAMESPACE: 'default',
  K8S_POD_INFRA_CONTAINER_ID: 'abc',
  ContainerID: 'abc',
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  Netns: '/var/run/netns/x',
  RequiresMultiNICAttachment: true,
};
const addReply = {
  Success: true,
  IPAllocationMetadata: [{ IPv4Addr: '10.0.0.5', IPv6Addr: '', DeviceNumber: 2, RouteTableId: 3 }],
  UseExternalSNAT: true,
  VPCv4CIDRs: ['10.0.0.0/16', '100.64.0.0/10'],
  VPCv6CIDRs: [],
  PodVlanId: -1,
  PodENIMAC: 'aa:bb',
  PodENISubnetGW: '10.0.0.1',
  ParentIfIndex: 7,
  NetworkPolicyMode: 'standard',
};
const delReq = {
  ClientVersion: 'x',
  K8S_POD_NAME: 'p',
  K8S_POD_NAMESPACE: 'n',
  K8S_POD_INFRA_CONTAINER_ID: 'c',
  Reason: 'PodDeleted',
  ContainerID: 'c',
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_UID: 'uid',
};
const delReply = {
  Success: true,
  IPAllocationMetadata: [{ IPv4Addr: '10.0.0.5', IPv6Addr: '', DeviceNumber: 0, RouteTableId: 254 }],
  PodVlanId: 0,
  NetworkPolicyMode: '',
};

describe('rpc codec agrees with protobufjs reading ipamd/proto/rpc.proto', () => {
  it.each([
    ['rpc.AddNetworkRequest', addReq, encodeAddNetworkRequest, decodeAddNetworkRequest],
    ['rpc.AddNetworkReply', addReply, encodeAddNetworkReply, decodeAddNetworkReply],
    ['rpc.DelNetworkRequest', delReq, encodeDelNetworkRequest, decodeDelNetworkRequest],
    ['rpc.DelNetworkReply', delReply, encodeDelNetworkReply, decodeDelNetworkReply],
    ['grpc.health.v1.HealthCheckResponse', { status: 1 }, encodeHealthCheckResponse, decodeHealthCheckResponse],
  ] as const)('%s', (name, msg, enc, dec) => {
    const type = T(name);
    const ours = enc(msg as never);
    const theirs = Buffer.from(type.encode(type.fromObject(msg)).finish());
    // Each side decodes what the other encoded.
    expect(dec(theirs)).toEqual(msg);
    expect(type.toObject(type.decode(ours), { defaults: true, arrays: true })).toEqual(msg);
  });
  it('field numbers match the notes', () => {
    const f = (t: string) => Object.fromEntries(Object.values(T(t).fields).map((x) => [x.name, x.id]));
    expect(f('rpc.AddNetworkRequest')).toEqual({
      ClientVersion: 8,
      K8S_POD_NAME: 1,
      K8S_POD_NAMESPACE: 2,
      K8S_POD_INFRA_CONTAINER_ID: 3,
      ContainerID: 7,
      IfName: 5,
      NetworkName: 6,
      Netns: 4,
      RequiresMultiNICAttachment: 9,
    });
    expect(f('rpc.DelNetworkRequest')).toEqual({
      ClientVersion: 9,
      K8S_POD_NAME: 1,
      K8S_POD_NAMESPACE: 2,
      K8S_POD_INFRA_CONTAINER_ID: 3,
      Reason: 5,
      ContainerID: 8,
      IfName: 6,
      NetworkName: 7,
      K8S_POD_UID: 10,
    });
  });
  it('skips unknown fields and fills defaults', () => {
    const withExtra = Buffer.concat([
      encodeAddNetworkRequest({ ContainerID: 'c' }),
      Buffer.from([0xf8, 0x06, 0x01, 0xa2, 0x07, 0x01, 0x41]),
    ]);
    expect(decodeAddNetworkRequest(withExtra)).toMatchObject({
      ContainerID: 'c',
      IfName: '',
      RequiresMultiNICAttachment: false,
    });
  });
  it.each([
    [[0x3a, 0x05, 0x61], /runs past the end/],
    [[0x08], /truncated varint/],
    [[0x0f], /unsupported wire type 7/],
    [[0x00, 0x01], /field number 0/],
  ])('rejects malformed input %j', (bytes, re) => {
    expect(() => decodeAddNetworkRequest(Buffer.from(bytes))).toThrow(WireError);
    expect(() => decodeAddNetworkRequest(Buffer.from(bytes))).toThrow(re);
  });
  it('decodes packed repeated scalars', () => {
    const spec = { name: 't', fields: [{ no: 1, name: 'x', type: 'int32' as const, repeated: true }] };
    expect(decodeMessage<{ x: number[] }>(spec, Buffer.from([0x0a, 0x03, 0x01, 0x02, 0x03])).x).toEqual([1, 2, 3]);
  });
});
