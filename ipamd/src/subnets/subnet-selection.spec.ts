// SPDX-License-Identifier: Apache-2.0
import type { Subnet } from '../domain/types';
import { Ec2Error, MemoryLogger } from '../ports';
import { MemorySubnetDirectory } from './subnet-directory';
import { inFirstSubnetWithRoom, SubnetDiscovery } from './subnet-discovery';
import {
  CLUSTER_TAG_PREFIX,
  CNI_ROLE_TAG,
  excludedEniIds,
  isSubnetExcludedForPodIps,
  selectEniSubnets,
  subnetVerdict,
} from './subnet-selection';

const sn = (id: string, free: number, tags?: Record<string, string>, extra: Partial<Subnet> = {}): Subnet => ({
  id,
  cidr: '10.0.0.0/20',
  availabilityZone: 'us-west-2a',
  availableIpAddressCount: free,
  vpcId: 'vpc-1',
  tags,
  ...extra,
});
const PRIMARY = 'subnet-primary';
const ctx = { primarySubnetId: PRIMARY, clusterName: '', vpcId: 'vpc-1', availabilityZone: 'us-west-2a' };
const mine = CLUSTER_TAG_PREFIX + 'prod';
const other = CLUSTER_TAG_PREFIX + 'dev';

describe('subnetVerdict', () => {
  it.each([
    // [case, subnet id, tags, cluster name, eligible, reason]
    ['primary untagged', PRIMARY, undefined, '', true, 'primary-subnet'],
    ['primary tagged 1', PRIMARY, { [CNI_ROLE_TAG]: '1' }, '', true, 'primary-subnet'],
    ['primary tagged empty value', PRIMARY, { [CNI_ROLE_TAG]: '' }, '', true, 'primary-subnet'],
    ['primary tagged 0', PRIMARY, { [CNI_ROLE_TAG]: '0' }, '', false, 'tagged-0'],
    ['secondary untagged', 'subnet-b', undefined, '', false, 'not-tagged'],
    [
      'secondary with unrelated tags',
      'subnet-b',
      { Name: 'x', 'kubernetes.io/role/elb': '1' },
      '',
      false,
      'not-tagged',
    ],
    ['secondary tagged 1', 'subnet-b', { [CNI_ROLE_TAG]: '1' }, '', true, 'tagged-for-cni'],
    ['secondary tagged empty value', 'subnet-b', { [CNI_ROLE_TAG]: '' }, '', true, 'tagged-for-cni'],
    ['secondary tagged "true"', 'subnet-b', { [CNI_ROLE_TAG]: 'true' }, '', true, 'tagged-for-cni'],
    ['secondary tagged 0', 'subnet-b', { [CNI_ROLE_TAG]: '0' }, '', false, 'tagged-0'],
    [
      'secondary tagged 0 and this cluster',
      'subnet-b',
      { [CNI_ROLE_TAG]: '0', [mine]: '1' },
      'prod',
      false,
      'tagged-0',
    ],
    [
      'secondary tagged, this cluster',
      'subnet-b',
      { [CNI_ROLE_TAG]: '1', [mine]: '1' },
      'prod',
      true,
      'tagged-for-cni',
    ],
    [
      'secondary tagged, this and other cluster',
      'subnet-b',
      { [CNI_ROLE_TAG]: '1', [mine]: '', [other]: '' },
      'prod',
      true,
      'tagged-for-cni',
    ],
    [
      'secondary tagged, other cluster only',
      'subnet-b',
      { [CNI_ROLE_TAG]: '1', [other]: '1' },
      'prod',
      false,
      'other-cluster',
    ],
    ['secondary tagged, no cluster tags', 'subnet-b', { [CNI_ROLE_TAG]: '1' }, 'prod', true, 'tagged-for-cni'],
    [
      'cluster tags ignored without CLUSTER_NAME',
      'subnet-b',
      { [CNI_ROLE_TAG]: '1', [other]: '1' },
      '',
      true,
      'tagged-for-cni',
    ],
    [
      'old kubernetes.io/cluster tag is not a cluster tag',
      'subnet-b',
      { [CNI_ROLE_TAG]: '1', 'kubernetes.io/cluster/dev': 'shared' },
      'prod',
      true,
      'tagged-for-cni',
    ],
    ['primary carrying another cluster tag', PRIMARY, { [other]: '1' }, 'prod', false, 'other-cluster'],
    ['primary carrying this cluster tag', PRIMARY, { [mine]: '1' }, 'prod', true, 'primary-subnet'],
  ] as const)('%s', (_case, id, tags, clusterName, eligible, reason) => {
    expect(subnetVerdict(sn(id, 10, tags as Record<string, string> | undefined), { ...ctx, clusterName })).toEqual({
      eligible,
      reason,
    });
  });

  it('refuses subnets of another AZ or VPC', () => {
    expect(subnetVerdict(sn('s', 1, { [CNI_ROLE_TAG]: '1' }, { availabilityZone: 'us-west-2b' }), ctx).reason).toBe(
      'other-az',
    );
    expect(subnetVerdict(sn('s', 1, { [CNI_ROLE_TAG]: '1' }, { vpcId: 'vpc-2' }), ctx).reason).toBe('other-vpc');
  });
});

describe('selectEniSubnets', () => {
  const subnets = [
    sn(PRIMARY, 100),
    sn('subnet-a', 500, { [CNI_ROLE_TAG]: '1' }),
    sn('subnet-b', 50, { [CNI_ROLE_TAG]: '1' }),
    sn('subnet-c', 9000),
    sn('subnet-d', 8000, { [CNI_ROLE_TAG]: '0' }),
    sn('subnet-e', 500, { [CNI_ROLE_TAG]: 'yes' }),
  ];
  it('sorts eligible subnets by free addresses, descending, ties by id', () => {
    const r = selectEniSubnets({ ...ctx, discovery: true, subnets });
    expect(r.subnetIds).toEqual(['subnet-a', 'subnet-e', PRIMARY, 'subnet-b']);
    expect(r.source).toBe('discovery');
    expect(r.verdicts['subnet-c']).toEqual({ eligible: false, reason: 'not-tagged' });
    expect(r.verdicts['subnet-d']).toEqual({ eligible: false, reason: 'tagged-0' });
  });
  it('primary tagged 0 drops out', () => {
    const r = selectEniSubnets({
      ...ctx,
      discovery: true,
      subnets: [sn(PRIMARY, 100, { [CNI_ROLE_TAG]: '0' }), subnets[2]!],
    });
    expect(r.subnetIds).toEqual(['subnet-b']);
  });
  it('everything excluded gives an empty list', () => {
    const r = selectEniSubnets({
      ...ctx,
      discovery: true,
      subnets: [sn(PRIMARY, 100, { [CNI_ROLE_TAG]: '0' }), sn('x', 5)],
    });
    expect(r.subnetIds).toEqual([]);
  });
  it('primary missing from the describe result is not added', () => {
    const r = selectEniSubnets({ ...ctx, discovery: true, subnets: [subnets[1]!] });
    expect(r.subnetIds).toEqual(['subnet-a']);
  });
  it('discovery off: the primary subnet only, whatever the tags', () => {
    const r = selectEniSubnets({ ...ctx, discovery: false, subnets });
    expect(r).toEqual({ subnetIds: [PRIMARY], verdicts: {}, source: 'disabled' });
  });
  it.each([
    ['unknown primary tags', undefined, [PRIMARY]],
    ['primary untagged', sn(PRIMARY, 1), [PRIMARY]],
    ['primary tagged 1', sn(PRIMARY, 1, { [CNI_ROLE_TAG]: '1' }), [PRIMARY]],
    ['primary tagged 0', sn(PRIMARY, 1, { [CNI_ROLE_TAG]: '0' }), []],
  ])('DescribeSubnets failed, %s', (_c, primarySubnet, want) => {
    const r = selectEniSubnets({ ...ctx, discovery: true, subnets: undefined, primarySubnet });
    expect(r.subnetIds).toEqual(want);
    expect(r.source).toBe('fallback');
  });
  it('cluster rule applies during selection', () => {
    const r = selectEniSubnets({
      ...ctx,
      clusterName: 'prod',
      discovery: true,
      subnets: [
        sn(PRIMARY, 1),
        sn('mine', 10, { [CNI_ROLE_TAG]: '1', [mine]: '1' }),
        sn('theirs', 99, { [CNI_ROLE_TAG]: '1', [other]: '1' }),
      ],
    });
    expect(r.subnetIds).toEqual(['mine', PRIMARY]);
  });
});

describe('exclusion for pod IPs', () => {
  const subnets = [sn('s-ok', 1), sn('s-zero', 1, { [CNI_ROLE_TAG]: '0' }), sn('s-one', 1, { [CNI_ROLE_TAG]: '1' })];
  it.each([
    ['s-ok', false],
    ['s-zero', true],
    ['s-one', false],
    ['s-unknown (cross-account)', false],
  ])('%s -> %s', (id, want) => expect(isSubnetExcludedForPodIps(id, subnets)).toBe(want));
  it('unknown subnets list excludes nothing', () => expect(isSubnetExcludedForPodIps('s-zero', undefined)).toBe(false));
  it('excludedEniIds includes the primary ENI', () => {
    expect(
      excludedEniIds(
        [
          { id: 'eni-primary', subnetId: 's-zero' },
          { id: 'eni-2', subnetId: 's-ok' },
          { id: 'eni-3', subnetId: 's-zero' },
        ],
        subnets,
      ),
    ).toEqual(['eni-primary', 'eni-3']);
  });
});

describe('SubnetDiscovery', () => {
  const node = { vpcId: 'vpc-1', availabilityZone: 'us-west-2a', primarySubnetId: PRIMARY };
  const dir = () =>
    new MemorySubnetDirectory([
      sn(PRIMARY, 10),
      sn('subnet-a', 99, { [CNI_ROLE_TAG]: '1' }),
      sn('subnet-z', 500, { [CNI_ROLE_TAG]: '1' }, { availabilityZone: 'us-west-2b' }),
      sn('subnet-x', 5, { [CNI_ROLE_TAG]: '0' }),
    ]);
  it('one describe per selection; other AZs never seen', async () => {
    const d = dir();
    const s = new SubnetDiscovery({
      directory: d,
      logger: new MemoryLogger(),
      node,
      config: { enableSubnetDiscovery: true, clusterName: '' },
    });
    expect((await s.eniSubnets()).subnetIds).toEqual(['subnet-a', PRIMARY]);
    expect(d.calls).toBe(1);
    expect(
      await s.excludedEnis([
        { id: 'eni-1', subnetId: 'subnet-x' },
        { id: 'eni-0', subnetId: PRIMARY },
      ]),
    ).toEqual(['eni-1']);
    expect(d.calls).toBe(2);
  });
  it('discovery off: no EC2 call', async () => {
    const d = dir();
    const s = new SubnetDiscovery({
      directory: d,
      logger: new MemoryLogger(),
      node,
      config: { enableSubnetDiscovery: false, clusterName: '' },
    });
    expect((await s.eniSubnets()).subnetIds).toEqual([PRIMARY]);
    expect(await s.excludedEnis([{ id: 'eni-1', subnetId: 'subnet-x' }])).toEqual([]);
    expect(d.calls).toBe(0);
  });
  it('describe failure (missing IAM permission) falls back to the primary subnet and logs it', async () => {
    const d = dir();
    d.failWith = new Ec2Error('DescribeSubnets', 'UnauthorizedOperation', 'not allowed');
    const log = new MemoryLogger();
    const s = new SubnetDiscovery({
      directory: d,
      logger: log,
      node,
      config: { enableSubnetDiscovery: true, clusterName: '' },
    });
    const r = await s.eniSubnets();
    expect(r).toMatchObject({ subnetIds: [PRIMARY], source: 'fallback' });
    expect(log.lines.some((l) => l.level === 'warn' && /DescribeSubnets failed/.test(l.msg))).toBe(true);
    expect(await s.excludedEnis([{ id: 'eni-1', subnetId: 'subnet-x' }])).toEqual([]);
  });
});

describe('inFirstSubnetWithRoom', () => {
  it('moves past full subnets, stops at other errors', async () => {
    const tried: string[] = [];
    const r = await inFirstSubnetWithRoom(['a', 'b', 'c'], async (id) => {
      tried.push(id);
      if (id === 'a') throw new Ec2Error('CreateNetworkInterface', 'InsufficientFreeAddressesInSubnet', 'full');
      if (id === 'b') throw new Ec2Error('CreateNetworkInterface', 'InsufficientCidrBlocks', 'fragmented');
      return `eni-in-${id}`;
    });
    expect(r).toEqual({ subnetId: 'c', result: 'eni-in-c' });
    expect(tried).toEqual(['a', 'b', 'c']);
    await expect(
      inFirstSubnetWithRoom(['a', 'b'], async () => {
        throw new Ec2Error('CreateNetworkInterface', 'UnauthorizedOperation', 'no');
      }),
    ).rejects.toMatchObject({ code: 'UnauthorizedOperation' });
    await expect(
      inFirstSubnetWithRoom(['a'], async () => {
        throw new Ec2Error('CreateNetworkInterface', 'InsufficientFreeAddressesInSubnet', 'full');
      }),
    ).rejects.toMatchObject({ code: 'InsufficientFreeAddressesInSubnet' });
    await expect(inFirstSubnetWithRoom([], async () => 1)).rejects.toThrow(/no subnet is eligible/);
  });
});
