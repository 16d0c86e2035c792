// SPDX-License-Identifier: Apache-2.0
import { HOST_NETNS, netnsByName } from '../netns';
import { FakeFirewall } from './fake-firewall';
import { FakeKernel } from './fake-kernel';
import { FakeTrafficControl } from './fake-traffic-control';

describe('FakeFirewall', () => {
  it('keeps iptables state per namespace and family, idempotently', async () => {
    const fw = new FakeFirewall({ backend: 'legacy' });
    expect(await fw.detectBackend()).toBe('legacy');
    const ops = [
      {
        kind: 'replace-chain',
        table: 'nat',
        chain: 'AWS-SNAT-CHAIN-0',
        rules: [
          ['-d', '10.99.0.0/16', '-j', 'RETURN'],
          ['-j', 'SNAT', '--to-source', '10.99.0.5', '--random-fully'],
        ],
      },
      {
        kind: 'ensure-rule',
        table: 'nat',
        chain: 'POSTROUTING',
        args: ['-m', 'comment', '--comment', 'AWS SNAT CHAIN', '-j', 'AWS-SNAT-CHAIN-0'],
      },
    ] as const;
    expect(await fw.applyIptables(HOST_NETNS, 4, ops)).toEqual({ changes: 2, spawns: 2 });
    expect(await fw.applyIptables(HOST_NETNS, 4, ops)).toEqual({ changes: 0, spawns: 1 });
    expect((await fw.listIptablesRules(HOST_NETNS, 4, 'nat', 'AWS-SNAT-CHAIN-0')).map((r) => r.args.join(' '))).toEqual(
      ['-d 10.99.0.0/16 -j RETURN', '-j SNAT --to-source 10.99.0.5 --random-fully'],
    );
    expect(await fw.listIptablesRules(HOST_NETNS, 6, 'nat')).toEqual([]);
    expect(await fw.listIptablesRules(netnsByName('pod'), 4, 'nat')).toEqual([]);
    await fw.applyIptables(HOST_NETNS, 4, [{ kind: 'delete-chain', table: 'nat', chain: 'AWS-SNAT-CHAIN-0' }]);
    expect(await fw.listIptablesChains(HOST_NETNS, 4, 'nat')).toEqual(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  });

  it('rejects a jump to a missing chain and applies nothing', async () => {
    const fw = new FakeFirewall();
    await expect(
      fw.applyIptables(HOST_NETNS, 4, [
        { kind: 'ensure-rule', table: 'nat', chain: 'POSTROUTING', args: ['-j', 'NOPE'] },
      ]),
    ).rejects.toMatchObject({ kind: 'not-found' });
    expect(await fw.listIptablesRules(HOST_NETNS, 4, 'nat', 'POSTROUTING')).toEqual([]);
  });

  it('nft tables', async () => {
    const fw = new FakeFirewall();
    const spec = {
      family: 'ip',
      name: 'aws-cni',
      chains: [
        {
          name: 'nat-prerouting',
          type: 'nat',
          hook: 'prerouting',
          priority: -90,
          rules: ['fib daddr type local return'],
        },
      ],
    } as const;
    await fw.applyNftTable(HOST_NETNS, spec);
    await fw.applyNftTable(HOST_NETNS, spec);
    const t = await fw.listNftTable(HOST_NETNS, 'ip', 'aws-cni');
    expect(t?.chains).toEqual([
      { name: 'nat-prerouting', type: 'nat', hook: 'prerouting', priority: -90, policy: 'accept' },
    ]);
    expect(t?.rules).toHaveLength(1);
    await fw.deleteNftTable(HOST_NETNS, 'ip', 'aws-cni');
    await fw.deleteNftTable(HOST_NETNS, 'ip', 'aws-cni');
    expect(await fw.listNftTable(HOST_NETNS, 'ip', 'aws-cni')).toBeUndefined();
    await expect(
      fw.applyNftTable(HOST_NETNS, {
        family: 'ip',
        name: 't',
        chains: [{ name: 'c', rules: ['accept; flush ruleset'] }],
      }),
    ).rejects.toMatchObject({ kind: 'invalid-argument' });
  });
});

describe('FakeTrafficControl', () => {
  it('tbf, ingress and redirect to an ifb, with devices checked against a FakeKernel', async () => {
    const k = new FakeKernel();
    await k.batch(HOST_NETNS).addVeth({ name: 'eni1', peerName: 'eth0' }).addIfb('ifb-eni1').commit();
    const tc = new FakeTrafficControl(k);
    await tc
      .batch(HOST_NETNS)
      .addIngress('eni1')
      .redirectIngress('eni1', 'ifb-eni1')
      .replaceTbf({ dev: 'ifb-eni1', rateBitsPerSec: 4_000_000, burstBytes: 32768 })
      .commit();
    expect(await tc.listQdiscs(HOST_NETNS)).toEqual([
      { dev: 'eni1', kind: 'ingress', handle: 'ffff:', root: false, parent: 'ffff:fff1' },
      {
        dev: 'ifb-eni1',
        kind: 'tbf',
        handle: expect.stringMatching(/:$/),
        root: true,
        rateBitsPerSec: 4_000_000,
        burstBytes: 32768,
      },
    ]);
    expect(await tc.listFilters(HOST_NETNS, 'eni1', 'ingress')).toEqual([
      { dev: 'eni1', kind: 'u32', protocol: 'all', pref: 1, redirectTo: 'ifb-eni1' },
    ]);
    expect((await tc.batch(HOST_NETNS).addIngress('eni1', { existOk: true }).commit()).tolerated).toBe(1);
    await expect(tc.batch(HOST_NETNS).addIngress('eni1').commit()).rejects.toMatchObject({
      kind: 'exists',
      op: 'add ingress qdisc',
    });
    await expect(
      tc.batch(HOST_NETNS).replaceTbf({ dev: 'nope', rateBitsPerSec: 1, burstBytes: 1 }).commit(),
    ).rejects.toMatchObject({ kind: 'not-found' });
    await tc
      .batch(HOST_NETNS)
      .deleteQdisc('eni1', 'ingress')
      .deleteQdisc('ifb-eni1', 'root')
      .deleteQdisc('ifb-eni1', 'root', { missingOk: true })
      .commit();
    expect(await tc.listQdiscs(HOST_NETNS)).toEqual([]);
  });

  it('keeps the tbf handle and the redirect flowid it was given', async () => {
    const k = new FakeKernel();
    await k.batch(HOST_NETNS).addVeth({ name: 'eni1', peerName: 'eth0' }).addIfb('ifb-eni1').commit();
    const tc = new FakeTrafficControl(k);
    await tc
      .batch(HOST_NETNS)
      .replaceTbf({ dev: 'eni1', rateBitsPerSec: 8000, burstBytes: 1600, limitBytes: 5000, handle: '1:' })
      .addIngress('eni1')
      .redirectIngress('eni1', 'ifb-eni1', { flowid: '1:1' })
      .commit();
    expect(await tc.listQdiscs(HOST_NETNS, 'eni1')).toContainEqual(
      expect.objectContaining({ kind: 'tbf', handle: '1:', rateBitsPerSec: 8000 }),
    );
    expect(await tc.listFilters(HOST_NETNS, 'eni1', 'ingress')).toEqual([
      { dev: 'eni1', kind: 'u32', protocol: 'all', pref: 1, redirectTo: 'ifb-eni1', flowid: '1:1' },
    ]);
    expect(() => tc.batch(HOST_NETNS).redirectIngress('eni1', 'ifb-eni1', { flowid: '1' })).toThrow(
      expect.objectContaining({ kind: 'invalid-argument' }),
    );
  });
});
