import { HOST_NETNS } from '@vpc-cni-ts/sdk/kernel';
import { FakeTrafficControl } from '@vpc-cni-ts/sdk/kernel/fakes';

import { burstTooSmall, ipBatch, planShaping, queueShaping, tbfSpec } from './shaping-plan';

/** Runs the plan's traffic control against the SDK's stateful fake and returns what it left. */
async function shaped(plan: Parameters<typeof queueShaping>[1]) {
  const tc = new FakeTrafficControl();
  await queueShaping(tc.batch(HOST_NETNS), plan).commit();
  return {
    qdiscs: await tc.listQdiscs(HOST_NETNS),
    filters: await tc.listFilters(HOST_NETNS, plan.hostVeth, 'ingress'),
  };
}

const host = { name: 'veth1234', mtu: 1460 };
const none = { ingressRate: 0, ingressBurst: 0, egressRate: 0, egressBurst: 0 };

describe('planShaping', () => {
  it('plans a root tbf on the host veth for ingress only', async () => {
    const plan = planShaping(
      { ...none, ingressRate: 8_000_000, ingressBurst: 800_000 },
      host,
      'bwpx',
      'aa:bb:cc:dd:ee:ff',
    );
    expect(plan.egress).toBeUndefined();
    expect(ipBatch(plan)).toEqual([]);
    // tc gets rate 8000000bit = 1000000 bytes/s, burst 100000, limit 125000, handle 1: (as the reference)
    expect(tbfSpec('veth1234', plan.ingress!)).toEqual({
      dev: 'veth1234',
      rateBitsPerSec: 8_000_000,
      burstBytes: 100_000,
      limitBytes: 125_000,
      handle: '1:',
    });
    expect((await shaped(plan)).qdiscs).toEqual([
      { dev: 'veth1234', kind: 'tbf', handle: '1:', root: true, rateBitsPerSec: 8_000_000, burstBytes: 100_000 },
    ]);
  });

  it('plans ifb + ingress qdisc + mirred redirect + tbf on the ifb for egress', async () => {
    const plan = planShaping(
      { ...none, egressRate: 4_000_000, egressBurst: 400_000 },
      host,
      'bwpabc',
      '02:00:00:00:00:01',
    );
    expect(ipBatch(plan)).toEqual([
      'link add name bwpabc address 02:00:00:00:00:01 mtu 1460 txqueuelen 0 type ifb',
      'link set dev bwpabc up',
    ]);
    expect(tbfSpec('bwpabc', plan.egress!)).toMatchObject({ rateBitsPerSec: 4_000_000, limitBytes: 62_500 });
    const s = await shaped(plan);
    expect(s.qdiscs).toEqual([
      { dev: 'veth1234', kind: 'ingress', handle: 'ffff:', root: false, parent: 'ffff:fff1' },
      { dev: 'bwpabc', kind: 'tbf', handle: '1:', root: true, rateBitsPerSec: 4_000_000, burstBytes: 50_000 },
    ]);
    expect(s.filters).toEqual([
      { dev: 'veth1234', kind: 'u32', protocol: 'all', pref: 1, redirectTo: 'bwpabc', flowid: '1:1' },
    ]);
  });

  it('names a burst smaller than one packet', () => {
    const plan = planShaping({ ...none, egressRate: 4_000_000, egressBurst: 8_000 }, host, 'b', 'm');
    expect(burstTooSmall(plan, 1460)).toMatch(
      /egressBurst of 8000 bits \(1000 bytes\) is smaller than one packet on veth1234 \(MTU 1460\)/,
    );
    expect(
      burstTooSmall(planShaping({ ...none, egressRate: 4_000_000, egressBurst: 400_000 }, host, 'b', 'm'), 1460),
    ).toBeUndefined();
  });
});
