/* eslint-disable @typescript-eslint/no-explicit-any -- the tests read arbitrary result JSON */
/**
 * The handlers end to end through the SDK dispatcher, with the SDK's stateful FakeKernel and an in-memory ipamd.
 * The branch-ENI (VLAN) cases run only here: this machine's kernel has no 8021q, so the privileged e2e can only show
 * that path failing cleanly.
 */
import { pluginMain } from '@vpc-cni-ts/sdk';
import { HOST_NETNS, type KernelSnapshot, type NetnsRef } from '@vpc-cni-ts/sdk/kernel';
import { FakeKernel } from '@vpc-cni-ts/sdk/kernel/fakes';
import { memoryIo } from '@vpc-cni-ts/sdk/testing';

import { AWS_CNI_INFO, createAwsCniHandlers } from './plugin';
import { FakeIpamd, FakeNpAgent } from './testing/fake-ipamd';

const NETNS = '/run/netns/cni-test';
const HOST_MAC = '02:aa:bb:cc:dd:01';
const HOST_MAC2 = '02:aa:bb:cc:dd:02';
const VETH = 'enic440f455693'; // eni + sha1("default.nginx")[0:11]
const ARGS =
  'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=nginx;K8S_POD_INFRA_CONTAINER_ID=ctr-1;K8S_POD_UID=u1';
const conf = (over: Record<string, unknown> = {}) => ({
  cniVersion: '0.4.0',
  name: 'aws-cni',
  type: 'aws-cni',
  vethPrefix: 'eni',
  mtu: '9001',
  podSGEnforcingMode: 'strict',
  pluginLogFile: '',
  pluginLogLevel: 'fatal',
  ...over,
});
const bare = (a?: string) => (a ?? '').replace(/\/(32|128)$/, '');

interface Env {
  kernel: FakeKernel;
  ipamd: FakeIpamd;
  np: FakeNpAgent;
  pod: NetnsRef;
  run(
    command: string,
    c: Record<string, unknown>,
    env?: Record<string, string | undefined>,
  ): Promise<{ code?: number; json: any }>;
}

async function setup(
  opts: {
    pool?: { ipv4Addr: string; ipv6Addr: string; deviceNumber: number; routeTableId: number }[];
    kernel?: FakeKernel;
  } = {},
): Promise<Env> {
  const kernel = opts.kernel ?? new FakeKernel();
  const pod = await kernel.createNetns('cni-test');
  const ipamd = new FakeIpamd(
    opts.pool ?? [
      { ipv4Addr: '10.99.2.9', ipv6Addr: '', deviceNumber: 2, routeTableId: 3 },
      { ipv4Addr: '10.99.3.7', ipv6Addr: '', deviceNumber: 1, routeTableId: 2 },
    ],
  );
  const np = new FakeNpAgent();
  const run: Env['run'] = async (command, c, env = {}) => {
    const macs = [HOST_MAC, HOST_MAC2];
    const handlers = createAwsCniHandlers({
      kernel: () => kernel,
      ipamd: () => ipamd,
      npAgent: () => np,
      randomMac: () => macs.shift() ?? '02:00:00:00:00:09',
    });
    const io = memoryIo(
      {
        CNI_COMMAND: command,
        CNI_CONTAINERID: 'ctr-1',
        CNI_NETNS: NETNS,
        CNI_IFNAME: 'eth0',
        CNI_ARGS: ARGS,
        CNI_PATH: '/opt/cni/bin',
        ...env,
      },
      JSON.stringify(c),
    );
    await pluginMain(handlers, AWS_CNI_INFO, io);
    return { code: io.out.exitCode, json: io.out.stdout ? JSON.parse(io.out.stdout) : undefined };
  };
  return { kernel, ipamd, np, pod, run };
}

const ourRules = (s: KernelSnapshot) => s.rules.filter((r) => r.priority !== 0 && r.priority < 32766);

describe('ADD, regular pod on a secondary ENI', () => {
  it("wires pod and host sides and prints upstream's result in 0.4.0", async () => {
    const e = await setup();
    const r = await e.run('ADD', conf());
    expect(r.code).toBe(0);
    expect(r.json).toEqual({
      cniVersion: '0.4.0',
      interfaces: [
        { name: VETH },
        { name: 'eth0', mac: '3', sandbox: NETNS },
        { name: 'dummyc440f455693', mac: '0', sandbox: '2' },
      ],
      ips: [{ version: '4', address: '10.99.2.9/32', interface: 1 }],
    });
    const host = await e.kernel.snapshot(HOST_NETNS);
    const pod = await e.kernel.snapshot(e.pod);
    expect(host.links.find((l) => l.name === VETH)).toMatchObject({ mac: HOST_MAC, mtu: 9001, up: true, kind: 'veth' });
    expect(pod.links.find((l) => l.name === 'eth0')).toMatchObject({ mtu: 9001, up: true });
    expect(pod.addresses.filter((a) => a.dev === 'eth0').map((a) => a.cidr)).toEqual(['10.99.2.9/32']);
    expect(pod.routes.filter((r) => r.table === 254).map((r) => [bare(r.dst), r.via, r.dev, r.scope])).toEqual(
      expect.arrayContaining([
        ['169.254.1.1', undefined, 'eth0', 'link'],
        ['default', '169.254.1.1', 'eth0', 'global'],
      ]),
    );
    expect(pod.neighbours).toEqual([
      expect.objectContaining({ dev: 'eth0', ip: '169.254.1.1', mac: HOST_MAC, state: ['PERMANENT'] }),
    ]);
    expect(host.routes.find((r) => bare(r.dst) === '10.99.2.9')).toMatchObject({
      dev: VETH,
      table: 254,
      scope: 'link',
    });
    expect(ourRules(host).map((r) => [r.priority, bare(r.from), bare(r.to), r.table])).toEqual([
      [512, '', '10.99.2.9', 254],
      [1536, '10.99.2.9', '', 3],
    ]);
    expect(await e.kernel.readSysctl(HOST_NETNS, `net/ipv6/conf/${VETH}/accept_ra`)).toBe('0');
    expect(e.ipamd.calls[0].req).toMatchObject({
      networkName: 'aws-cni',
      containerId: 'ctr-1',
      ifName: 'eth0',
      netns: NETNS,
      k8sPodName: 'nginx',
    });
  });

  it("prints each spec version's shape (0.2.0 ip4, 1.x without version)", async () => {
    for (const [v, check] of [
      ['0.2.0', (j: any) => expect(j.ip4).toEqual({ ip: '10.99.2.9/32' })],
      ['1.0.0', (j: any) => expect(j.ips).toEqual([{ address: '10.99.2.9/32', interface: 1 }])],
      ['1.1.0', (j: any) => expect(j.interfaces[2]).toEqual({ name: 'dummyc440f455693', mac: '0', sandbox: '2' })],
    ] as const) {
      const e = await setup();
      const r = await e.run('ADD', conf({ cniVersion: v }));
      expect(r.json.cniVersion).toBe(v);
      check(r.json);
    }
  });

  it('is idempotent for the same key: a second ADD replaces the veth and keeps the address', async () => {
    const e = await setup();
    await e.run('ADD', conf());
    const again = await e.run('ADD', conf());
    expect(again.code).toBe(0);
    expect(again.json.ips[0].address).toBe('10.99.2.9/32');
    expect(ourRules(await e.kernel.snapshot(HOST_NETNS))).toHaveLength(2);
  });

  it('primary ENI (table main): only the to-pod rule', async () => {
    const e = await setup({ pool: [{ ipv4Addr: '10.99.1.5', ipv6Addr: '', deviceNumber: 0, routeTableId: 254 }] });
    await e.run('ADD', conf());
    expect(ourRules(await e.kernel.snapshot(HOST_NETNS)).map((r) => r.priority)).toEqual([512]);
  });

  it('computes the table from the device number when ipamd leaves RouteTableId at 0', async () => {
    const e = await setup({ pool: [{ ipv4Addr: '10.99.4.4', ipv6Addr: '', deviceNumber: 4, routeTableId: 0 }] });
    const r = await e.run('ADD', conf());
    expect(r.json.interfaces[1].mac).toBe('5');
    expect(ourRules(await e.kernel.snapshot(HOST_NETNS)).find((x) => x.priority === 1536)?.table).toBe(5);
  });
});

describe('ADD failures', () => {
  it('missing namespace -> code 4 and ipamd is not asked', async () => {
    const e = await setup();
    const r = await e.run('ADD', conf(), { CNI_NETNS: '/run/netns/gone' });
    expect(r).toMatchObject({ code: 1, json: { code: 4 } });
    expect(r.json.msg).toMatch(/is not a network namespace/);
    expect(e.ipamd.calls).toHaveLength(0);
  });
  it('a CNI_NETNS that is not a path -> code 4', async () => {
    const e = await setup();
    const r = await e.run('ADD', conf(), { CNI_NETNS: 'relative/ns' });
    expect(r.json).toMatchObject({ code: 4 });
    expect(r.json.msg).toMatch(/CNI_NETNS "relative\/ns" is not a usable namespace path/);
    expect(e.ipamd.calls).toHaveLength(0);
  });
  it('ipamd unreachable -> code 11 naming the socket', async () => {
    const e = await setup();
    e.ipamd.down = true;
    const r = await e.run('ADD', conf());
    expect(r.json).toMatchObject({ code: 11 });
    expect(r.json.msg).toMatch(/ipamd is not answering on its socket \/fake\/ipamd.sock/);
  });
  it('ipamd refuses -> code 11 with the reason', async () => {
    const e = await setup();
    e.ipamd.refuseAdd = 'no available IP/Prefix addresses';
    const r = await e.run('ADD', conf());
    expect(r.json).toMatchObject({
      code: 11,
      msg: 'ipamd could not assign an IP address to pod default/nginx: no available IP/Prefix addresses',
    });
  });
  it('a kernel failure half way undoes everything and returns the address with SetupNSFailed', async () => {
    const e = await setup();
    const before = await e.kernel.snapshot(HOST_NETNS);
    e.kernel.failNext((op) => op.kind === 'add-rule', 'failed', 'injected: no rule for you');
    const r = await e.run('ADD', conf());
    expect(r.json.code).toBe(999);
    expect(r.json.msg).toMatch(/failed to set up the pod network: .*injected: no rule for you/);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
    expect((await e.kernel.snapshot(e.pod)).links.map((l) => l.name)).toEqual(['lo']);
    expect(e.ipamd.calls.at(-1)).toMatchObject({
      method: 'del',
      req: { reason: 'SetupNSFailed', containerId: 'ctr-1' },
    });
    expect(e.ipamd.allocations.size).toBe(0);
  });
  it('IPv6 with an MTU below 1280 -> code 7, address returned', async () => {
    const e = await setup({ pool: [{ ipv4Addr: '', ipv6Addr: 'fd99::5', deviceNumber: 0, routeTableId: 254 }] });
    const r = await e.run('ADD', conf({ mtu: 1000 }));
    expect(r.json).toMatchObject({ code: 7 });
    expect(r.json.msg).toMatch(/mtu 1000 is below 1280/);
    expect(e.ipamd.allocations.size).toBe(0);
  });
  it('IPv6 DAD that never finishes times out and rolls back', async () => {
    const e = await setup({
      pool: [{ ipv4Addr: '', ipv6Addr: 'fd99::5', deviceNumber: 0, routeTableId: 254 }],
      kernel: new FakeKernel({ dadPolls: 1e6 }),
    });
    const r = await e.run('ADD', conf());
    expect(r.json.code).toBe(999);
    expect(r.json.msg).toMatch(/wait for DAD.*still tentative/);
    expect(ourRules(await e.kernel.snapshot(HOST_NETNS))).toEqual([]);
    expect(e.ipamd.allocations.size).toBe(0);
  });
});

describe('ADD, IPv6 pod', () => {
  it('enables IPv6 in the pod, waits for DAD, uses fe80::1 and /128', async () => {
    const e = await setup({
      pool: [{ ipv4Addr: '', ipv6Addr: 'fd99::5', deviceNumber: 0, routeTableId: 254 }],
      kernel: new FakeKernel({ dadPolls: 2 }),
    });
    const r = await e.run('ADD', conf({ cniVersion: '1.0.0' }));
    expect(r.json.ips).toEqual([{ address: 'fd99::5/128', interface: 1 }]);
    const pod = await e.kernel.snapshot(e.pod);
    expect(pod.addresses.find((a) => a.cidr === 'fd99::5/128')).toMatchObject({ tentative: false });
    expect(pod.neighbours).toEqual([expect.objectContaining({ ip: 'fe80::1', mac: HOST_MAC, state: ['PERMANENT'] })]);
    expect(await e.kernel.readSysctl(e.pod, 'net/ipv6/conf/eth0/disable_ipv6')).toBe('0');
    expect(ourRules(await e.kernel.snapshot(HOST_NETNS))).toEqual([
      expect.objectContaining({ family: 6, priority: 512 }),
    ]);
  });
});

describe('ADD, multi-NIC pod', () => {
  it('makes one pair per address with mNicIf1, gateway .2, pod table 1 behind a priority-1 rule', async () => {
    const e = await setup();
    e.ipamd.perPod = 2;
    const r = await e.run(
      'ADD',
      conf({
        runtimeConfig: {
          'io.kubernetes.cri.pod-annotations': { 'k8s.amazonaws.com/nicConfig': 'multi-nic-attachment' },
        },
      }),
    );
    expect(r.json.interfaces.map((i: any) => i.name)).toEqual([
      VETH,
      'eth0',
      'enie48ae9c2f34',
      'mNicIf1',
      'dummyc440f455693',
    ]);
    expect(e.ipamd.calls[0].req).toMatchObject({ requiresMultiNicAttachment: true });
    const pod = await e.kernel.snapshot(e.pod);
    expect(pod.rules.find((x) => x.priority === 1)).toMatchObject({ table: 1 });
    expect(pod.routes.find((x) => x.table === 1 && x.dst === 'default')).toMatchObject({
      via: '169.254.1.2',
      dev: 'mNicIf1',
    });
    const del = await e.run('DEL', { ...conf(), prevResult: r.json });
    expect(del.code).toBe(0);
    expect(ourRules(await e.kernel.snapshot(HOST_NETNS))).toEqual([]);
    expect((await e.kernel.snapshot(e.pod)).rules.some((x) => x.priority === 1)).toBe(false);
  });
});

describe('DEL', () => {
  async function added() {
    const e = await setup();
    const before = await e.kernel.snapshot(HOST_NETNS);
    const add = await e.run('ADD', conf());
    return { e, before, prev: add.json };
  }

  it('releases the address, removes every rule, route and the veth; twice is fine (with then without netns)', async () => {
    const { e, before, prev } = await added();
    expect((await e.run('DEL', { ...conf(), prevResult: prev })).code).toBe(0);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
    expect(e.ipamd.allocations.size).toBe(0);
    expect(e.ipamd.calls.at(-1)?.req).toMatchObject({ reason: 'PodDeleted', k8sPodUid: 'u1' });
    const again = await e.run('DEL', conf(), { CNI_NETNS: undefined });
    expect(again).toEqual({ code: 0, json: undefined });
  });
  it("without prevResult (cniVersion < 0.4.0) uses ipamd's reply and the computed veth name", async () => {
    const { e, before } = await added();
    expect((await e.run('DEL', conf({ cniVersion: '0.3.1' }))).code).toBe(0);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
  });
  it('with ipamd down tears down from prevResult and succeeds; ipamd keeps the address', async () => {
    const { e, before, prev } = await added();
    e.ipamd.down = true;
    expect((await e.run('DEL', { ...conf(), prevResult: prev })).code).toBe(0);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
    expect(e.ipamd.allocations.size).toBe(1);
  });
  it('"datastore: unknown pod" is success and still cleans up', async () => {
    const { e, before, prev } = await added();
    e.ipamd.allocations.clear();
    expect((await e.run('DEL', { ...conf(), prevResult: prev })).code).toBe(0);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
  });
  it('Success=false is an error with the reason (code 11)', async () => {
    const { e, prev } = await added();
    e.ipamd.refuseDel = 'checkpoint write failed';
    const r = await e.run('DEL', { ...conf(), prevResult: prev });
    expect(r.json).toMatchObject({ code: 11 });
    expect(r.json.msg).toMatch(/checkpoint write failed/);
  });
  it('succeeds when the pod namespace is already gone', async () => {
    const { e, before, prev } = await added();
    e.kernel.removeNetns(e.pod);
    expect((await e.run('DEL', { ...conf(), prevResult: prev })).code).toBe(0);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
  });
  it('succeeds with nothing at all (no prevResult, no netns, ipamd down)', async () => {
    const e = await setup();
    e.ipamd.down = true;
    expect((await e.run('DEL', conf(), { CNI_NETNS: undefined })).code).toBe(0);
  });
  it("does not trust host links of a prevResult that is not aws-cni's", async () => {
    const { e, prev } = await added();
    e.ipamd.down = true;
    const foreign = { cniVersion: '0.4.0', interfaces: [{ name: VETH }, { name: 'eth0', sandbox: NETNS }], ips: [] };
    await e.run('DEL', { ...conf({ vethPrefix: 'xyz' }), prevResult: foreign });
    expect((await e.kernel.snapshot(HOST_NETNS)).links.some((l) => l.name === VETH)).toBe(true);
    void prev;
  });
});

describe('CHECK', () => {
  it('passes after ADD and names what is missing afterwards', async () => {
    const e = await setup();
    const add = await e.run('ADD', conf());
    expect((await e.run('CHECK', { ...conf(), prevResult: add.json })).code).toBe(0);
    await e.kernel.batch(HOST_NETNS).deleteRules({ family: 4, priority: 1536 }).commit();
    await e.kernel.batch(e.pod).deleteNeighbour('eth0', '169.254.1.1').commit();
    const r = await e.run('CHECK', { ...conf(), prevResult: add.json });
    expect(r.json.code).toBe(999);
    expect(r.json.msg).toBe(
      'CHECK failed: pod: permanent neighbour entry for 169.254.1.1 on eth0 is missing; host: rule from 10.99.2.9 lookup 3 at priority 1536 is missing',
    );
  });
  it('reports a missing host veth and pod interface', async () => {
    const e = await setup();
    const add = await e.run('ADD', conf());
    await e.kernel.batch(HOST_NETNS).deleteLink(VETH).commit();
    const r = await e.run('CHECK', { ...conf(), prevResult: add.json });
    expect(r.json.msg).toMatch(/pod: interface eth0 is missing/);
    expect(r.json.msg).toMatch(/host: veth enic440f455693 is missing/);
  });
  it('needs an aws-cni prevResult', async () => {
    const e = await setup();
    expect((await e.run('CHECK', conf())).json).toMatchObject({ code: 7 });
  });
});

describe('branch ENI (security groups for pods) — FakeKernel only: this machine has no 8021q', () => {
  async function branchSetup() {
    const kernel = new FakeKernel({ vlanSupported: true });
    // the trunk ENI
    await kernel.batch(HOST_NETNS).addVeth({ name: 'eth1', peerName: 'eth1p', mac: '0a:00:00:00:00:01' }).commit();
    const trunk = await kernel.getLink(HOST_NETNS, 'eth1');
    const e = await setup({
      kernel,
      pool: [{ ipv4Addr: '10.99.8.20', ipv6Addr: '', deviceNumber: 0, routeTableId: 0 }],
    });
    e.ipamd.branch = { vlanId: 7, eniMac: '0A:00:00:00:00:07', subnetGw: '10.99.8.1', parentIfIndex: trunk!.index };
    return e;
  }

  it('strict: vlan-prefixed veth, VLAN link with the branch MAC, table 107, iif rules at 10, result carries the VLAN id', async () => {
    const e = await branchSetup();
    const r = await e.run('ADD', conf());
    expect(r.code).toBe(0);
    expect(r.json.interfaces).toEqual([
      { name: 'vlanc440f455693' },
      { name: 'eth0', mac: '0', sandbox: NETNS },
      { name: 'dummyc440f455693', mac: '7', sandbox: '-1' },
    ]);
    expect(r.json.ips).toEqual([{ version: '4', address: '10.99.8.20/32', gateway: '10.99.8.1', interface: 1 }]);
    const host = await e.kernel.snapshot(HOST_NETNS);
    expect(host.links.find((l) => l.name === 'vlan.eth.7')).toMatchObject({
      kind: 'vlan',
      vlanId: 7,
      mac: '0a:00:00:00:00:07',
      up: true,
    });
    expect(host.routes.filter((x) => x.table === 107).map((x) => [bare(x.dst), x.via, x.dev])).toEqual(
      expect.arrayContaining([
        ['10.99.8.1', undefined, 'vlan.eth.7'],
        ['default', '10.99.8.1', 'vlan.eth.7'],
        ['10.99.8.20', undefined, 'vlanc440f455693'],
      ]),
    );
    expect(ourRules(host).map((x) => [x.priority, x.iif, x.table])).toEqual([
      [10, 'vlan.eth.7', 107],
      [10, 'vlanc440f455693', 107],
    ]);
  });

  it('strict DEL tears down locally from prevResult and never calls ipamd', async () => {
    const e = await branchSetup();
    const before = await e.kernel.snapshot(HOST_NETNS);
    const add = await e.run('ADD', conf());
    const calls = e.ipamd.calls.length;
    expect((await e.run('DEL', { ...conf(), prevResult: add.json })).code).toBe(0);
    expect(e.ipamd.calls).toHaveLength(calls);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
  });

  it('standard: configured prefix, to-pod at 512 and from-pod to table 107 at 1536; DEL cleans both modes', async () => {
    const e = await branchSetup();
    const before = await e.kernel.snapshot(HOST_NETNS);
    const add = await e.run('ADD', conf({ podSGEnforcingMode: 'standard' }));
    expect(add.json.interfaces[0]).toEqual({ name: VETH });
    expect(
      ourRules(await e.kernel.snapshot(HOST_NETNS)).map((x) => [x.priority, bare(x.from), bare(x.to), x.table]),
    ).toEqual([
      [512, '', '10.99.8.20', 254],
      [1536, '10.99.8.20', '', 107],
    ]);
    expect((await e.run('DEL', { ...conf({ podSGEnforcingMode: 'standard' }), prevResult: add.json })).code).toBe(0);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
  });

  it('without 8021q (vlanSupported: false, like this machine) ADD fails and leaves nothing', async () => {
    const kernel = new FakeKernel({ vlanSupported: false });
    await kernel.batch(HOST_NETNS).addVeth({ name: 'eth1', peerName: 'eth1p' }).commit();
    const trunk = await kernel.getLink(HOST_NETNS, 'eth1');
    const e = await setup({
      kernel,
      pool: [{ ipv4Addr: '10.99.8.20', ipv6Addr: '', deviceNumber: 0, routeTableId: 0 }],
    });
    e.ipamd.branch = { vlanId: 7, eniMac: '0a:00:00:00:00:07', subnetGw: '10.99.8.1', parentIfIndex: trunk!.index };
    const before = await kernel.snapshot(HOST_NETNS);
    const r = await e.run('ADD', conf());
    expect(r.json.code).toBe(999);
    expect(await kernel.snapshot(HOST_NETNS)).toEqual(before);
  });
});

describe('STATUS', () => {
  it('is fine when ipamd serves, code 50 when it does not', async () => {
    const e = await setup();
    expect((await e.run('STATUS', conf({ cniVersion: '1.1.0' }))).code).toBe(0);
    e.ipamd.down = true;
    expect((await e.run('STATUS', conf({ cniVersion: '1.1.0' }))).json).toMatchObject({ code: 50 });
  });
});

describe('network policy agent (when ipamd reports a NetworkPolicyMode)', () => {
  it('ADD enforces with the mode and interface count; DEL removes', async () => {
    const e = await setup();
    e.ipamd.networkPolicyMode = 'standard';
    const add = await e.run('ADD', conf());
    expect(add.code).toBe(0);
    expect(e.np.enforced.get('default/nginx')).toEqual({ mode: 'standard', interfaceCount: 1 });
    expect((await e.run('DEL', { ...conf(), prevResult: add.json })).code).toBe(0);
    expect(e.np.enforced.size).toBe(0);
  });
  it('ADD fails and rolls back when the agent cannot enforce; DEL only logs its failure', async () => {
    const e = await setup();
    e.ipamd.networkPolicyMode = 'strict';
    const before = await e.kernel.snapshot(HOST_NETNS);
    e.np.fail = true;
    const r = await e.run('ADD', conf());
    expect(r.json.msg).toMatch(/network policy agent could not enforce/);
    expect(await e.kernel.snapshot(HOST_NETNS)).toEqual(before);
    expect(e.ipamd.allocations.size).toBe(0);
    e.np.fail = false;
    const add = await e.run('ADD', conf());
    e.np.fail = true;
    expect((await e.run('DEL', { ...conf(), prevResult: add.json })).code).toBe(0);
  });
  it('is not called without a mode', async () => {
    const e = await setup();
    e.np.fail = true;
    expect((await e.run('ADD', conf())).code).toBe(0);
  });
});
