// SPDX-License-Identifier: Apache-2.0
import { Datastore } from '../datastore';
import { FakeClock } from '../testing';
import { daemonSources } from './daemon-sources';
import { viewOfDatastore, type DatastoreView } from './datastore-view';
import { GO_ZERO_TIME, goIpNet, goTimeFromMs, goTimeFromNs } from './go-json';
import { BindAddressError, parseBindAddress } from './http-endpoint';
import { introspect, UPSTREAM_INTROSPECTION_PATHS, type IntrospectionSources } from './introspection-server';
import { availableCommandsJson, enisJson, ipamdEnvJson, networkEnvJson, podsJson } from './views';

const key = (c: string) => ({ networkName: 'aws-cni', containerId: c, ifName: 'eth0' });

const VIEW: DatastoreView = {
  cards: [
    {
      networkCard: 0,
      enis: [
        {
          id: 'eni-b',
          isPrimary: false,
          deviceNumber: 2,
          subnetId: 'subnet-1',
          ipv4Cidrs: [
            {
              cidr: '10.0.1.16/28',
              isPrefix: true,
              addresses: [
                {
                  address: '10.0.1.16',
                  key: key('c1'),
                  metadata: { k8sPodNamespace: 'default', k8sPodName: 'web-1' },
                  assignedAtNs: '1700000000123456789',
                },
                { address: '10.0.1.17', unassignedAtMs: 1700000001500 },
              ],
            },
          ],
        },
        {
          id: 'eni-a',
          isPrimary: true,
          deviceNumber: 0,
          subnetId: 'subnet-1',
          ipv4Cidrs: [
            { cidr: '10.0.0.9/32', isPrefix: false, addresses: [] },
            {
              cidr: '10.0.0.5/32',
              isPrefix: false,
              addresses: [
                {
                  address: '10.0.0.5',
                  key: key('c2'),
                  metadata: { interfacesCount: 1 },
                  assignedAtNs: '1700000000000000000',
                },
              ],
            },
          ],
        },
        {
          id: 'eni-x',
          isPrimary: false,
          deviceNumber: 3,
          excludedForPodIps: true,
          ipv4Cidrs: [{ cidr: '10.0.9.7/32', isPrefix: false, addresses: [] }],
        },
      ],
    },
  ],
};

describe('go-json', () => {
  it.each([
    [undefined, GO_ZERO_TIME],
    ['0', GO_ZERO_TIME],
    ['garbage', GO_ZERO_TIME],
    ['1700000000000000000', '2023-11-14T22:13:20Z'],
    ['1700000000123456789', '2023-11-14T22:13:20.123456789Z'],
    ['1700000000120000000', '2023-11-14T22:13:20.12Z'],
  ])('goTimeFromNs(%s) = %s', (ns, want) => expect(goTimeFromNs(ns)).toBe(want));

  it('goTimeFromMs', () => {
    expect(goTimeFromMs(undefined)).toBe(GO_ZERO_TIME);
    expect(goTimeFromMs(1700000001500)).toBe('2023-11-14T22:13:21.5Z');
  });

  it.each([
    ['10.0.0.5/32', '10.0.0.5', '/////w=='],
    ['10.0.1.16/28', '10.0.1.16', '////8A=='],
    ['10.0.1.17/28', '10.0.1.16', '////8A=='],
    ['10.0.0.0/16', '10.0.0.0', '//8AAA=='],
    ['0.0.0.0/0', '0.0.0.0', 'AAAAAA=='],
    ['2001:db8::/80', '2001:db8::', '/////////////wAAAAAAAA=='],
  ])('goIpNet(%s)', (cidr, ip, mask) => expect(goIpNet(cidr)).toEqual({ IP: ip, Mask: mask }));

  it('goIpNet rejects garbage', () => {
    expect(() => goIpNet('10.0.0.0/33')).toThrow(/not a CIDR/);
    expect(() => goIpNet('10.0.0/8')).toThrow(/not an IPv4/);
  });
});

describe('enisJson', () => {
  const out = enisJson(VIEW);

  it('is keyed by network card, with totals excluding excluded ENIs', () => {
    expect(Object.keys(out)).toEqual(['0']);
    expect(out['0']!.TotalIPs).toBe(16 + 1 + 1);
    expect(out['0']!.AssignedIPs).toBe(2);
    expect(Object.keys(out['0']!.ENIs)).toEqual(['eni-a', 'eni-b', 'eni-x']);
  });

  it('has upstream field names, types and order', () => {
    const a = out['0']!.ENIs['eni-a']!;
    expect(Object.keys(a)).toEqual([
      'ID',
      'IsPrimary',
      'IsTrunk',
      'IsEFA',
      'DeviceNumber',
      'AvailableIPv4Cidrs',
      'IPv6Cidrs',
      'IsExcludedForPodIPs',
      'RouteTableID',
      'SubnetID',
    ]);
    expect(a).toMatchObject({ ID: 'eni-a', IsPrimary: true, IsTrunk: false, IsEFA: false, DeviceNumber: 0 });
    expect(a.RouteTableID).toBe(254);
    expect(out['0']!.ENIs['eni-b']!.RouteTableID).toBe(3);
    expect(out['0']!.ENIs['eni-x']!.IsExcludedForPodIPs).toBe(true);
    expect(a.IPv6Cidrs).toEqual({});
    expect(Object.keys(a.AvailableIPv4Cidrs)).toEqual(['10.0.0.5/32', '10.0.0.9/32']);
    expect(a.AvailableIPv4Cidrs['10.0.0.9/32']).toEqual({
      Cidr: { IP: '10.0.0.9', Mask: '/////w==' },
      IPAddresses: {},
      IsPrefix: false,
      AddressFamily: '',
    });
  });

  it('scrubs containerID and ifName, renders times and omits empty metadata', () => {
    const p = out['0']!.ENIs['eni-b']!.AvailableIPv4Cidrs['10.0.1.16/28']!;
    expect(p.Cidr).toEqual({ IP: '10.0.1.16', Mask: '////8A==' });
    expect(p.IsPrefix).toBe(true);
    expect(p.IPAddresses['10.0.1.16']).toEqual({
      Address: '10.0.1.16',
      IPAMKey: { networkName: 'aws-cni', containerID: '', ifName: '' },
      IPAMMetadata: { k8sPodNamespace: 'default', k8sPodName: 'web-1' },
      AssignedTime: '2023-11-14T22:13:20.123456789Z',
      UnassignedTime: GO_ZERO_TIME,
    });
    expect(p.IPAddresses['10.0.1.17']).toEqual({
      Address: '10.0.1.17',
      IPAMKey: { networkName: '', containerID: '', ifName: '' },
      IPAMMetadata: {},
      AssignedTime: GO_ZERO_TIME,
      UnassignedTime: '2023-11-14T22:13:21.5Z',
    });
    expect(out['0']!.ENIs['eni-a']!.AvailableIPv4Cidrs['10.0.0.5/32']!.IPAddresses['10.0.0.5']!.IPAMMetadata).toEqual({
      interfacesCount: 1,
    });
    expect(JSON.stringify(out)).not.toMatch(/c1|c2|eth0/);
  });
});

describe('podsJson', () => {
  it('lists assigned addresses without container ids', () => {
    const p = podsJson(VIEW);
    expect(Object.keys(p)).toEqual(['10.0.0.5', '10.0.1.16']);
    expect(p['10.0.1.16']).toEqual({
      Address: '10.0.1.16',
      NetworkCard: 0,
      ENI: 'eni-b',
      DeviceNumber: 2,
      RouteTableID: 3,
      K8SPodNamespace: 'default',
      K8SPodName: 'web-1',
      NetworkName: 'aws-cni',
      AssignedTime: '2023-11-14T22:13:20.123456789Z',
    });
  });
});

describe('env settings', () => {
  const host = {
    connmark: 0x80,
    excludeSnatCidrs: [] as string[],
    externalSnat: false,
    externalServiceCidrs: ['10.100.0.0/16'],
    eniMtu: 9001,
    vethPrefix: 'eni',
    nodePortSupport: true,
  };
  it.each([
    ['none', 0],
    ['hashrandom', 1],
    ['prng', 2],
  ] as const)('networkutils RANDOMIZESNAT=%s -> %d', (mode, n) => {
    const j = networkEnvJson({ ...host, randomizeSnat: mode });
    expect(j.AWS_VPC_K8S_CNI_RANDOMIZESNAT).toBe(n);
  });
  it('networkutils keys, sorted like a Go map, nil lists as null', () => {
    const j = networkEnvJson({ ...host, randomizeSnat: 'prng' });
    expect(j).toEqual({
      AWS_EXTERNAL_SERVICE_CIDRS: ['10.100.0.0/16'],
      AWS_VPC_CNI_NODE_PORT_SUPPORT: true,
      AWS_VPC_ENI_MTU: 9001,
      AWS_VPC_K8S_CNI_CONNMARK: 128,
      AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: null,
      AWS_VPC_K8S_CNI_EXTERNALSNAT: false,
      AWS_VPC_K8S_CNI_RANDOMIZESNAT: 2,
      AWS_VPC_K8S_CNI_VETHPREFIX: 'eni',
    });
    expect(Object.keys(j)).toEqual([...Object.keys(j)].sort());
  });
  it('ipamd settings', () => {
    const j = ipamdEnvJson({
      pool: { warmIpTarget: 5, warmEniTarget: 1, manageEnisNonSchedulable: false, enableSubnetDiscovery: true },
      hostNetwork: { customNetwork: true },
    });
    expect(JSON.stringify(j)).toBe(
      '{"AWS_MANAGE_ENIS_NON_SCHEDULABLE":false,"AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG":true,"ENABLE_SUBNET_DISCOVERY":true,"WARM_ENI_TARGET":1,"WARM_IP_TARGET":5}',
    );
  });
  it('available commands are sorted', () => {
    expect(availableCommandsJson(UPSTREAM_INTROSPECTION_PATHS)).toEqual({
      AvailableCommands: ['/v1/eni-configs', '/v1/enis', '/v1/ipamd-env-settings', '/v1/networkutils-env-settings'],
    });
  });
});

describe('introspect routing', () => {
  const src: IntrospectionSources = {
    datastore: () => VIEW,
    config: {
      pool: { warmIpTarget: 0, warmEniTarget: 1, manageEnisNonSchedulable: false, enableSubnetDiscovery: true },
      hostNetwork: {
        customNetwork: false,
        connmark: 128,
        excludeSnatCidrs: [],
        externalSnat: false,
        externalServiceCidrs: [],
        eniMtu: 9001,
        vethPrefix: 'eni',
        nodePortSupport: true,
        randomizeSnat: 'prng',
      },
    },
  };
  it('unknown paths list the commands; eni-configs without a source is 404; pool without a source is 404', async () => {
    for (const p of ['/', '/nope', '/v1', '/v1/enis/extra']) {
      const r = await introspect(p, src);
      expect(r.status).toBe(200);
      expect((r.body as { AvailableCommands: string[] }).AvailableCommands).toContain('/v1/enis');
    }
    expect((await introspect('/v1/eni-configs', src)).status).toBe(404);
    expect((await introspect('/v1/pool', src)).status).toBe(404);
    expect(await introspect('/v1/eni-configs', { ...src, eniConfigName: async () => 'us-west-2a' })).toEqual({
      status: 200,
      body: 'us-west-2a',
    });
    const failing = { ...src, eniConfigName: () => Promise.reject(new Error('forbidden')) };
    expect((await introspect('/v1/eni-configs', failing)).status).toBe(404);
    expect((await introspect('/v1/enis?x=1', src)).status).toBe(200);
  });
  it('/v1/pool reports targets, stats and the block reason', async () => {
    const pool = {
      currentTargets: () => ({ warmEniTarget: 1 }),
      stats: () => ({ total: 9 }),
      blockReason: () => ({ reason: 'eni-limit', detail: 'all 3 ENIs attached and full' }),
    };
    const r = await introspect('/v1/pool', { ...src, pool });
    expect(r).toEqual({
      status: 200,
      body: {
        targets: { warmEniTarget: 1 },
        stats: { total: 9 },
        blocked: { reason: 'eni-limit', detail: 'all 3 ENIs attached and full' },
      },
    });
    const list = (await introspect('/', { ...src, pool })).body as { AvailableCommands: string[] };
    expect(list.AvailableCommands).toContain('/v1/pool');
  });
});

describe('parseBindAddress', () => {
  it.each([
    ['127.0.0.1:61679', { kind: 'tcp', host: '127.0.0.1', port: 61679 }],
    [':61678', { kind: 'tcp', host: undefined, port: 61678 }],
    ['[::1]:80', { kind: 'tcp', host: '::1', port: 80 }],
    ['localhost:0', { kind: 'tcp', host: 'localhost', port: 0 }],
    ['unix:/run/x.sock', { kind: 'unix', path: '/run/x.sock' }],
  ])('%s', (s, want) => expect(parseBindAddress(s)).toEqual(want));
  it.each(['', '127.0.0.1', ':70000', 'unix:relative.sock', 'a:b', '1.2.3.4:80:90'])('rejects %j', (s) => {
    expect(() => parseBindAddress(s)).toThrow(BindAddressError);
  });
});

describe('viewOfDatastore', () => {
  it('reads ENIs, CIDRs and assignments from the datastore', () => {
    const ds = new Datastore({ prefixMode: false, cooldownMs: 30_000 });
    ds.addEni({ id: 'eni-1', deviceNumber: 0, isPrimary: true, subnetId: 's', primaryIp: '10.0.0.4', createdAt: 0 });
    ds.addEni({ id: 'eni-2', deviceNumber: 1, isPrimary: false, subnetId: 's', primaryIp: '10.0.0.20', createdAt: 0 });
    ds.addCidr('eni-1', '10.0.0.5', false);
    ds.addCidr('eni-2', '10.0.0.21', false);
    ds.addCidr('eni-2', '10.0.0.22', false);
    const g1 = ds.assign(key('a'), { k8sPodNamespace: 'ns', k8sPodName: 'p1' }, 1_700_000_000_000)!;
    const g2 = ds.assign(key('b'), { k8sPodNamespace: 'ns', k8sPodName: 'p2' }, 1_700_000_000_000)!;
    ds.unassign(key('b'), 1_700_000_001_000);
    const v = viewOfDatastore(ds, 1_700_000_002_000, { subnetOf: (id) => `subnet-of-${id}` });
    const j = enisJson(v);
    expect(j['0']!.TotalIPs).toBe(3);
    expect(j['0']!.AssignedIPs).toBe(1);
    expect(j['0']!.ENIs['eni-1']!.SubnetID).toBe('subnet-of-eni-1');
    expect(
      j['0']!.ENIs['eni-1']!.AvailableIPv4Cidrs[`${g1.address}/32`]!.IPAddresses[g1.address]!.IPAMMetadata,
    ).toEqual({
      k8sPodNamespace: 'ns',
      k8sPodName: 'p1',
    });
    expect(g2.eniId).toBe('eni-2');
    expect(v.cards[0]!.enis.find((e) => e.id === 'eni-2')!.coolingCount).toBe(1);
  });
});

describe('daemonSources', () => {
  it('is empty and "starting" before the daemon runs, live after', async () => {
    const daemon: {
      store: Datastore | undefined;
      poolManager: undefined | { currentTargets(): object; stats(): object; blockReason(): undefined };
    } = {
      store: undefined,
      poolManager: undefined,
    };
    const s = daemonSources(daemon, new FakeClock(), { subnetOf: () => 'subnet-9' });
    expect(s.datastore()).toEqual({ cards: [] });
    expect(s.pool.blockReason()).toMatchObject({ reason: 'starting' });
    const ds = new Datastore({ prefixMode: false, cooldownMs: 0 });
    ds.addEni({ id: 'eni-1', deviceNumber: 0, isPrimary: true, subnetId: 's', primaryIp: '10.0.0.4', createdAt: 0 });
    daemon.store = ds;
    daemon.poolManager = {
      currentTargets: () => ({ maxEnis: 3 }),
      stats: () => ({ total: 0 }),
      blockReason: () => undefined,
    };
    expect(enisJson(s.datastore())['0']!.ENIs['eni-1']!.SubnetID).toBe('subnet-9');
    expect(s.pool.currentTargets()).toEqual({ maxEnis: 3 });
    expect(s.pool.blockReason()).toBeUndefined();
  });
});
