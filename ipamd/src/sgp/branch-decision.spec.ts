import { BRANCH_IPV6_GATEWAY, type BranchPodFacts, decideBranchAdd, decideBranchDel } from './branch-decision';
import { POD_ENI_ANNOTATION } from './pod-eni-annotation';

const eni = {
  eniId: 'eni-0b1',
  ifAddress: '0a:1b:2c:3d:4e:5f',
  privateIp: '10.99.16.7',
  ipv6Addr: 'fd99:0:0:ff01::7',
  vlanID: 3,
  subnetCidr: '10.99.16.0/20',
  subnetV6Cidr: 'fd99:0:0:ff01::/64',
};
const pod = (over: Partial<BranchPodFacts> = {}, annotation: unknown = [eni]): BranchPodFacts => ({
  namespace: 'shop',
  name: 'cart-1',
  podEniRequested: true,
  annotations: annotation === null ? {} : { [POD_ENI_ANNOTATION]: JSON.stringify(annotation) },
  ...over,
});
const trunk = { eniId: 'eni-trunk', mac: '02:00:00:00:00:aa' };

describe('decideBranchAdd', () => {
  it('sends a pod that does not request pod-eni to the datastore, whatever its annotations', () => {
    expect(decideBranchAdd({ pod: pod({ podEniRequested: false }), ipv6: false, trunk, trunkIfIndex: 4 })).toEqual({
      kind: 'datastore',
    });
  });

  it('IPv4: VLAN, MAC, subnet base + 1 as gateway, trunk ifindex and the private IP', () => {
    expect(decideBranchAdd({ pod: pod(), ipv6: false, trunk, trunkIfIndex: 4 })).toEqual({
      kind: 'branch',
      attachment: {
        vlanId: 3,
        eniMac: '0a:1b:2c:3d:4e:5f',
        subnetGateway: '10.99.16.1',
        parentIfIndex: 4,
        address: '10.99.16.7',
        family: 4,
      },
    });
  });

  it('IPv4: a subnet CIDR written with host bits still gives the network base + 1', () => {
    const d = decideBranchAdd({
      pod: pod({}, [{ ...eni, subnetCidr: '192.168.37.77/26' }]),
      ipv6: false,
      trunk,
      trunkIfIndex: 4,
    });
    expect(d).toMatchObject({ kind: 'branch', attachment: { subnetGateway: '192.168.37.65' } });
  });

  it('IPv6: fe80:ec2::1 as gateway and the IPv6 address', () => {
    expect(decideBranchAdd({ pod: pod(), ipv6: true, trunk, trunkIfIndex: 9 })).toEqual({
      kind: 'branch',
      attachment: {
        vlanId: 3,
        eniMac: '0a:1b:2c:3d:4e:5f',
        subnetGateway: BRANCH_IPV6_GATEWAY,
        parentIfIndex: 9,
        address: 'fd99:0:0:ff01::7',
        family: 6,
      },
    });
  });

  it('no annotation yet: names the pod, the annotation and the controller', () => {
    expect(decideBranchAdd({ pod: pod({}, null), ipv6: false, trunk, trunkIfIndex: 4 })).toEqual({
      kind: 'fail',
      reason: 'no-annotation',
      message:
        'pod shop/cart-1 requests vpc.amazonaws.com/pod-eni but has no vpc.amazonaws.com/pod-eni annotation yet: the VPC resource controller has not attached its branch ENI',
    });
  });

  it.each([
    ['malformed JSON', '[{', /annotation vpc.amazonaws.com\/pod-eni is unusable: not JSON/],
    ['an empty array', '[]', /unusable: empty array/],
    ['no vlanID', JSON.stringify([{ ...eni, vlanID: undefined }]), /unusable: element 0 has no vlanID/],
    ['no subnetCidr', JSON.stringify([{ ...eni, subnetCidr: '' }]), /no subnetCidr \(needed for the gateway\)/],
    [
      'a bad subnetCidr',
      JSON.stringify([{ ...eni, subnetCidr: '10.99/x' }]),
      /subnetCidr "10.99\/x" is not an IPv4 CIDR/,
    ],
    [
      'no IPv4 in an IPv4 cluster',
      JSON.stringify([{ ...eni, privateIp: '' }]),
      /IPv4 cluster but element 0 has no privateIp/,
    ],
  ])('IPv4, %s: bad-annotation naming the problem', (_what, raw, message) => {
    const d = decideBranchAdd({
      pod: pod({ annotations: { [POD_ENI_ANNOTATION]: raw } }),
      ipv6: false,
      trunk,
      trunkIfIndex: 4,
    });
    expect(d).toMatchObject({ kind: 'fail', reason: 'bad-annotation' });
    expect(d.kind === 'fail' && d.message).toMatch(message);
    expect(d.kind === 'fail' && d.message).toMatch(/^pod shop\/cart-1: /);
  });

  it('IPv6 cluster without ipv6Addr: bad-annotation', () => {
    const d = decideBranchAdd({ pod: pod({}, [{ ...eni, ipv6Addr: '' }]), ipv6: true, trunk, trunkIfIndex: 4 });
    expect(d).toMatchObject({ kind: 'fail', reason: 'bad-annotation' });
    expect(d.kind === 'fail' && d.message).toMatch(/IPv6 cluster but element 0 has no ipv6Addr/);
  });

  it('no trunk seen yet, then a trunk without a link: failures naming the trunk', () => {
    const noTrunk = decideBranchAdd({ pod: pod(), ipv6: false });
    expect(noTrunk).toMatchObject({ kind: 'fail', reason: 'no-trunk' });
    expect(noTrunk.kind === 'fail' && noTrunk.message).toMatch(
      /pod shop\/cart-1 has branch ENI eni-0b1 but ipamd has not seen a trunk ENI on this node yet/,
    );
    const noLink = decideBranchAdd({ pod: pod(), ipv6: false, trunk });
    expect(noLink).toMatchObject({ kind: 'fail', reason: 'no-trunk-link' });
    expect(noLink.kind === 'fail' && noLink.message).toMatch(
      /the trunk ENI eni-trunk \(MAC 02:00:00:00:00:aa\) has no network interface on this node yet/,
    );
  });
});

describe('decideBranchDel', () => {
  it('a branch pod: its VLAN and the address of the family', () => {
    expect(decideBranchDel(pod(), false)).toEqual({ vlanId: 3, address: '10.99.16.7', family: 4 });
    expect(decideBranchDel(pod(), true)).toEqual({ vlanId: 3, address: 'fd99:0:0:ff01::7', family: 6 });
  });

  it('pod gone, not a branch pod, no or unusable annotation: undefined (the datastore answer stands)', () => {
    expect(decideBranchDel(undefined, false)).toBeUndefined();
    expect(decideBranchDel(pod({ podEniRequested: false }), false)).toBeUndefined();
    expect(decideBranchDel(pod({}, null), false)).toBeUndefined();
    expect(decideBranchDel(pod({ annotations: { [POD_ENI_ANNOTATION]: '[]' } }), false)).toBeUndefined();
  });
});
