// SPDX-License-Identifier: Apache-2.0
// Differential: bandwidth-shim vs Debian's reference bandwidth plugin on two identical "host" namespaces, for every
// cniVersion both support; then CHECK, DEL, and the cases where we deliberately differ.
import { createHash } from 'node:crypto';

import {
  bundle,
  comparableResult,
  delNetns,
  type DiffSide,
  hasReference,
  isRoot,
  jsonIn,
  makeDiffSide,
  runBoth,
  runCni,
  sh,
} from './harness';

const ok = isRoot() && hasReference('bandwidth');
const d = ok ? describe : describe.skip;
if (!ok) console.log('bandwidth.privileged: skipped (needs root and /usr/lib/cni/bandwidth)');

const REF = '/usr/lib/cni/bandwidth';
const VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'];
const VETH = 'vethvctbw01';
const CID = 'vct-bw-diff-1';
const NET = 'vctnet';

type Side = DiffSide;
const makeSide = (tag: string): Side =>
  makeDiffSide(tag, { veth: VETH, mtu: 1460, ip: '10.99.31.2/24', gw: '10.99.31.1' });

/** Kernel state that must match: qdiscs on the veth and the ifb, the ifb link, the redirect filter. */
function shapingState(side: Side, ifb: string): unknown {
  const norm = (qs: Record<string, unknown>[]): unknown =>
    qs.map((q) => {
      const o = { ...(q.options as Record<string, unknown>) };
      // linklayer: Go's netlink leaves it unspec, the tc CLI always says ethernet; both mean "no overhead".
      delete o.linklayer;
      return { ...q, options: o };
    });
  const ifbLinks = jsonIn<Record<string, unknown>[]>(side.host, 'ip -d -j link show type ifb').filter(
    (l) => l.ifname === ifb,
  );
  const filters = jsonIn<{ options?: { actions?: Record<string, unknown>[] } }[]>(
    side.host,
    `tc -j filter show dev ${VETH} ingress`,
  ).map((f) => {
    if (!f.options?.actions) return f;
    // Debian's build adds a second, unreachable mirred action after the stealing one; compare the one that acts.
    // Its `index` is a per-namespace id the kernel hands out, and actions of an earlier test are freed
    // asynchronously, so it says nothing about this ADD (seen: 3 on the reference side, 1 on ours, under load).
    const acts = f.options.actions.slice(0, 1).map(({ index: _index, ...a }) => a);
    return { ...f, options: { ...f.options, actions: acts } };
  });
  return {
    veth: norm(jsonIn(side.host, `tc -j -d qdisc show dev ${VETH}`)),
    ifb: ifbLinks.length ? norm(jsonIn(side.host, `tc -j -d qdisc show dev ${ifb}`)) : 'absent',
    ifbLink: ifbLinks.map((l) => ({
      flags: l.flags,
      mtu: l.mtu,
      qdisc: l.qdisc,
      txqlen: l.txqlen,
      operstate: l.operstate,
      kind: (l.linkinfo as { info_kind: string }).info_kind,
    })),
    filters,
  };
}

d('bandwidth-shim vs reference bandwidth (privileged, differential)', () => {
  let ours: string;
  let ref: Side;
  let mine: Side;
  const ifb =
    'bwp' +
    createHash('sha512')
      .update(NET + CID)
      .digest('hex')
      .slice(0, 12);

  beforeAll(() => {
    ours = bundle('bandwidth-shim');
    ref = makeSide('r');
    mine = makeSide('o');
  });
  afterAll(() => delNetns(ref.host, ref.pod, mine.host, mine.pod));

  afterEach(() => {
    for (const s of [ref, mine]) {
      sh(
        `ip -n ${s.host} link del ${ifb} 2>/dev/null; tc -n ${s.host} qdisc del dev ${VETH} root 2>/dev/null; tc -n ${s.host} qdisc del dev ${VETH} ingress 2>/dev/null; true`,
      );
    }
  });

  const both = (command: 'ADD' | 'DEL' | 'CHECK', conf: (s: Side) => object) =>
    runBoth({ ref: REF, ours }, { ref, mine }, (s) => ({
      command,
      config: conf(s),
      containerId: CID,
      netns: s.podPath,
      hostNs: s.host,
    }));

  const limits = { ingressRate: 8_000_000, ingressBurst: 800_000, egressRate: 4_000_000, egressBurst: 400_000 };

  describe.each(VERSIONS)('cniVersion %s', (v) => {
    const conf = (s: Side, extra: object = limits) => ({
      cniVersion: v,
      name: NET,
      type: 'bandwidth',
      ...extra,
      prevResult: s.prev(v),
    });

    it('ADD gives the same tc state, ifb and result; CHECK passes; DEL removes the ifb', async () => {
      const add = await both('ADD', (s) => conf(s));
      expect(add.r.stderr).toBe('');
      expect([add.r.code, add.o.code]).toEqual([0, 0]);
      expect(comparableResult(add.o.json, [ifb])).toEqual(comparableResult(add.r.json, [ifb]));
      expect((add.o.json?.interfaces as { name: string }[]).map((i) => i.name)).toContain(ifb);
      const stRef = shapingState(ref, ifb);
      expect(shapingState(mine, ifb)).toEqual(stRef);
      expect(JSON.stringify(stRef)).toContain('"rate":1000000');

      const check = await both('CHECK', (s) => conf(s));
      if (v === '0.4.0' || v === '1.0.0') {
        expect([check.r.stdout, check.o.stdout]).toEqual(['', '']);
      } else {
        // CHECK exists from 0.4.0 on: both refuse it for older configs with code 1.
        expect([check.r.json?.code, check.o.json?.code]).toEqual([1, 1]);
      }

      const del = await both('DEL', (s) => conf(s));
      expect([del.r.code, del.o.code]).toEqual([0, 0]);
      expect(shapingState(mine, ifb)).toMatchObject({ ifb: 'absent', ifbLink: [] });
      expect(shapingState(ref, ifb)).toMatchObject({ ifb: 'absent', ifbLink: [] });
      // The host veth's qdiscs stay until the main plugin deletes the veth, in both (afterEach clears them).
      expect(JSON.stringify(shapingState(mine, ifb))).toContain('"kind":"tbf"');
    });
  });

  it('cniVersion 1.1.0 (newer than the reference): same kernel state as the reference at 1.0.0, a 1.1.0 result', async () => {
    const [r, o] = await Promise.all([
      runCni(REF, {
        command: 'ADD',
        config: { cniVersion: '1.0.0', name: NET, type: 'bandwidth', ...limits, prevResult: ref.prev('1.0.0') },
        containerId: CID,
        netns: ref.podPath,
        hostNs: ref.host,
      }),
      runCni(ours, {
        command: 'ADD',
        config: {
          cniVersion: '1.1.0',
          name: NET,
          type: 'bandwidth',
          ...limits,
          prevResult: { ...mine.prev('1.0.0'), cniVersion: '1.1.0' },
        },
        containerId: CID,
        netns: mine.podPath,
        hostNs: mine.host,
      }),
    ]);
    expect([r.code, o.code]).toEqual([0, 0]);
    expect(o.json?.cniVersion).toBe('1.1.0');
    expect(comparableResult({ ...o.json, cniVersion: '1.0.0' }, [ifb])).toEqual(comparableResult(r.json, [ifb]));
    expect(shapingState(mine, ifb)).toEqual(shapingState(ref, ifb));
  });

  it("takes containerd's runtimeConfig (capitalised keys, 4294967295-bit burst) like the reference", async () => {
    const rc = {
      runtimeConfig: {
        bandwidth: {
          IngressRate: 100_000_000,
          IngressBurst: 4294967295,
          EgressRate: 50_000_000,
          EgressBurst: 4294967295,
        },
      },
    };
    const add = await both('ADD', (s) => ({
      cniVersion: '0.4.0',
      name: NET,
      type: 'bandwidth',
      capabilities: { bandwidth: true },
      ...rc,
      prevResult: s.prev('0.4.0'),
    }));
    expect([add.r.code, add.o.code]).toEqual([0, 0]);
    expect(shapingState(mine, ifb)).toEqual(shapingState(ref, ifb));
  });

  it('passes prevResult through unchanged when no limit is set', async () => {
    const add = await both('ADD', (s) => ({
      cniVersion: '1.0.0',
      name: NET,
      type: 'bandwidth',
      prevResult: s.prev('1.0.0'),
    }));
    expect([add.r.code, add.o.code]).toEqual([0, 0]);
    expect(comparableResult(add.o.json)).toEqual(comparableResult(add.r.json));
    expect(shapingState(mine, ifb)).toEqual(shapingState(ref, ifb));
  });

  it('CHECK notices a deleted tbf where the reference does not', async () => {
    const conf = (s: Side) => ({
      cniVersion: '1.0.0',
      name: NET,
      type: 'bandwidth',
      ...limits,
      prevResult: s.prev('1.0.0'),
    });
    const add = await both('ADD', conf);
    expect([add.r.code, add.o.code]).toEqual([0, 0]);
    for (const s of [ref, mine]) sh(`tc -n ${s.host} qdisc del dev ${VETH} root`);
    const check = await both('CHECK', conf);
    expect(check.r.code).toBe(0); // the reference's loop stops at the first non-tbf qdisc
    expect(check.o.code).toBe(1);
    expect(check.o.json).toMatchObject({ code: 999 });
    expect(String(check.o.json?.msg)).toMatch(new RegExp(`ingress limit on ${VETH}: no tbf qdisc found`));
  });

  it('DEL is idempotent and needs no prevResult', async () => {
    const r = await runCni(ours, {
      command: 'DEL',
      config: { cniVersion: '1.0.0', name: NET, type: 'bandwidth' },
      containerId: CID,
      hostNs: mine.host,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('refuses a burst smaller than one packet instead of black-holing full-size packets', async () => {
    const r = await runCni(ours, {
      command: 'ADD',
      config: {
        cniVersion: '1.0.0',
        name: NET,
        type: 'bandwidth',
        egressRate: 4_000_000,
        egressBurst: 8000,
        prevResult: mine.prev('1.0.0'),
      },
      containerId: CID,
      netns: mine.podPath,
      hostNs: mine.host,
    });
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ code: 7 });
    expect(String(r.json?.msg)).toMatch(/smaller than one packet on vethvctbw01 \(MTU 1460\)/);
    expect(shapingState(mine, ifb)).toMatchObject({ ifb: 'absent' });
  });
});
