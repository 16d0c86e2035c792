import { planDel } from './del-plan';
import { randomLocalMac } from './random-mac';

describe('planDel', () => {
  it('removes the to-pod and from-pod rules, then the host veth (its host route goes with it)', () => {
    expect(
      planDel({ hostVeths: ['enic440f455693'], ips: [{ address: '10.99.2.9', family: 4, routeTable: 3 }] }),
    ).toEqual([
      { op: 'rule.delete-all', ns: 'host', family: 4, priority: 512, to: '10.99.2.9', table: 254 },
      { op: 'rule.delete-all', ns: 'host', family: 4, priority: 1536, from: '10.99.2.9', table: 3 },
      { op: 'link.delete', ns: 'host', name: 'enic440f455693' },
    ]);
  });
  it('matches from-pod rules of any table when the table is unknown', () => {
    const ops = planDel({ hostVeths: ['eniX'], ips: [{ address: 'fd99::5', family: 6 }] });
    expect(ops[1]).toEqual({ op: 'rule.delete-all', ns: 'host', family: 6, priority: 1536, from: 'fd99::5' });
  });
  it('cleans the pod-side multi-NIC rule for extra interfaces', () => {
    const ops = planDel({
      hostVeths: ['a', 'b'],
      ips: [
        { address: '10.99.1.5', family: 4, routeTable: 254 },
        { address: '10.99.3.7', family: 4, routeTable: 10101 },
      ],
    });
    expect(ops).toContainEqual({ op: 'rule.delete-all', ns: 'pod', family: 4, priority: 1, from: '10.99.3.7' });
    expect(ops.filter((o) => o.op === 'link.delete').map((o) => o.op === 'link.delete' && o.name)).toEqual(['a', 'b']);
  });
  it('branch ENI: deletes the VLAN, its priority-10 rules, and the IP rules of both modes', () => {
    const ops = planDel({
      hostVeths: ['vlanc440f455693'],
      ips: [{ address: '10.99.8.20', family: 4, routeTable: 0 }],
      vlanId: 7,
    });
    expect(ops.slice(0, 2)).toEqual([
      { op: 'link.delete', ns: 'host', name: 'vlan.eth.7' },
      { op: 'rule.delete-all', ns: 'host', family: 4, priority: 10, table: 107 },
    ]);
    expect(ops).toContainEqual({ op: 'rule.delete-all', ns: 'host', family: 4, priority: 1536, from: '10.99.8.20' });
    expect(ops).toContainEqual({
      op: 'rule.delete-all',
      ns: 'host',
      family: 4,
      priority: 512,
      to: '10.99.8.20',
      table: 254,
    });
  });
  it('with nothing known, does nothing', () => {
    expect(planDel({ hostVeths: [], ips: [] })).toEqual([]);
  });
});

describe('randomLocalMac', () => {
  it('is unicast and locally administered', () => {
    for (let i = 0; i < 50; i++) {
      const mac = randomLocalMac();
      expect(mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      const first = parseInt(mac.slice(0, 2), 16);
      expect(first & 1).toBe(0);
      expect(first & 2).toBe(2);
    }
  });
  it('retries until it differs from existing MACs, and gives up after 10 tries', () => {
    const seq = [Buffer.from([0xff, 1, 2, 3, 4, 5]), Buffer.from([0, 1, 2, 3, 4, 6])];
    let i = 0;
    const mac = randomLocalMac(new Set(['FE:01:02:03:04:05']), () => seq[Math.min(i++, 1)]);
    expect(mac).toBe('02:01:02:03:04:06');
    expect(() => randomLocalMac(new Set(['02:00:00:00:00:00']), () => Buffer.alloc(6))).toThrow(/10 attempts/);
  });
});
