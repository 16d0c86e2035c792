// SPDX-License-Identifier: Apache-2.0
import { Ec2Error, MemoryLogger } from '../ports';
import { FakeClock } from '../testing';
import { eniManagement } from './eni-management';
import {
  AdditionalEniTagsError,
  eniCreationTags,
  managedEniTags,
  missingTags,
  parseAdditionalEniTags,
  rfc3339,
  TAG_CLUSTER_NAME,
  TAG_CREATED_AT,
  TAG_ENI_OWNER,
  TAG_INSTANCE_ID,
  TAG_NO_MANAGE,
} from './eni-tags';
import { tagManagedEnis } from './eni-tagger';
import { LeakedEniCleanupJob, leakedEniCleanupEnabled, planLeakedEniCleanup } from './leaked-enis';
import { MemoryHygieneApi } from './memory-hygiene-api';

const I = 'i-0123456789abcdef0';
const NOW = Date.parse('2026-11-22T18:00:00Z');

describe('ENI tags', () => {
  it('rfc3339 is seconds precision UTC', () => expect(rfc3339(NOW + 999)).toBe('2026-11-22T18:00:00Z'));

  it.each([
    ['no cluster, no extras', '', undefined, { [TAG_INSTANCE_ID]: I, [TAG_CREATED_AT]: '2026-11-22T18:00:00Z' }],
    [
      'cluster name',
      'prod',
      undefined,
      {
        [TAG_INSTANCE_ID]: I,
        [TAG_CREATED_AT]: '2026-11-22T18:00:00Z',
        [TAG_CLUSTER_NAME]: 'prod',
        [TAG_ENI_OWNER]: 'amazon-vpc-cni',
      },
    ],
    [
      'extras; reserved keys dropped; ours win',
      '',
      { team: 'net', [TAG_INSTANCE_ID]: 'i-evil', 'x.k8s.amazonaws.com/y': 'z', [TAG_ENI_OWNER]: 'me' },
      { team: 'net', [TAG_ENI_OWNER]: 'me', [TAG_INSTANCE_ID]: I, [TAG_CREATED_AT]: '2026-11-22T18:00:00Z' },
    ],
    [
      'extras and cluster: owner is ours',
      'prod',
      { [TAG_ENI_OWNER]: 'me' },
      {
        [TAG_ENI_OWNER]: 'amazon-vpc-cni',
        [TAG_INSTANCE_ID]: I,
        [TAG_CREATED_AT]: '2026-11-22T18:00:00Z',
        [TAG_CLUSTER_NAME]: 'prod',
      },
    ],
  ])('%s', (_c, clusterName, additionalTags, want) => {
    const r = eniCreationTags({ instanceId: I, clusterName, additionalTags, nowMs: NOW });
    expect(r.tags).toEqual(want);
    expect(r.description).toBe(`aws-K8S-${I}`);
  });

  it.each([
    [undefined, {}, []],
    ['', {}, []],
    ['  ', {}, []],
    ['{}', {}, []],
    ['{"a":"1","b":""}', { a: '1', b: '' }, []],
    [
      '{"node.k8s.amazonaws.com/instance_id":"x","cluster.k8s.amazonaws.com/name":"y","k8s.amazonaws.com":"z","ok":"v"}',
      { ok: 'v' },
      ['node.k8s.amazonaws.com/instance_id', 'cluster.k8s.amazonaws.com/name', 'k8s.amazonaws.com'],
    ],
  ])('parseAdditionalEniTags(%j)', (raw, tags, dropped) => {
    expect(parseAdditionalEniTags(raw)).toEqual({ tags, dropped });
  });

  it.each([
    ['{bad', /not valid JSON/],
    ['[1,2]', /must be a JSON object/],
    ['"str"', /must be a JSON object/],
    ['null', /must be a JSON object/],
    ['{"a":1}', /value of "a" must be a string/],
  ])('parseAdditionalEniTags(%j) fails clearly', (raw, msg) => {
    expect(() => parseAdditionalEniTags(raw)).toThrow(AdditionalEniTagsError);
    expect(() => parseAdditionalEniTags(raw)).toThrow(msg);
  });

  it('missingTags', () => {
    expect(missingTags({ a: '1', b: '2' }, { a: '1', b: '3', c: '4' })).toEqual({ b: '3', c: '4' });
    expect(missingTags(undefined, { a: '1' })).toEqual({ a: '1' });
    expect(missingTags({ a: '1', x: 'y' }, { a: '1' })).toEqual({});
  });
});

describe('eniManagement (no_manage rules)', () => {
  const ctx = { instanceId: I, manageUntaggedEni: true, enableMultiNic: false };
  it.each([
    ['primary always', { isPrimary: true, tags: { [TAG_NO_MANAGE]: 'true' } }, ctx, true, 'primary'],
    [
      'no_manage=true',
      { isPrimary: false, tags: { [TAG_NO_MANAGE]: 'true', [TAG_INSTANCE_ID]: I } },
      ctx,
      false,
      'no_manage=true',
    ],
    [
      'no_manage=false',
      { isPrimary: false, tags: { [TAG_NO_MANAGE]: 'false' } },
      { ...ctx, manageUntaggedEni: false },
      true,
      'no_manage-other-value',
    ],
    [
      'no_manage=TRUE is not "true"',
      { isPrimary: false, tags: { [TAG_NO_MANAGE]: 'TRUE' } },
      ctx,
      true,
      'no_manage-other-value',
    ],
    [
      'no_manage empty',
      { isPrimary: false, tags: { [TAG_NO_MANAGE]: '' } },
      { ...ctx, manageUntaggedEni: false },
      true,
      'no_manage-other-value',
    ],
    [
      'this instance',
      { isPrimary: false, tags: { [TAG_INSTANCE_ID]: I } },
      { ...ctx, manageUntaggedEni: false },
      true,
      'tagged-for-this-instance',
    ],
    [
      'other instance, MANAGE_UNTAGGED_ENI=false',
      { isPrimary: false, tags: { [TAG_INSTANCE_ID]: 'i-other' } },
      { ...ctx, manageUntaggedEni: false },
      false,
      'untagged-unmanaged',
    ],
    ['untagged, MANAGE_UNTAGGED_ENI=true', { isPrimary: false }, ctx, true, 'untagged-managed'],
    [
      'untagged, MANAGE_UNTAGGED_ENI=false',
      { isPrimary: false, tags: {} },
      { ...ctx, manageUntaggedEni: false },
      false,
      'untagged-unmanaged',
    ],
    [
      'efa-only interface',
      { isPrimary: false, interfaceType: 'efa-only', tags: { [TAG_INSTANCE_ID]: I } },
      ctx,
      false,
      'efa-only',
    ],
    ['efa (not -only) is managed', { isPrimary: false, interfaceType: 'efa' }, ctx, true, 'untagged-managed'],
    [
      'card 1 without multi-NIC',
      { isPrimary: false, networkCard: 1, tags: { [TAG_INSTANCE_ID]: I } },
      ctx,
      false,
      'other-network-card',
    ],
    [
      'card 1 with multi-NIC',
      { isPrimary: false, networkCard: 1 },
      { ...ctx, enableMultiNic: true },
      true,
      'untagged-managed',
    ],
    [
      'card 1 EFA-only card',
      { isPrimary: false, networkCard: 1 },
      { ...ctx, enableMultiNic: true, efaOnlyCards: new Set([1]) },
      false,
      'efa-only-card',
    ],
    [
      'card 1 no_manage',
      { isPrimary: false, networkCard: 1, tags: { [TAG_NO_MANAGE]: 'true' } },
      { ...ctx, enableMultiNic: true },
      false,
      'no_manage=true',
    ],
  ] as const)('%s', (_c, eni, c, managed, reason) => {
    expect(eniManagement(eni, c)).toEqual({ managed, reason });
  });
});

describe('planLeakedEniCleanup', () => {
  const cand = (id: string, tags: Record<string, string>, description = `aws-K8S-${I}`, status = 'available') => ({
    id,
    description,
    status,
    tags: { [TAG_INSTANCE_ID]: I, ...tags },
  });
  it('deletes old ones, tags undated ones, skips young, foreign and unreadable', () => {
    const p = planLeakedEniCleanup(
      [
        cand('eni-old', { [TAG_CREATED_AT]: rfc3339(NOW - 10 * 60_000) }),
        cand('eni-5min', { [TAG_CREATED_AT]: rfc3339(NOW - 5 * 60_000) }),
        cand('eni-young', { [TAG_CREATED_AT]: rfc3339(NOW - 4 * 60_000) }),
        cand('eni-undated', {}),
        cand('eni-foreign', { [TAG_CREATED_AT]: rfc3339(NOW - 3_600_000) }, 'my own ENI'),
        cand('eni-garbage', { [TAG_CREATED_AT]: 'yesterday' }),
        cand('eni-inuse', { [TAG_CREATED_AT]: rfc3339(NOW - 3_600_000) }, `aws-K8S-${I}`, 'in-use'),
      ],
      NOW,
    );
    expect(p.delete).toEqual(['eni-old', 'eni-5min']);
    expect(p.tagCreatedAt).toEqual(['eni-undated']);
    expect(p.skipped).toEqual([
      { id: 'eni-young', reason: 'too-young' },
      { id: 'eni-foreign', reason: 'not-ours' },
      { id: 'eni-garbage', reason: 'bad-created-at' },
      { id: 'eni-inuse', reason: 'not-available' },
    ]);
  });

  it("start-up pass: this instance's own available ENIs go whatever their age; other nodes' keep the minimum age", () => {
    const other = (id: string, tags: Record<string, string>) => ({
      ...cand(id, tags),
      tags: { [TAG_INSTANCE_ID]: 'i-other', ...tags },
    });
    const p = planLeakedEniCleanup(
      [
        cand('eni-mine-young', { [TAG_CREATED_AT]: rfc3339(NOW - 1000) }),
        cand('eni-mine-undated', {}),
        cand('eni-mine-inuse', {}, `aws-K8S-${I}`, 'in-use'),
        other('eni-other-young', { [TAG_CREATED_AT]: rfc3339(NOW - 1000) }),
      ],
      NOW,
      undefined,
      I,
    );
    expect(p.delete).toEqual(['eni-mine-young', 'eni-mine-undated']);
    expect(p.skipped).toEqual([
      { id: 'eni-mine-inuse', reason: 'not-available' },
      { id: 'eni-other-young', reason: 'too-young' },
    ]);
  });

  it.each([
    [{ ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false }, true],
    [{ ipv6: true, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false }, false],
    [{ ipv6: false, disableNetworkResourceProvisioning: true, disableLeakedEniCleanup: false }, false],
    [{ ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: true }, false],
    [{ ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false, imdsOnly: true }, false],
  ])('enabled(%j) = %s', (s, want) => expect(leakedEniCleanupEnabled(s).enabled).toBe(want));
});

describe('LeakedEniCleanupJob schedule (fake clock)', () => {
  const switches = { ipv6: false, disableNetworkResourceProvisioning: false, disableLeakedEniCleanup: false };
  function world() {
    const api = new MemoryHygieneApi();
    api.add({
      id: 'eni-old',
      vpcId: 'vpc-1',
      status: 'available',
      description: `aws-K8S-${I}`,
      tags: { [TAG_INSTANCE_ID]: I, [TAG_CREATED_AT]: rfc3339(NOW - 3_600_000) },
    });
    api.add({
      id: 'eni-undated',
      vpcId: 'vpc-1',
      status: 'available',
      description: 'aws-K8S-i-other',
      tags: { [TAG_INSTANCE_ID]: 'i-other' },
    });
    api.add({
      id: 'eni-othervpc',
      vpcId: 'vpc-2',
      status: 'available',
      description: `aws-K8S-${I}`,
      tags: { [TAG_INSTANCE_ID]: I, [TAG_CREATED_AT]: rfc3339(NOW - 3_600_000) },
    });
    return api;
  }
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  it('first run after the random initial delay, then hourly; undated ENIs are tagged then deleted 5 min+ later', async () => {
    const api = world();
    const clock = new FakeClock(NOW, 0.5); // initial delay 150 s, interval 1 h x 1.05
    const job = new LeakedEniCleanupJob({
      api,
      clock,
      logger: new MemoryLogger(),
      vpcId: 'vpc-1',
      clusterName: '',
      switches,
    });
    job.start();
    await flush();
    await clock.advance(149_000);
    expect(api.calls.DescribeNetworkInterfaces ?? 0).toBe(0);
    await clock.advance(1_000);
    await flush();
    expect(api.calls.DescribeNetworkInterfaces).toBe(1);
    expect([...api.enis.keys()].sort()).toEqual(['eni-othervpc', 'eni-undated']);
    expect(api.enis.get('eni-undated')!.tags[TAG_CREATED_AT]).toBe(rfc3339(NOW + 150_000));
    await clock.advance(3_779_000);
    await flush();
    expect(api.calls.DescribeNetworkInterfaces).toBe(1);
    await clock.advance(1_000);
    await flush();
    expect(api.calls.DescribeNetworkInterfaces).toBe(2);
    expect([...api.enis.keys()]).toEqual(['eni-othervpc']);
    expect(api.calls.DeleteNetworkInterface).toBe(2);
    expect(api.calls.CreateTags).toBe(1);
    await job.stop();
  });

  it('disabled: never calls EC2', async () => {
    const api = world();
    const clock = new FakeClock(NOW);
    const job = new LeakedEniCleanupJob({
      api,
      clock,
      logger: new MemoryLogger(),
      vpcId: 'vpc-1',
      clusterName: '',
      switches: { ...switches, ipv6: true },
    });
    job.start();
    await clock.advance(10 * 3_600_000);
    await flush();
    expect(api.calls).toEqual({});
    await job.stop();
  });

  it('a failed delete does not stop the others; a failed listing is reported', async () => {
    const api = world();
    api.add({
      id: 'eni-old2',
      vpcId: 'vpc-1',
      status: 'available',
      description: `aws-K8S-${I}`,
      tags: { [TAG_INSTANCE_ID]: I, [TAG_CREATED_AT]: rfc3339(NOW - 3_600_000) },
    });
    api.failures.set('DeleteNetworkInterface', [
      new Ec2Error('DeleteNetworkInterface', 'InvalidNetworkInterface.InUse', 'in use'),
    ]);
    const job = new LeakedEniCleanupJob({
      api,
      clock: new FakeClock(NOW),
      logger: new MemoryLogger(),
      vpcId: 'vpc-1',
      clusterName: '',
      switches,
    });
    const r = await job.runOnce();
    expect(r.deleted).toEqual(['eni-old2']);
    expect(r.failed.map((f) => f.id)).toEqual(['eni-old']);
    api.failures.set('DescribeNetworkInterfaces', [
      new Ec2Error('DescribeNetworkInterfaces', 'UnauthorizedOperation', 'no'),
    ]);
    expect((await job.runOnce()).failed).toEqual([{ id: '*', error: expect.stringMatching(/UnauthorizedOperation/) }]);
  });
});

describe('tagManagedEnis', () => {
  it('tags only what is missing, skips trunks, retries transient errors with backoff', async () => {
    const api = new MemoryHygieneApi();
    for (const id of ['eni-a', 'eni-b', 'eni-t'])
      api.add({ id, vpcId: 'v', status: 'in-use', description: '', tags: {} });
    api.failures.set('CreateTags', [new Ec2Error('CreateTags', 'RequestLimitExceeded', 'slow down')]);
    const clock = new FakeClock(NOW);
    const wanted = managedEniTags({ instanceId: I, clusterName: 'prod' });
    const p = tagManagedEnis(
      [
        { id: 'eni-a', tags: {} },
        { id: 'eni-b', tags: wanted },
        { id: 'eni-t', isTrunk: true },
        { id: 'eni-gone', tags: {} },
      ],
      wanted,
      { api, clock, logger: new MemoryLogger() },
    );
    for (let i = 0; i < 5; i++) {
      await Promise.resolve();
      await clock.advance(1_000);
    }
    const r = await p;
    expect(r).toEqual({ tagged: ['eni-a'], failed: ['eni-gone'] });
    expect(api.calls.CreateTags).toBe(3); // eni-a twice (one throttled), eni-gone once (not found: no retry)
    expect(api.enis.get('eni-a')!.tags).toEqual(wanted);
  });
});
