// SPDX-License-Identifier: Apache-2.0
import { parseNftTable, renderNftDeleteTable, renderNftTable } from './nft-rules';

describe('nft scripts', () => {
  it('renders an idempotent table script (add, flush, rules)', () => {
    const text = renderNftTable({
      family: 'ip',
      name: 'aws-cni',
      chains: [
        {
          name: 'nat-prerouting',
          type: 'nat',
          hook: 'prerouting',
          priority: -90,
          rules: ['fib daddr type local return', 'iifname "eni*" jump snat-mark', 'meta mark set ct mark & 0x80'],
        },
        { name: 'snat-mark', rules: ['ip daddr { 10.99.0.0/16, 10.98.0.0/16 } return', 'ct mark set ct mark | 0x80'] },
      ],
    });
    expect(text).toBe(
      [
        'add table ip aws-cni',
        'add chain ip aws-cni nat-prerouting { type nat hook prerouting priority -90 ; policy accept ; }',
        'add chain ip aws-cni snat-mark',
        'flush chain ip aws-cni nat-prerouting',
        'flush chain ip aws-cni snat-mark',
        'add rule ip aws-cni nat-prerouting fib daddr type local return',
        'add rule ip aws-cni nat-prerouting iifname "eni*" jump snat-mark',
        'add rule ip aws-cni nat-prerouting meta mark set ct mark & 0x80',
        'add rule ip aws-cni snat-mark ip daddr { 10.99.0.0/16, 10.98.0.0/16 } return',
        'add rule ip aws-cni snat-mark ct mark set ct mark | 0x80',
        '',
      ].join('\n'),
    );
    expect(renderNftDeleteTable('ip', 'aws-cni')).toBe('add table ip aws-cni\ndelete table ip aws-cni\n');
  });

  it('refuses names and rules that could inject commands', () => {
    const r =
      (rules: string[], name = 't') =>
      () =>
        renderNftTable({ family: 'ip', name, chains: [{ name: 'c', rules }] });
    expect(r(['accept; flush ruleset'])).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
    expect(r(['accept\nflush ruleset'])).toThrow();
    expect(r(['accept # comment'])).toThrow();
    expect(r(['accept'], 'bad name')).toThrow(/table name/);
    expect(() => renderNftTable({ family: 'bridge' as 'ip', name: 't', chains: [] })).toThrow(/family/);
    expect(() => renderNftTable({ family: 'ip', name: 't', chains: [{ name: 'c', type: 'nat', rules: [] }] })).toThrow(
      /needs type, hook/,
    );
  });

  it('parses nft -j list table', () => {
    const json = {
      nftables: [
        { metainfo: { version: '1.0.6' } },
        { table: { family: 'ip', name: 'vct', handle: 1 } },
        {
          chain: {
            family: 'ip',
            table: 'vct',
            name: 'post',
            handle: 1,
            type: 'nat',
            hook: 'postrouting',
            prio: 100,
            policy: 'accept',
          },
        },
        { chain: { family: 'ip', table: 'vct', name: 'mark', handle: 2 } },
        {
          rule: {
            family: 'ip',
            table: 'vct',
            chain: 'post',
            handle: 3,
            expr: [{ masquerade: { flags: ['fully-random'] } }],
          },
        },
      ],
    };
    expect(parseNftTable(json, 'ip', 'vct')).toEqual({
      family: 'ip',
      name: 'vct',
      chains: [{ name: 'post', type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept' }, { name: 'mark' }],
      rules: [{ chain: 'post', handle: 3, expr: [{ masquerade: { flags: ['fully-random'] } }] }],
    });
  });
});
