import type { ImdsInterface } from '../ports';
import { MemoryLogger } from '../ports';
import { FakeClock } from '../testing';
import { IpamdRuntime, type SideService } from './ipamd-runtime';
import type { NodeInfo } from '../pool';

const iface = (vpcCidrs: string[]): ImdsInterface => ({
  mac: '0a:00:00:00:00:01',
  eniId: 'eni-0',
  deviceNumber: 0,
  networkCard: 0,
  subnetId: 'subnet-1',
  vpcId: 'vpc-1',
  vpcCidrs,
  securityGroupIds: [],
  localIpv4s: ['10.0.0.10'],
  ipv4Prefixes: [],
});

function rig() {
  const clock = new FakeClock();
  const log: string[] = [];
  let cidrs = ['10.0.0.0/16'];
  const node = { identity: { primaryMac: '0a:00:00:00:00:01' }, vpcCidrs: cidrs } as unknown as NodeInfo;
  let started = false;
  const daemon = {
    start: async () => void (log.push('daemon start'), (started = true)),
    stop: async () => void log.push('daemon stop'),
    get node() {
      return started ? node : undefined;
    },
  };
  const svc = (name: string, beforeDaemon = false): SideService => ({
    name,
    beforeDaemon,
    start: () => void log.push(`${name} start`),
    stop: () => void log.push(`${name} stop`),
  });
  const changes: string[][] = [];
  const rt = new IpamdRuntime({
    daemon,
    clock,
    imds: { identity: async () => ({}) as never, interfaces: async () => [iface(cidrs)] },
    logger: new MemoryLogger(),
    services: [svc('kube', true), svc('metrics'), svc('introspection')],
    onVpcCidrsChanged: async (c) => void changes.push([...c]),
    vpcCidrPollMs: 30_000,
  });
  return { rt, clock, log, changes, setCidrs: (c: string[]) => (cidrs = c) };
}

describe('IpamdRuntime', () => {
  it('starts "before" services, then the daemon, then the rest; stops in reverse, daemon last', async () => {
    const r = rig();
    await r.rt.start();
    await r.rt.stop();
    expect(r.log).toEqual([
      'kube start',
      'daemon start',
      'metrics start',
      'introspection start',
      'introspection stop',
      'metrics stop',
      'kube stop',
      'daemon stop',
    ]);
  });

  it('re-reads the VPC CIDRs every 30 s and reports only a change', async () => {
    const r = rig();
    await r.rt.start();
    await r.clock.advance(30_000);
    expect(r.changes).toEqual([]);
    r.setCidrs(['10.0.0.0/16', '100.64.0.0/16']);
    await r.clock.advance(30_000);
    await r.clock.advance(30_000);
    expect(r.changes).toEqual([['10.0.0.0/16', '100.64.0.0/16']]);
    await r.rt.stop();
  });
});
