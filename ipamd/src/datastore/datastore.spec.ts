import { Datastore, UnknownPodError, statsOf } from './datastore';

const key = (c: string, ifName = 'eth0') => ({ networkName: 'aws-cni', containerId: c, ifName });

function ds(prefixMode = false, cooldownMs = 30_000) {
  const d = new Datastore({ prefixMode, cooldownMs });
  d.addEni({ id: 'eni-0', deviceNumber: 0, isPrimary: true, subnetId: 's', primaryIp: '10.0.0.10', createdAt: 0 });
  return d;
}

describe('Datastore', () => {
  it('assigns distinct addresses and is idempotent for the same key', () => {
    const d = ds();
    d.addCidr('eni-0', '10.0.0.11', false);
    d.addCidr('eni-0', '10.0.0.12', false);
    const a = d.assign(key('a'), {}, 1000)!;
    const again = d.assign(key('a'), {}, 2000)!;
    const b = d.assign(key('b'), {}, 1000)!;
    expect(again.address).toBe(a.address);
    expect(b.address).not.toBe(a.address);
    expect(d.assign(key('c'), {}, 1000)).toBeUndefined();
    expect(a.routeTableId).toBe(254);
  });

  it('distinguishes keys by ifName and networkName', () => {
    const d = ds();
    d.addCidr('eni-0', '10.0.1.0/28', true);
    const a = d.assign(key('a', 'eth0'), {}, 0)!;
    const b = d.assign(key('a', 'eth1'), {}, 0)!;
    const c = d.assign({ ...key('a'), networkName: 'other' }, {}, 0)!;
    expect(new Set([a.address, b.address, c.address]).size).toBe(3);
  });

  it('starts a prefix at its network address and packs into used prefixes', () => {
    const d = ds(true);
    d.addCidr('eni-0', '10.0.1.16/28', true);
    d.addCidr('eni-0', '10.0.1.32/28', true);
    const a = d.assign(key('a'), {}, 0)!;
    expect(a.address).toBe('10.0.1.16');
    const b = d.assign(key('b'), {}, 0)!;
    expect(b.address).toBe('10.0.1.17');
    expect(statsOf(d.snapshot(0))).toMatchObject({ total: 32, assigned: 2, freePrefixes: 1, totalPrefixes: 2 });
  });

  it('keeps a released address cooling for the cooldown period and counts it unavailable (#2896)', () => {
    const d = ds(false, 30_000);
    d.addCidr('eni-0', '10.0.0.11', false);
    d.assign(key('a'), {}, 0);
    d.unassign(key('a'), 1000);
    expect(statsOf(d.snapshot(2000))).toMatchObject({ total: 1, assigned: 0, cooling: 1, available: 0 });
    expect(d.assign(key('b'), {}, 2000)).toBeUndefined();
    expect(d.nextCoolingExpiry(2000)).toBe(31_000);
    expect(d.assign(key('b'), {}, 31_000)?.address).toBe('10.0.0.11');
  });

  it('reports an unknown pod with the message the plugin matches', () => {
    const d = ds();
    expect(() => d.unassign(key('nope'), 0)).toThrow(UnknownPodError);
    expect(() => d.unassign(key('nope'), 0)).toThrow(/datastore: unknown pod/);
  });

  it('finds pre-1.12 migrated keys on DEL', () => {
    const d = ds();
    d.addCidr('eni-0', '10.0.0.11', false);
    expect(
      d.restore({
        key: { networkName: '_migrated-from-cri', containerId: 'x', ifName: 'unknown' },
        ipv4: '10.0.0.11',
        allocationTimestampNs: '5',
        metadata: {},
      }),
    ).toBe(true);
    expect(d.unassign(key('x'), 0).address).toBe('10.0.0.11');
  });

  it('undo of assign and unassign restores the previous state', () => {
    const d = ds();
    d.addCidr('eni-0', '10.0.0.11', false);
    const g = d.assign(key('a'), { k8sPodName: 'p' }, 0)!;
    d.undoAssign(key('a'));
    expect(statsOf(d.snapshot(0))).toMatchObject({ assigned: 0, cooling: 0, available: 1 });
    const g2 = d.assign(key('a'), { k8sPodName: 'p' }, 0)!;
    const released = d.unassign(key('a'), 10);
    d.undoUnassign(released);
    expect(d.lookup(key('a'))).toEqual(g2);
    expect(g.address).toBe(g2.address);
  });

  it('refuses to remove CIDRs or ENIs with assigned addresses unless forced', () => {
    const d = ds();
    d.addEni({ id: 'eni-1', deviceNumber: 1, isPrimary: false, subnetId: 's', primaryIp: '10.0.0.20', createdAt: 0 });
    d.addCidr('eni-1', '10.0.0.21', false);
    d.assign(key('a'), {}, 0);
    expect(d.removeCidr('eni-1', '10.0.0.21').removed).toBe(false);
    expect(d.removeEni('eni-1').removed).toBe(false);
    const r = d.removeEni('eni-1', true);
    expect(r.removed).toBe(true);
    expect(r.evicted).toEqual([key('a')]);
    expect(d.lookup(key('a'))).toBeUndefined();
  });

  it('restore drops entries no ENI contains and conflicting duplicates', () => {
    const d = ds();
    d.addCidr('eni-0', '10.0.0.11', false);
    expect(d.restore({ key: key('a'), ipv4: '10.9.9.9', allocationTimestampNs: '1', metadata: {} })).toBe(false);
    expect(d.restore({ key: key('a'), ipv4: '10.0.0.11', allocationTimestampNs: '1', metadata: {} })).toBe(true);
    expect(d.restore({ key: key('b'), ipv4: '10.0.0.11', allocationTimestampNs: '1', metadata: {} })).toBe(false);
    expect(d.allocations()).toEqual([{ key: key('a'), ipv4: '10.0.0.11', allocationTimestampNs: '1', metadata: {} }]);
  });

  it("uses the other mode's CIDRs only when its own are exhausted (prefix fallback)", () => {
    const d = ds(true);
    d.addCidr('eni-0', '10.0.0.11', false);
    d.addCidr('eni-0', '10.0.1.0/28', true);
    expect(d.assign(key('a'), {}, 0)!.address).toBe('10.0.1.0');
    for (let i = 0; i < 15; i++) d.assign(key(`p${i}`), {}, 0);
    expect(d.assign(key('z'), {}, 0)!.address).toBe('10.0.0.11');
  });
});

describe('Datastore: ENIs excluded for pods', () => {
  it('assigns nothing from an excluded ENI, leaves pods on it alone, and keeps it out of the stats', () => {
    const d = ds();
    d.addEni({ id: 'eni-1', deviceNumber: 1, isPrimary: false, subnetId: 's2', primaryIp: '10.0.2.10', createdAt: 0 });
    d.addCidr('eni-0', '10.0.0.11', false);
    d.addCidr('eni-1', '10.0.2.11', false);
    d.addCidr('eni-1', '10.0.2.12', false);
    const onPrimary = d.assign(key('a'), {}, 0)!;
    expect(onPrimary.eniId).toBe('eni-0');
    d.setEniExcluded('eni-0', true);
    expect(d.isEniExcluded('eni-0')).toBe(true);
    const b = d.assign(key('b'), {}, 0)!;
    const c = d.assign(key('c'), {}, 0)!;
    expect([b.eniId, c.eniId]).toEqual(['eni-1', 'eni-1']);
    expect(d.assign(key('d'), {}, 0)).toBeUndefined(); // eni-0 has no free address to give anyway, eni-1 is full
    expect(d.lookup(key('a'))?.address).toBe('10.0.0.11'); // the pod already there keeps its address
    const snap = d.snapshot(0);
    expect(snap.enis.find((e) => e.id === 'eni-0')).toMatchObject({ excluded: true, subnetId: 's' });
    expect(statsOf(snap)).toMatchObject({ total: 2, assigned: 2, available: 0 });
    d.setEniExcluded('eni-0', false);
    expect(statsOf(d.snapshot(0))).toMatchObject({ total: 3, assigned: 3 });
  });
});

describe('Datastore: IPv6 mode', () => {
  const v6 = () => {
    const d = new Datastore({ prefixMode: true, cooldownMs: 30_000, family: 6 });
    d.addEni({ id: 'eni-0', deviceNumber: 0, isPrimary: true, subnetId: 's', primaryIp: '10.0.0.10', createdAt: 0 });
    d.addCidr('eni-0', '2600:1f14:0:ff00:1::/80', true);
    return d;
  };

  it('hands out /128s from the /80, idempotent per key, and never IPv4 CIDRs', () => {
    const d = v6();
    d.addCidr('eni-0', '10.0.0.11', false);
    const a = d.assign(key('a'), {}, 0)!;
    const b = d.assign(key('b'), {}, 0)!;
    expect(a.address).toBe('2600:1f14:0:ff00:1::');
    expect(b.address).toBe('2600:1f14:0:ff00:1::1');
    expect(d.assign(key('a'), {}, 5)!.address).toBe(a.address);
    expect(a.routeTableId).toBe(254);
  });

  it('checkpoints in the ipv6 field and restores from it', () => {
    const d = v6();
    d.assign(key('a'), { k8sPodName: 'p' }, 0);
    const allocs = d.allocations();
    expect(allocs).toEqual([expect.objectContaining({ ipv4: '', ipv6: '2600:1f14:0:ff00:1::' })]);
    const again = v6();
    expect(again.restore(allocs[0]!)).toBe(true);
    expect(again.lookup(key('a'))?.address).toBe('2600:1f14:0:ff00:1::');
    expect(again.assign(key('b'), {}, 0)!.address).toBe('2600:1f14:0:ff00:1::1');
    expect(again.restore({ ...allocs[0]!, ipv6: '2600:1f14:0:ff00:2::5' })).toBe(false);
  });

  it('releases into cooldown like IPv4', () => {
    const d = v6();
    const a = d.assign(key('a'), {}, 0)!;
    d.unassign(key('a'), 1000);
    expect(d.assign(key('b'), {}, 2000)!.address).not.toBe(a.address);
    expect(statsOf(d.snapshot(2000))).toMatchObject({ total: 2 ** 48, assigned: 1, cooling: 1 });
  });
});
