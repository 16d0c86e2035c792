// SPDX-License-Identifier: Apache-2.0
// Contract test: the same scenarios against FakeKernel and the real kernel (IpRoute2Kernel in throwaway vct-kc-*
// namespaces, 10.99.0.0/16) must leave the same observable state and fail with the same error kinds, so unit tests
// written against the fake mean something. Root only.
import { type TempNetns, createTempNetns, isRoot } from '../testing/netns';
import { FakeKernel } from './fakes/fake-kernel';
import { IpRoute2Kernel } from './iproute2-kernel';
import { type Kernel, type KernelSnapshot } from './kernel-port';
import { type NetnsRef } from './netns';

const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('kernel-contract.privileged.spec: skipped (needs root)');

interface World {
  readonly kernel: Kernel;
  readonly host: NetnsRef;
  readonly pod: NetnsRef;
}

/** What both must agree on (kernel-made IPv6 link-local/multicast details and indexes left out). */
function view(s: KernelSnapshot) {
  return {
    links: s.links
      .map((l) => ({ name: l.name, kind: l.kind, mtu: l.mtu, up: l.up, ...(l.kind === 'veth' ? { mac: l.mac } : {}) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    addresses: s.addresses
      .filter((a) => a.dev !== 'lo' && a.scope !== 'link')
      .map((a) => `${a.dev} ${a.cidr} ${a.scope}`)
      .sort(),
    routes: s.routes
      .filter(
        (r) => r.table !== 255 && !r.dst.startsWith('fe80:') && !r.dst.startsWith('ff00:') && r.type !== 'multicast',
      )
      .map((r) => `${r.family} t${r.table} ${r.dst} ${r.via ?? '-'} ${r.dev ?? '-'} ${r.scope}`)
      .sort(),
    rules: s.rules
      .map(
        (r) =>
          `${r.family} ${r.priority} ${r.from ?? '*'} ${r.to ?? '*'} ${r.iif ?? '*'} ${r.fwmark ?? '*'} t${r.table}`,
      )
      .sort(),
    neighbours: s.neighbours
      .filter((n) => n.state.includes('PERMANENT'))
      .map((n) => `${n.dev} ${n.ip} ${n.mac}`)
      .sort(),
  };
}

async function scenario(w: World): Promise<void> {
  const { kernel, host, pod } = w;
  await kernel
    .batch(pod)
    .addVeth({
      name: 'eth0',
      peerName: 'enikc0',
      peerNetns: host,
      mac: '02:99:00:00:01:02',
      peerMac: '02:99:00:00:01:01',
      mtu: 1450,
    })
    .setLinkUp('eth0')
    .replaceRoute({ dst: '169.254.1.1', dev: 'eth0', scope: 'link' })
    .replaceRoute({ dst: 'default', via: '169.254.1.1', dev: 'eth0' })
    .addAddress({ dev: 'eth0', cidr: '10.99.70.2/32' })
    .replaceNeighbour({ dev: 'eth0', ip: '169.254.1.1', mac: '02:99:00:00:01:01' })
    .commit();
  await kernel
    .batch(host)
    .setLinkUp('enikc0')
    .addIfb('ifbkc0')
    .addAddress({ dev: 'ifbkc0', cidr: '10.99.71.1/24' })
    .replaceRoute({ dst: '10.99.70.2', dev: 'enikc0', scope: 'link' })
    .replaceRoute({ dst: '10.99.70.2', dev: 'enikc0', scope: 'link', table: 5 })
    .addRule({ to: '10.99.70.2', table: 'main', priority: 512 }, { existOk: true })
    .addRule({ from: '10.99.70.2', table: 5, priority: 1536 }, { existOk: true })
    .addRule({ from: '10.99.70.2', table: 5, priority: 1536 }, { existOk: true })
    .addRule({ fwmark: 0x80, fwmask: 0x80, table: 'main', priority: 1024 })
    .addRule({ from: 'fd99::7', table: 6, priority: 1536 })
    .renameLink('ifbkc0', 'ifbkc1')
    .setLinkMtu('ifbkc1', 1400)
    .commit();
  await kernel
    .batch(host)
    .deleteRules({ fwmark: 0x80, priority: 1024 })
    .deleteRule({ from: 'fd99::7', table: 6, priority: 1536 })
    .commit();
}

/** Operations that must fail, and how. */
const failures: Array<[string, (w: World) => Promise<unknown>]> = [
  ['duplicate veth', (w) => w.kernel.batch(w.pod).addVeth({ name: 'eth0', peerName: 'x0' }).commit()],
  ['duplicate address', (w) => w.kernel.batch(w.pod).addAddress({ dev: 'eth0', cidr: '10.99.70.2/32' }).commit()],
  [
    'duplicate route',
    (w) => w.kernel.batch(w.host).addRoute({ dst: '10.99.70.2', dev: 'enikc0', scope: 'link' }).commit(),
  ],
  [
    'duplicate rule',
    (w) => w.kernel.batch(w.host).addRule({ to: '10.99.70.2', table: 'main', priority: 512 }).commit(),
  ],
  ['missing device', (w) => w.kernel.batch(w.pod).setLinkUp('nosuch0').commit()],
  [
    'route on missing device',
    (w) => w.kernel.batch(w.pod).replaceRoute({ dst: '10.99.9.0/24', dev: 'nosuch0' }).commit(),
  ],
  [
    'delete missing rule',
    (w) => w.kernel.batch(w.host).deleteRule({ to: '10.99.9.9', table: 'main', priority: 512 }).commit(),
  ],
  ['delete missing route', (w) => w.kernel.batch(w.host).deleteRoute({ dst: '10.99.9.9', dev: 'enikc0' }).commit()],
  ['delete missing address', (w) => w.kernel.batch(w.pod).deleteAddress('eth0', '10.99.9.9/32').commit()],
  ['delete missing link', (w) => w.kernel.batch(w.pod).deleteLink('nosuch0').commit()],
  ['rename onto a taken name', (w) => w.kernel.batch(w.host).renameLink('enikc0', 'ifbkc1').commit()],
];

d('FakeKernel and IpRoute2Kernel agree', () => {
  let realHost: TempNetns;
  let realPod: TempNetns;
  let real: World;
  let fake: World;

  beforeAll(async () => {
    realHost = await createTempNetns({ prefix: 'vct-kc' });
    realPod = await createTempNetns({ prefix: 'vct-kc' });
    real = { kernel: new IpRoute2Kernel(), host: realHost.ref, pod: realPod.ref };
    const fk = new FakeKernel();
    fake = { kernel: fk, host: await fk.createNetns('host'), pod: await fk.createNetns('pod') };
    await fk.batch(fake.host).setLinkUp('lo').commit();
    await fk.batch(fake.pod).setLinkUp('lo').commit();
    await scenario(real);
    await scenario(fake);
  });
  afterAll(async () => {
    await realPod?.destroy();
    await realHost?.destroy();
  });

  it('same state in both namespaces after the scenario', async () => {
    for (const side of ['host', 'pod'] as const) {
      expect(view(await fake.kernel.snapshot(fake[side]))).toEqual(view(await real.kernel.snapshot(real[side])));
    }
  });

  it.each(failures)('same error kind: %s', async (_name, op) => {
    const r = await op(real).then(
      () => 'ok',
      (e: { kind?: string }) => e.kind,
    );
    const f = await op(fake).then(
      () => 'ok',
      (e: { kind?: string }) => e.kind,
    );
    expect(f).toBe(r);
    expect(r).not.toBe('ok');
  });
});
