import { PodEniAnnotationError, parsePodEniAnnotation } from './pod-eni-annotation';

const good = {
  eniId: 'eni-0b1',
  ifAddress: '0A:1B:2C:3D:4E:5F',
  privateIp: '10.99.16.7',
  ipv6Addr: '',
  vlanID: 3,
  subnetCidr: '10.99.16.0/20',
  subnetV6Cidr: '',
};

describe('parsePodEniAnnotation', () => {
  it('reads element 0 and lower-cases the MAC', () => {
    expect(parsePodEniAnnotation(JSON.stringify([good, { ...good, vlanID: 9 }]))).toEqual({
      eniId: 'eni-0b1',
      mac: '0a:1b:2c:3d:4e:5f',
      privateIp: '10.99.16.7',
      ipv6Addr: '',
      vlanId: 3,
      subnetCidr: '10.99.16.0/20',
      subnetV6Cidr: '',
    });
  });

  it('accepts an IPv6-only branch', () => {
    const e = parsePodEniAnnotation(
      JSON.stringify([{ ...good, privateIp: undefined, ipv6Addr: 'fd99::5', subnetV6Cidr: 'fd99::/64' }]),
    );
    expect(e).toMatchObject({ privateIp: '', ipv6Addr: 'fd99::5', subnetV6Cidr: 'fd99::/64' });
  });

  it.each([
    ['not JSON', '[{"eniId":', /not JSON/],
    ['not an array', JSON.stringify(good), /not a JSON array/],
    ['an empty array', '[]', /empty array: no branch ENI listed/],
    ['a non-object element', '[7]', /element 0 is not an object/],
    ['no vlanID', JSON.stringify([{ ...good, vlanID: undefined }]), /element 0 has no vlanID/],
    ['vlanID 0', JSON.stringify([{ ...good, vlanID: 0 }]), /vlanID 0 is not an integer in 1..4094/],
    ['vlanID as a string', JSON.stringify([{ ...good, vlanID: '3' }]), /vlanID "3" is not an integer/],
    ['vlanID 4095', JSON.stringify([{ ...good, vlanID: 4095 }]), /vlanID 4095/],
    ['no MAC', JSON.stringify([{ ...good, ifAddress: undefined }]), /ifAddress null is not a MAC address/],
    ['a bad MAC', JSON.stringify([{ ...good, ifAddress: '0a:1b' }]), /ifAddress "0a:1b" is not a MAC address/],
    ['a bad IPv4', JSON.stringify([{ ...good, privateIp: '10.99.16' }]), /privateIp "10.99.16" is not an IPv4/],
    ['an IPv4 as ipv6Addr', JSON.stringify([{ ...good, ipv6Addr: '10.0.0.1' }]), /ipv6Addr "10.0.0.1" is not an IPv6/],
    ['no address', JSON.stringify([{ ...good, privateIp: '' }]), /neither privateIp nor ipv6Addr/],
    ['a number as eniId', JSON.stringify([{ ...good, eniId: 5 }]), /eniId is not a string/],
  ])('rejects %s with a message naming the problem', (_what, value, message) => {
    expect(() => parsePodEniAnnotation(value)).toThrow(PodEniAnnotationError);
    expect(() => parsePodEniAnnotation(value)).toThrow(message);
  });
});
