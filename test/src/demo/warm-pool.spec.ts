import { poolFromEc2, poolFromIntrospection } from './warm-pool';

const cidr = (ip: string, prefix: boolean, assigned: string[]) => ({
  Cidr: { IP: ip, Mask: prefix ? '////8A==' : '/////w==' },
  IPAddresses: Object.fromEntries(
    assigned.map((a) => [a, { Address: a, IPAMKey: { networkName: 'aws-cni', containerID: '', ifName: '' } }]),
  ),
  IsPrefix: prefix,
});

describe('poolFromIntrospection', () => {
  const enis = {
    'eni-a': {
      DeviceNumber: 0,
      AvailableIPv4Cidrs: {
        '10.99.0.5/32': cidr('10.99.0.5', false, ['10.99.0.5']),
        '10.99.0.6/32': {
          ...cidr('10.99.0.6', false, []),
          IPAddresses: { '10.99.0.6': { IPAMKey: { networkName: '', containerID: '', ifName: '' } } },
        },
      },
    },
    'eni-b': {
      DeviceNumber: 1,
      AvailableIPv4Cidrs: { '10.99.0.16/28': cidr('10.99.0.16', true, ['10.99.0.16', '10.99.0.17']) },
    },
  };

  it.each([
    ['upstream shape', { TotalIPs: 18, AssignedIPs: 3, ENIs: enis }],
    ['per network card', { '0': { TotalIPs: 18, AssignedIPs: 3, ENIs: enis } }],
  ])('counts addresses, assigned ones (a cooling address with an empty key is not) and prefixes: %s', (_, json) => {
    expect(poolFromIntrospection(JSON.stringify(json))).toEqual([
      { device: 0, eni: 'eni-a', total: 2, assigned: 1, prefixes: [] },
      { device: 1, eni: 'eni-b', total: 16, assigned: 2, prefixes: ['10.99.0.16/28'] },
    ]);
  });

  it.each(['', 'not json', '404 page not found', 'null', '{}', '{"ENIs":{}}'])('gives undefined for %j', (body) => {
    expect(poolFromIntrospection(body)).toBeUndefined();
  });
});

describe('poolFromEc2', () => {
  it('counts what the checkpoint assigns among each ENI addresses', () => {
    expect(
      poolFromEc2(
        [
          { eni: 'eni-a', device: 0, addresses: ['10.99.0.5', '10.99.0.6'], prefixes: [] },
          { eni: 'eni-b', device: 1, addresses: ['10.99.0.15'], prefixes: [] },
        ],
        [{ containerID: 'c1', ifName: 'eth0', networkName: 'aws-cni', ipv4: '10.99.0.6' }],
      ),
    ).toEqual([
      { device: 0, eni: 'eni-a', total: 2, assigned: 1, prefixes: [] },
      { device: 1, eni: 'eni-b', total: 1, assigned: 0, prefixes: [] },
    ]);
  });
});
