import { CniError } from '@vpc-cni-ts/sdk/errors';
import { formatIp, type IpAddress, tryParseIp } from '@vpc-cni-ts/sdk/kernel';
import { type CniRequest } from '@vpc-cni-ts/sdk/skel';

import { type EgressRange } from '../config/egress-config';
import { nextFree } from '../ipam/allocator';
import { type LeaseStore } from '../ipam/lease-store';
import { type EgressKernel } from '../kernel/egress-kernel';
import { type Logger } from '../log/file-logger';
import { type EgressPlan, snatRemoval } from '../plan/egress-plan';
import { egressHandlers } from './egress-handlers';

/** Node state in memory: sysctls, pod interfaces, and iptables-save text per family. */
class FakeKernel implements EgressKernel {
  sysctls = new Map<string, string>();
  podIfs = new Map<string, EgressPlan>();
  rules: Record<4 | 6, string[]> = {
    4: ['*nat', ':POSTROUTING ACCEPT [0:0]', 'COMMIT'],
    6: ['*nat', ':POSTROUTING ACCEPT [0:0]', 'COMMIT'],
  };
  netnsGone = false;
  failCreate = false;
  async setHostSysctl(path: string, value: string) {
    this.sysctls.set(path, value);
  }
  async createInterfaces(netns: string, plan: EgressPlan) {
    if (this.failCreate) throw new Error('RTNETLINK answers: File exists');
    this.podIfs.set(netns, plan);
  }
  async deletePodInterface(netns: string) {
    if (this.netnsGone) return [];
    const p = this.podIfs.get(netns);
    this.podIfs.delete(netns);
    return p ? [formatIp(p.podIp)] : [];
  }
  async saveRules(family: 4 | 6) {
    return this.rules[family].join('\n') + '\n';
  }
  async restoreRules(family: 4 | 6, input: string) {
    if (!input) return;
    const lines = input.split('\n').filter((l) => l && l !== 'COMMIT' && !l.startsWith('*'));
    for (const l of lines) {
      if (l.startsWith('-D ')) this.rules[family] = this.rules[family].filter((r) => r !== `-A ${l.slice(3)}`);
      else if (l.startsWith('-X '))
        this.rules[family] = this.rules[family].filter((r) => !r.startsWith(`:${l.slice(3)} `));
      else if (l.startsWith('-F '))
        this.rules[family] = this.rules[family].filter((r) => !r.startsWith(`-A ${l.slice(3)} `));
      else this.rules[family].splice(this.rules[family].length - 1, 0, l);
    }
  }
  async netnsExists() {
    return !this.netnsGone;
  }
}

class MemoryLeases implements LeaseStore {
  leases = new Map<string, string>(); // ip -> cid/if
  last?: string;
  async acquire(cid: string, ifName: string, range: EgressRange): Promise<IpAddress> {
    const mine = await this.find(cid, ifName);
    if (mine[0]) return mine[0];
    const ip = nextFree(range, new Set(this.leases.keys()), this.last);
    if (!ip) throw new Error('range full');
    this.leases.set(formatIp(ip), `${cid}/${ifName}`);
    this.last = formatIp(ip);
    return ip;
  }
  async find(cid: string, ifName: string): Promise<IpAddress[]> {
    return [...this.leases].filter(([, v]) => v === `${cid}/${ifName}`).map(([k]) => tryParseIp(k)!);
  }
  async release(cid: string, ifName: string): Promise<IpAddress[]> {
    const mine = await this.find(cid, ifName);
    for (const ip of mine) this.leases.delete(formatIp(ip));
    return mine;
  }
}

const quiet: Logger = { debug: () => undefined, info: () => undefined, error: () => undefined };
const prev = {
  cniVersion: '0.4.0',
  interfaces: [{ name: 'eni1' }, { name: 'eth0', sandbox: '/ns' }],
  ips: [{ version: '6', address: 'fd99::5/128', interface: 1 }],
};
const req = (extra: object = {}, command: CniRequest['command'] = 'ADD'): CniRequest => ({
  command,
  containerId: 'c1',
  netns: '/ns',
  ifName: 'eth0',
  args: '',
  config: {
    cniVersion: '0.4.0',
    name: 'aws-cni',
    type: 'egress-cni',
    enabled: 'true',
    nodeIP: '10.99.80.1',
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: '169.254.172.0/22' }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: '/d',
    },
    prevResult: prev,
    ...extra,
  },
});

describe('egress handlers', () => {
  let k: FakeKernel;
  let leases: MemoryLeases;
  let h: ReturnType<typeof egressHandlers>;
  beforeEach(() => {
    k = new FakeKernel();
    leases = new MemoryLeases();
    h = egressHandlers({
      kernel: k,
      leases: () => leases,
      logger: () => quiet,
      vethName: () => 'veth00000001',
      mac: () => '02:00:00:00:00:09',
    });
  });

  it('ADD leases, enables forwarding, creates the pair, adds SNAT and appends both interfaces', async () => {
    const r = (await h.add(req())) as { interfaces: unknown[]; ips: unknown[] };
    expect(k.sysctls.get('net/ipv4/ip_forward')).toBe('1');
    expect(formatIp(k.podIfs.get('/ns')!.podIp)).toBe('169.254.172.2');
    expect(k.rules[4].join('\n')).toMatch(/-A POSTROUTING -s 169\.254\.172\.2\/32 .* -j CNI-E4-/);
    expect(r.interfaces.slice(2)).toEqual([
      { name: 'veth00000001', mac: '02:00:00:00:00:09' },
      { name: 'v4if0', mac: '02:00:00:00:00:09', sandbox: '/ns' },
    ]);
    expect(r.ips).toEqual(prev.ips);
    await h.check(req({}, 'CHECK'));
  });

  it('a failed interface creation undoes the lease', async () => {
    k.failCreate = true;
    await expect(h.add(req())).rejects.toThrow(/File exists/);
    expect(leases.leases.size).toBe(0);
  });

  it('DEL after the namespace is gone removes chain, jump and lease from the store', async () => {
    await h.add(req());
    k.netnsGone = true;
    await h.del(req({}, 'DEL'));
    expect(k.rules[4].join('\n')).not.toContain('CNI-E4-');
    expect(leases.leases.size).toBe(0);
    await h.del(req({}, 'DEL'));
  });

  it('disabled: ADD passes prevResult through; DEL only cleans a lease that exists', async () => {
    expect(await h.add(req({ enabled: 'false' }))).toEqual(prev);
    expect(k.podIfs.size).toBe(0);
    await h.del(req({ enabled: 'false' }, 'DEL'));
    await h.add(req());
    await h.del(req({ enabled: 'false' }, 'DEL'));
    expect(leases.leases.size).toBe(0);
  });

  it('ADD without prevResult is error 7', async () => {
    const err = await h.add(req({ prevResult: undefined })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(7);
  });

  it('CHECK fails when the SNAT jump is gone', async () => {
    await h.add(req());
    const chain = k.podIfs.get('/ns')!.chain;
    await k.restoreRules(4, snatRemoval(chain, await k.saveRules(4)));
    await expect(h.check(req({}, 'CHECK'))).rejects.toThrow(/SNAT jump to CNI-E4-[0-9a-f]+ is missing/);
  });
});
