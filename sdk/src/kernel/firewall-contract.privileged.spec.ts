// SPDX-License-Identifier: Apache-2.0
// Contract test: FakeFirewall and ToolFirewall (in a throwaway vct-fwc-* namespace) end in the same iptables and
// nft state after the same ops, and fail the same way. Root only.
import { type TempNetns, createTempNetns, isRoot } from '../testing/netns';
import { FakeFirewall } from './fakes/fake-firewall';
import { type Firewall } from './firewall-port';
import { type IptablesOp } from './iptables-rules';
import { type NetnsRef } from './netns';
import { ToolFirewall } from './tool-firewall';

const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('firewall-contract.privileged.spec: skipped (needs root)');

const OPS: IptablesOp[] = [
  {
    kind: 'replace-chain',
    table: 'nat',
    chain: 'AWS-SNAT-CHAIN-0',
    rules: [
      ['-d', '10.99.0.0/16', '-m', 'comment', '--comment', 'AWS SNAT CHAIN', '-j', 'RETURN'],
      [
        '!',
        '-o',
        'vlan+',
        '-m',
        'comment',
        '--comment',
        'AWS, SNAT',
        '-m',
        'addrtype',
        '!',
        '--dst-type',
        'LOCAL',
        '-j',
        'SNAT',
        '--to-source',
        '10.99.0.5',
        '--random-fully',
      ],
    ],
  },
  {
    kind: 'ensure-rule',
    table: 'nat',
    chain: 'POSTROUTING',
    args: ['-m', 'comment', '--comment', 'AWS SNAT CHAIN', '-j', 'AWS-SNAT-CHAIN-0'],
  },
  {
    kind: 'ensure-rule',
    table: 'nat',
    chain: 'AWS-SNAT-CHAIN-0',
    args: ['-d', '10.98.0.0/16', '-j', 'RETURN'],
    position: 'insert',
  },
  {
    kind: 'ensure-rule',
    table: 'mangle',
    chain: 'PREROUTING',
    args: [
      '-i',
      'eth0',
      '-m',
      'addrtype',
      '--dst-type',
      'LOCAL',
      '--limit-iface-in',
      '-m',
      'comment',
      '--comment',
      'AWS, primary ENI',
      '-j',
      'CONNMARK',
      '--set-mark',
      '0x80/0x80',
    ],
  },
  {
    kind: 'ensure-rule',
    table: 'mangle',
    chain: 'PREROUTING',
    args: ['-i', 'eni+', '-j', 'CONNMARK', '--restore-mark', '--mask', '0x80'],
  },
  { kind: 'ensure-chain', table: 'nat', chain: 'AWS-CONNMARK-CHAIN-1' },
  { kind: 'delete-chain', table: 'nat', chain: 'AWS-CONNMARK-CHAIN-1' },
  { kind: 'delete-rule', table: 'nat', chain: 'POSTROUTING', args: ['-j', 'NOT-THERE'] },
];

async function state(fw: Firewall, ns: NetnsRef) {
  const out: Record<string, unknown> = {};
  for (const t of ['nat', 'mangle'] as const) {
    out[`${t} chains`] = (await fw.listIptablesChains(ns, 4, t)).sort();
    out[`${t} rules`] = (await fw.listIptablesRules(ns, 4, t)).map((r) => `${r.chain}: ${r.args.join(' ')}`);
  }
  const nft = await fw.listNftTable(ns, 'ip', 'aws-cni');
  out.nft = nft && { chains: nft.chains, rules: nft.rules.length };
  return out;
}

d('FakeFirewall and ToolFirewall agree', () => {
  let ns: TempNetns;
  beforeAll(async () => {
    ns = await createTempNetns({ prefix: 'vct-fwc' });
  });
  afterAll(() => ns?.destroy());

  it('same state, same idempotency, same failures', async () => {
    const real = new ToolFirewall();
    const fake = new FakeFirewall();
    const fakeNs: NetnsRef = { kind: 'name', name: 'fake' };
    const spec = {
      family: 'ip',
      name: 'aws-cni',
      chains: [
        {
          name: 'nat-prerouting',
          type: 'nat',
          hook: 'prerouting',
          priority: -90,
          rules: ['fib daddr type local return', 'iifname "eni*" jump snat-mark'],
        },
        { name: 'snat-mark', rules: ['ip daddr 10.99.0.0/16 return', 'ct mark set ct mark | 0x80'] },
      ],
    } as const;
    const changes: number[][] = [];
    for (const [fw, at] of [
      [real, ns.ref],
      [fake, fakeNs],
    ] as const) {
      const first = await fw.applyIptables(at, 4, OPS);
      const again = await fw.applyIptables(at, 4, OPS);
      changes.push([first.changes, again.changes]);
      await fw.applyNftTable(at, spec);
    }
    // Re-applying changes 4 things in both: the temporary chain is made and deleted again, and the SNAT chain is
    // replaced and the insert redone (replace-chain then insert into it is never "already as wanted").
    expect(changes).toEqual([
      [7, 4],
      [7, 4],
    ]);
    expect(await state(fake, fakeNs)).toEqual(await state(real, ns.ref));
    const bad: IptablesOp[] = [
      { kind: 'ensure-rule', table: 'nat', chain: 'POSTROUTING', args: ['-j', 'NO-SUCH-CHAIN'] },
    ];
    const kinds = await Promise.all(
      [real.applyIptables(ns.ref, 4, bad), fake.applyIptables(fakeNs, 4, bad)].map((p) =>
        p.then(
          () => 'ok',
          (e: { kind?: string }) => e.kind,
        ),
      ),
    );
    expect(kinds).toEqual(['not-found', 'not-found']);
    expect(await state(fake, fakeNs)).toEqual(await state(real, ns.ref));
  });
});
