import {
  decodeAddNetworkReply,
  decodeDelNetworkReply,
  decodeIpAllocationMetadata,
  encodeAddNetworkReply,
  encodeAddNetworkRequest,
  encodeDelNetworkRequest,
  encodeIpAllocationMetadata,
} from './messages';
import { decodeGrpcMessage, frame, unframe } from './grpc-common';
import { ProtoWriter, readFields } from './proto-wire';

const hex = (b: Buffer): string => b.toString('hex');

describe('protobuf wire encoding', () => {
  it('encodes strings, bools and positive int32 as protoc does', () => {
    // field 1 "ab" -> 0a 02 61 62; field 9 true -> 48 01; field 3 = 300 -> 18 ac 02
    expect(hex(new ProtoWriter().string(1, 'ab').bool(9, true).int32(3, 300).finish())).toBe('0a0261624801' + '18ac02');
  });
  it('encodes negative int32 as a 10-byte varint and decodes it back', () => {
    const b = new ProtoWriter().int32(3, -1).finish();
    expect(hex(b)).toBe('18ffffffffffffffffff01');
    expect(decodeIpAllocationMetadata(b).deviceNumber).toBe(-1);
  });
  it('omits proto3 defaults', () => {
    expect(new ProtoWriter().string(1, '').bool(2, false).int32(3, 0).finish()).toHaveLength(0);
  });
  it('skips unknown fields of every wire type', () => {
    const b = Buffer.concat([
      Buffer.from('0d01020304', 'hex'), // field 1 fixed32
      Buffer.from('110102030405060708', 'hex'), // field 2 fixed64
      new ProtoWriter().string(1, '10.99.0.1').int32(4, 3).string(99, 'future').finish(),
    ]);
    expect(decodeIpAllocationMetadata(b)).toEqual({
      ipv4Addr: '10.99.0.1',
      ipv6Addr: '',
      deviceNumber: 0,
      routeTableId: 3,
    });
  });
  it('rejects truncated input', () => {
    expect(() => readFields(Buffer.from('0a05616263', 'hex'))).toThrow(RangeError);
    expect(() => readFields(Buffer.from('18ff', 'hex'))).toThrow(RangeError);
    expect(() => readFields(Buffer.from('0f', 'hex'))).toThrow(/wire type/);
  });
});

describe('rpc.CNIBackend messages', () => {
  it('AddNetworkRequest uses upstream field numbers', () => {
    const b = encodeAddNetworkRequest({
      clientVersion: 'v',
      k8sPodName: 'p',
      k8sPodNamespace: 'n',
      k8sPodInfraContainerId: 'i',
      containerId: 'c',
      ifName: 'eth0',
      networkName: 'aws-cni',
      netns: '/x',
      requiresMultiNicAttachment: true,
    });
    const fields = Object.fromEntries(readFields(b).map((f) => [f.field, f.wire === 2 ? f.bytes.toString() : f.value]));
    expect(fields).toEqual({ 1: 'p', 2: 'n', 3: 'i', 4: '/x', 5: 'eth0', 6: 'aws-cni', 7: 'c', 8: 'v', 9: 1n });
  });
  it('DelNetworkRequest uses upstream field numbers', () => {
    const b = encodeDelNetworkRequest({
      clientVersion: 'v',
      k8sPodName: 'p',
      k8sPodNamespace: 'n',
      k8sPodInfraContainerId: 'i',
      k8sPodUid: 'u',
      reason: 'PodDeleted',
      containerId: 'c',
      ifName: 'eth0',
      networkName: 'aws-cni',
    });
    const fields = Object.fromEntries(readFields(b).map((f) => [f.field, f.wire === 2 ? f.bytes.toString() : f.value]));
    expect(fields).toEqual({
      1: 'p',
      2: 'n',
      3: 'i',
      5: 'PodDeleted',
      6: 'eth0',
      7: 'aws-cni',
      8: 'c',
      9: 'v',
      10: 'u',
    });
  });
  it('AddNetworkReply round-trips with repeated metadata and CIDRs', () => {
    const reply = {
      success: true,
      ipAllocationMetadata: [
        { ipv4Addr: '10.99.1.5', ipv6Addr: '', deviceNumber: 0, routeTableId: 254 },
        { ipv4Addr: '10.99.3.7', ipv6Addr: '', deviceNumber: 1, routeTableId: 10101 },
      ],
      useExternalSnat: true,
      vpcV4Cidrs: ['10.99.0.0/16', '10.98.0.0/16'],
      vpcV6Cidrs: ['fd99::/64'],
      podVlanId: 7,
      podEniMac: '0a:00:00:00:00:07',
      podEniSubnetGw: '10.99.8.1',
      parentIfIndex: 3,
      networkPolicyMode: 'standard',
    };
    expect(decodeAddNetworkReply(encodeAddNetworkReply(reply))).toEqual(reply);
  });
  it('DelNetworkReply decodes fields 1, 2, 4, 6', () => {
    const b = new ProtoWriter()
      .bool(1, true)
      .bytes(2, encodeIpAllocationMetadata({ ipv4Addr: '', ipv6Addr: 'fd99::5', deviceNumber: 2, routeTableId: 3 }))
      .int32(4, 9)
      .string(6, 'strict')
      .finish();
    expect(decodeDelNetworkReply(b)).toEqual({
      success: true,
      ipAllocationMetadata: [{ ipv4Addr: '', ipv6Addr: 'fd99::5', deviceNumber: 2, routeTableId: 3 }],
      podVlanId: 9,
      networkPolicyMode: 'strict',
    });
  });
});

describe('gRPC framing', () => {
  it('frames with a 5-byte prefix and unframes', () => {
    const f = frame(Buffer.from('abc'));
    expect(hex(f)).toBe('0000000003616263');
    expect(unframe(f).toString()).toBe('abc');
    expect(() => unframe(Buffer.from('00000000', 'hex'))).toThrow(/no gRPC frame/);
    expect(() => unframe(Buffer.from('0100000000', 'hex'))).toThrow(/compressed/);
    expect(() => unframe(Buffer.from('000000000561', 'hex'))).toThrow(/announces 5/);
  });
  it('percent-decodes grpc-message', () => {
    expect(decodeGrpcMessage('datastore%3A%20unknown%20pod')).toBe('datastore: unknown pod');
    expect(decodeGrpcMessage('100%')).toBe('100%');
  });
});
