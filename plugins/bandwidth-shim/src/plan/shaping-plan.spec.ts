import { burstTooSmall, ipBatch, planShaping, tcBatch } from './shaping-plan';

const host = { name: 'veth1234', mtu: 1460 };
const none = { ingressRate: 0, ingressBurst: 0, egressRate: 0, egressBurst: 0 };

describe('planShaping', () => {
  it('plans a root tbf on the host veth for ingress only', () => {
    const plan = planShaping(
      { ...none, ingressRate: 8_000_000, ingressBurst: 800_000 },
      host,
      'bwpx',
      'aa:bb:cc:dd:ee:ff',
    );
    expect(plan.egress).toBeUndefined();
    expect(ipBatch(plan)).toEqual([]);
    expect(tcBatch(plan)).toEqual([
      'qdisc add dev veth1234 root handle 1: tbf rate 1000000bps burst 100000 limit 125000',
    ]);
  });

  it('plans ifb + ingress qdisc + mirred redirect + tbf on the ifb for egress', () => {
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
    expect(tcBatch(plan)).toEqual([
      'qdisc add dev veth1234 handle ffff: ingress',
      'filter add dev veth1234 parent ffff: protocol all prio 1 u32 match u32 0 0 flowid 1:1 action mirred egress redirect dev bwpabc',
      'qdisc add dev bwpabc root handle 1: tbf rate 500000bps burst 50000 limit 62500',
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
