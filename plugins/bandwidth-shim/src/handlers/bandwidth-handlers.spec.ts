import { CniError } from '@vpc-cni-ts/sdk/errors';
import { type CniRequest } from '@vpc-cni-ts/sdk/skel';

import { type HostLink, type ObservedShaping, type ShapingKernel } from '../kernel/shaping-kernel';
import { ifbName } from '../plan/ifb-name';
import { type ShapingPlan } from '../plan/shaping-plan';
import { bandwidthHandlers, randomMac } from './bandwidth-handlers';

/** A host namespace in memory: links and what shaping exists on them. */
class FakeShaping implements ShapingKernel {
  links: HostLink[] = [
    { index: 1, name: 'lo', mtu: 65536, mac: '' },
    { index: 7, name: 'veth7', mtu: 1500, mac: '02:00:00:00:00:07' },
  ];
  peers = new Map<string, number | undefined>([['eth0', 7]]);
  applied = new Map<string, ShapingPlan>();
  async containerPeerIndex(_ns: string, ifName: string) {
    if (!this.peers.has(ifName)) throw new Error(`Device "${ifName}" does not exist`);
    return this.peers.get(ifName);
  }
  async hostLinks() {
    return this.links;
  }
  async apply(plan: ShapingPlan) {
    if (plan.egress) {
      if (this.links.some((l) => l.name === plan.egress!.ifb)) throw new Error('RTNETLINK answers: File exists');
      this.links.push({ index: 99, name: plan.egress.ifb, mtu: plan.egress.ifbMtu, mac: plan.egress.ifbMac });
    }
    this.applied.set(plan.hostVeth, plan);
  }
  async deleteLink(name: string) {
    this.links = this.links.filter((l) => l.name !== name);
  }
  async observe(veth: string, ifb: string): Promise<ObservedShaping> {
    const p = this.applied.get(veth);
    const hasIfb = this.links.some((l) => l.name === ifb);
    return {
      vethTbf: p?.ingress ? { rateBytes: p.ingress.rateBytes, burstBytes: p.ingress.burstBytes } : undefined,
      vethIngressQdisc: !!p?.egress,
      redirectsTo: p?.egress ? [p.egress.ifb] : [],
      ifbExists: hasIfb,
      ifbTbf: hasIfb && p?.egress ? { rateBytes: p.egress.rateBytes, burstBytes: p.egress.burstBytes } : undefined,
    };
  }
  async ticksPerUsec() {
    return 15.625;
  }
}

const prev = {
  cniVersion: '0.4.0',
  interfaces: [
    { name: 'veth7', mac: 'x' },
    { name: 'eth0', sandbox: '/ns' },
  ],
  ips: [{ version: '4', address: '10.99.1.2/24', interface: 1 }],
};
const limits = { ingressRate: 8e6, ingressBurst: 8e5, egressRate: 4e6, egressBurst: 4e5 };
const req = (config: object, command: CniRequest['command'] = 'ADD'): CniRequest => ({
  command,
  containerId: 'c1',
  netns: '/ns',
  ifName: 'eth0',
  args: '',
  config: { cniVersion: '0.4.0', name: 'net', type: 'bandwidth-shim', prevResult: prev, ...config } as Record<
    string,
    unknown
  >,
});

describe('bandwidth handlers', () => {
  let k: FakeShaping;
  let h: ReturnType<typeof bandwidthHandlers>;
  beforeEach(() => {
    k = new FakeShaping();
    h = bandwidthHandlers(k, () => '02:aa:00:00:00:01');
  });

  it('ADD shapes the host veth found through the pod peer, appends the ifb to the result; CHECK passes; DEL removes it', async () => {
    const r = (await h.add(req(limits))) as { interfaces: { name: string; mac?: string }[] };
    const ifb = ifbName('net', 'c1');
    expect(r.interfaces.at(-1)).toEqual({ name: ifb, mac: '02:aa:00:00:00:01' });
    expect(k.applied.get('veth7')?.ingress?.rateBytes).toBe(1e6);
    expect(k.links.find((l) => l.name === ifb)?.mtu).toBe(1500);
    await h.check(req(limits, 'CHECK'));
    await h.del(req({}, 'DEL'));
    expect(k.links.some((l) => l.name === ifb)).toBe(false);
    await h.del(req({}, 'DEL'));
  });

  it('CHECK fails when the ifb disappeared', async () => {
    await h.add(req(limits));
    await k.deleteLink(ifbName('net', 'c1'));
    await expect(h.check(req(limits, 'CHECK'))).rejects.toThrow(/ifb device bwp[0-9a-f]{12} is missing/);
  });

  it('refuses a main plugin that is not veth-based', async () => {
    k.peers.set('eth0', undefined);
    await expect(h.add(req(limits))).rejects.toThrow(/container interface eth0 has no veth peer/);
  });

  it('refuses a host veth that prevResult does not list', async () => {
    await expect(
      h.add(req({ ...limits, prevResult: { ...prev, interfaces: [{ name: 'eth0', sandbox: '/ns' }] } })),
    ).rejects.toThrow(/host interface veth7 \(peer of eth0\) is not among prevResult's host-side interfaces/);
  });

  it('ingress only creates no ifb and adds no interface', async () => {
    const r = (await h.add(req({ ingressRate: 1e6, ingressBurst: 1e5 }))) as { interfaces: unknown[] };
    expect(r.interfaces).toHaveLength(2);
    expect(k.links).toHaveLength(2);
  });

  it('a burst below one packet is a config error (code 7)', async () => {
    const err = await h.add(req({ egressRate: 1e6, egressBurst: 800 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(7);
  });

  it('randomMac gives locally administered unicast addresses', () => {
    expect(randomMac(Buffer.from([0xff, 1, 2, 3, 4, 5]))).toBe('fe:01:02:03:04:05');
    expect(randomMac()).toMatch(/^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/);
  });
});
