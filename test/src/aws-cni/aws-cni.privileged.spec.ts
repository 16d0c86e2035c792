/**
 * End to end on the real kernel: the bundled aws-cni driven by the SDK chain executor, with a namespace playing the
 * node (the plugin runs inside it through an nsenter wrapper, so the real root namespace is never touched), "pod"
 * namespaces, and a @grpc/grpc-js stand-in ipamd on a unix socket handing out 10.99.x addresses from a secondary ENI
 * (device 2, table 3). For every supported cniVersion: pods ping the node and each other; ip rule/route/neigh and
 * the result JSON match upstream's contract; CHECK passes (>= 0.4.0); DEL (twice, as containerd does) leaves the
 * node exactly as it was. Also: DEL with ipamd down, ADD rollback, IPv6, and the branch-ENI path failing cleanly on
 * this kernel (no 8021q). Root only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type AnyResult, ALL_VERSIONS } from '@vpc-cni-ts/sdk';
import { ChainExecutor, parseConflist, type RuntimeConf } from '@vpc-cni-ts/sdk/chain';
import { createTempNetns, isRoot, type TempNetns } from '@vpc-cni-ts/sdk/testing';

import { ensureAwsCniBundle } from './bundle';
import { StandInIpamd } from './stand-in-ipamd';

const d = isRoot() ? describe : describe.skip;
if (!isRoot()) console.log('aws-cni.privileged.spec: skipped (needs root)');

const sh = (cmd: string, ...args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8' });
const ipj = (ns: string, ...args: string[]): Record<string, unknown>[] =>
  JSON.parse(sh('ip', '-n', ns, '-j', ...args) || '[]');
const ping = (ns: string, addr: string): boolean =>
  spawnSync('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '2', addr], { encoding: 'utf8' }).status === 0;
const sha = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 11);

/** Everything in the node namespace that a plugin could leave behind (ephemeral fields dropped). */
function nodeDump(ns: string): string {
  const EPHEMERAL = new Set(['stats64', 'stats', 'operstate', 'flags', 'linkinfo']);
  const strip = (rows: Record<string, unknown>[]) =>
    rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !EPHEMERAL.has(k))));
  return JSON.stringify({
    links: strip(ipj(ns, 'link', 'show')),
    rules4: ipj(ns, '-4', 'rule', 'show'),
    rules6: ipj(ns, '-6', 'rule', 'show'),
    routes4: ipj(ns, '-4', 'route', 'show', 'table', 'all'),
    routes6: ipj(ns, '-6', 'route', 'show', 'table', 'all').filter((r) => !String(r.dst).startsWith('ff00')),
    neigh: ipj(ns, 'neigh', 'show'),
  });
}

const conflist = (cniVersion: string, extra: Record<string, unknown> = {}) =>
  parseConflist({
    cniVersion,
    name: 'aws-cni',
    disableCheck: false,
    plugins: [
      {
        type: 'aws-cni',
        name: 'aws-cni',
        vethPrefix: 'eni',
        mtu: '9001',
        podSGEnforcingMode: 'strict',
        pluginLogFile: '', // set per run below
        pluginLogLevel: 'Debug',
        capabilities: { 'io.kubernetes.cri.pod-annotations': true },
        ...extra,
      },
    ],
  });

d('aws-cni on a namespace playing the node', () => {
  let work: string;
  let node: TempNetns;
  let podA: TempNetns;
  let podB: TempNetns;
  let server: StandInIpamd;
  let chain: ChainExecutor;
  let logFile: string;
  const NODE_IP = '10.99.250.1';
  const subnet = 100 + Math.floor(Math.random() * 100);
  const list = (v: string, extra: Record<string, unknown> = {}) => {
    const l = conflist(v, { pluginLogFile: logFile, ...extra });
    return l;
  };
  const rt = (pod: TempNetns, name: string, containerId: string): RuntimeConf => ({
    containerId,
    netns: pod.path,
    ifName: 'eth0',
    args: [
      ['IgnoreUnknown', '1'],
      ['K8S_POD_NAMESPACE', 'default'],
      ['K8S_POD_NAME', name],
      ['K8S_POD_INFRA_CONTAINER_ID', containerId],
    ],
  });

  beforeAll(async () => {
    const bundle = ensureAwsCniBundle();
    work = mkdtempSync(join(tmpdir(), 'vct-acni-e2e-'));
    logFile = join(work, 'plugin.log');
    node = await createTempNetns({ prefix: 'vct-acni-node' });
    podA = await createTempNetns({ prefix: 'vct-acni-pa' });
    podB = await createTempNetns({ prefix: 'vct-acni-pb' });
    // the node: an address on lo to ping, forwarding on (in the node namespace only)
    sh('ip', '-n', node.name, 'addr', 'add', `${NODE_IP}/32`, 'dev', 'lo');
    sh('ip', 'netns', 'exec', node.name, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // the plugin runs inside the node namespace: its "host" is the node
    const bin = join(work, 'bin');
    sh('mkdir', '-p', bin);
    writeFileSync(join(bin, 'aws-cni'), `#!/bin/sh\nexec nsenter --net=${node.path} ${process.execPath} ${bundle}\n`);
    chmodSync(join(bin, 'aws-cni'), 0o755);
    server = new StandInIpamd({
      socketPath: join(work, 'ipamd.sock'),
      pool: Array.from({ length: 40 }, (_, i) => `10.99.${subnet}.${10 + i}`),
      deviceNumber: 2,
      routeTableId: 3,
    });
    await server.start();
    chain = new ChainExecutor({
      binDirs: [bin],
      cacheDir: join(work, 'cache'),
      baseEnv: { PATH: process.env.PATH, IPAMD_SOCKET_PATH: server.socketPath },
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    for (const ns of [podA, podB, node]) await ns?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(ALL_VERSIONS.map((v) => [v]))('cniVersion %s', (v) => {
    let before: string;
    let resA: AnyResult;
    let resB: AnyResult;
    const ridA = `ctr-a-${v}`;
    const ridB = `ctr-b-${v}`;

    it('ADD wires two pods; they ping the node and each other', async () => {
      before = nodeDump(node.name);
      resA = await chain.add(list(v), rt(podA, 'web', ridA));
      resB = await chain.add(list(v), rt(podB, 'db', ridB));
      const ipA = server.allocations.get(`aws-cni/${ridA}/eth0`)?.ip as string;
      const ipB = server.allocations.get(`aws-cni/${ridB}/eth0`)?.ip as string;
      expect(ipA).toMatch(/^10\.99\./);
      expect(ping(podA.name, NODE_IP)).toBe(true);
      expect(ping(podA.name, ipB)).toBe(true);
      expect(ping(podB.name, ipA)).toBe(true);
    });

    it("the result JSON has upstream's layout in the requested version", () => {
      const ipA = server.allocations.get(`aws-cni/${ridA}/eth0`)?.ip as string;
      const r = resA as unknown as Record<string, unknown>;
      expect(r.cniVersion).toBe(v);
      if (v === '0.1.0' || v === '0.2.0') {
        expect(r.ip4).toEqual({ ip: `${ipA}/32` });
        return;
      }
      const ipEntry: Record<string, unknown> = { address: `${ipA}/32`, interface: 1 };
      if (v.startsWith('0.')) ipEntry.version = '4';
      expect(r.interfaces).toEqual([
        { name: `eni${sha('default.web')}` },
        { name: 'eth0', mac: '3', sandbox: podA.path },
        { name: `dummy${sha('default.web')}`, mac: '0', sandbox: '2' },
      ]);
      expect(r.ips).toEqual([ipEntry]);
    });

    it('pod side: /32, on-link gateway, default route, permanent neighbour to the host veth MAC', () => {
      const ipA = server.allocations.get(`aws-cni/${ridA}/eth0`)?.ip as string;
      const veth = `eni${sha('default.web')}`;
      const hostMac = String(ipj(node.name, 'link', 'show', veth)[0].address);
      expect(parseInt(hostMac.slice(0, 2), 16) & 0x03).toBe(0x02); // locally administered unicast
      const addrs = ipj(podA.name, 'addr', 'show', 'eth0')[0].addr_info as Record<string, unknown>[];
      expect(addrs.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).toEqual([`${ipA}/32`]);
      expect(ipj(podA.name, 'link', 'show', 'eth0')[0].mtu).toBe(9001);
      const routes = ipj(podA.name, '-4', 'route', 'show');
      expect(routes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ dst: 'default', gateway: '169.254.1.1', dev: 'eth0' }),
          expect.objectContaining({ dst: '169.254.1.1', dev: 'eth0', scope: 'link' }),
        ]),
      );
      expect(routes).toHaveLength(2);
      const neigh = ipj(podA.name, 'neigh', 'show', 'dev', 'eth0').find((n) => n.dst === '169.254.1.1');
      expect(neigh).toMatchObject({ lladdr: hostMac, state: ['PERMANENT'] });
    });

    it('node side: host route, rule to-pod at 512 (main) and from-pod at 1536 (ENI table 3)', () => {
      const ipA = server.allocations.get(`aws-cni/${ridA}/eth0`)?.ip as string;
      const veth = `eni${sha('default.web')}`;
      const rules = ipj(node.name, '-4', 'rule', 'show');
      expect(rules.filter((r) => r.dst === ipA || r.src === ipA)).toEqual([
        expect.objectContaining({ priority: 512, src: 'all', dst: ipA, table: 'main' }),
        expect.objectContaining({ priority: 1536, src: ipA, table: '3' }),
      ]);
      expect(ipj(node.name, '-4', 'route', 'show', ipA)).toEqual([
        expect.objectContaining({ dst: ipA, dev: veth, scope: 'link' }),
      ]);
      const link = ipj(node.name, 'link', 'show', veth)[0];
      expect(link).toMatchObject({ mtu: 9001, operstate: 'UP' });
    });

    if (v >= '0.4.0') {
      it('CHECK passes, and says precisely what is missing once a rule is gone', async () => {
        await expect(chain.check(list(v), rt(podA, 'web', ridA))).resolves.toBeUndefined();
        const ipB = server.allocations.get(`aws-cni/${ridB}/eth0`)?.ip as string;
        sh('ip', '-n', node.name, 'rule', 'del', 'to', ipB, 'priority', '512');
        await expect(chain.check(list(v), rt(podB, 'db', ridB))).rejects.toThrow(
          `host: rule to ${ipB} lookup main at priority 512 is missing`,
        );
      });
    }

    it('DEL (with netns, then again without, as containerd does) leaves the node as it was', async () => {
      await chain.del(list(v), rt(podA, 'web', ridA));
      await chain.del(list(v), { ...rt(podA, 'web', ridA), netns: '' });
      await chain.del(list(v), rt(podB, 'db', ridB));
      await chain.del(list(v), { ...rt(podB, 'db', ridB), netns: '' });
      expect(nodeDump(node.name)).toEqual(before);
      expect(server.allocations.size).toBe(0);
      expect(ipj(podA.name, 'link', 'show').map((l) => l.ifname)).toEqual(['lo']);
      void resB;
    });
  });

  it('a repeated ADD for the same container (kubelet retry) replaces the stale veth and keeps the address', async () => {
    const before = nodeDump(node.name);
    const first = (await chain.add(list('1.0.0'), rt(podA, 'again', 'ctr-again'))) as unknown as {
      ips: { address: string }[];
    };
    const oldMac = String(ipj(node.name, 'link', 'show', `eni${sha('default.again')}`)[0].address);
    const second = (await chain.add(list('1.0.0'), rt(podA, 'again', 'ctr-again'))) as unknown as {
      ips: { address: string }[];
    };
    expect(second.ips).toEqual(first.ips);
    const links = ipj(node.name, 'link', 'show').filter((l) => String(l.ifname).startsWith('eni'));
    expect(links).toHaveLength(1);
    expect(links[0].address).not.toBe(oldMac); // a new pair with a new random MAC
    expect(ping(podA.name, NODE_IP)).toBe(true);
    await chain.del(list('1.0.0'), rt(podA, 'again', 'ctr-again'));
    expect(nodeDump(node.name)).toEqual(before);
  });

  it('DEL with ipamd down tears down from prevResult and succeeds', async () => {
    const before = nodeDump(node.name);
    await chain.add(list('1.0.0'), rt(podA, 'web', 'ctr-down'));
    await server.stop();
    try {
      await expect(chain.del(list('1.0.0'), rt(podA, 'web', 'ctr-down'))).resolves.toBeUndefined();
      expect(nodeDump(node.name)).toEqual(before);
    } finally {
      await server.start();
    }
    // ipamd still holds the address (it reclaims it later); a later DEL with ipamd up releases it
    await chain.del(list('1.0.0'), rt(podA, 'web', 'ctr-down'));
    expect(server.allocations.size).toBe(0);
  });

  it('ADD that fails half way (eth0 already in the pod) undoes its work and returns the address (SetupNSFailed)', async () => {
    const before = nodeDump(node.name);
    sh('ip', '-n', podB.name, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'squat0');
    try {
      await expect(chain.add(list('1.0.0'), rt(podB, 'db', 'ctr-fail'))).rejects.toThrow(
        /failed to set up the pod network/,
      );
      expect(nodeDump(node.name)).toEqual(before);
      expect(server.allocations.size).toBe(0);
      expect(server.calls.at(-1)).toMatchObject({
        method: 'DelNetwork',
        request: { Reason: 'SetupNSFailed', ContainerID: 'ctr-fail' },
      });
    } finally {
      sh('ip', '-n', podB.name, 'link', 'del', 'eth0');
    }
  });

  it('branch ENI (SGP strict): this kernel has no 8021q, so ADD fails on the VLAN link and leaves nothing behind', async () => {
    const branchServer = new StandInIpamd({
      socketPath: join(work, 'branch.sock'),
      pool: [`10.99.${subnet}.200`],
      branch: { vlanId: 7, eniMac: '0a:00:00:00:00:07', subnetGw: `10.99.${subnet}.1`, parentIfIndex: 1 },
    });
    await branchServer.start();
    const bchain = new ChainExecutor({
      binDirs: [join(work, 'bin')],
      cacheDir: join(work, 'cache-branch'),
      baseEnv: { PATH: process.env.PATH, IPAMD_SOCKET_PATH: branchServer.socketPath },
    });
    const before = nodeDump(node.name);
    try {
      await expect(bchain.add(list('0.4.0'), rt(podA, 'sgp', 'ctr-sgp'))).rejects.toThrow(/vlan/i);
      expect(nodeDump(node.name)).toEqual(before);
      // branch addresses belong to the VPC resource controller: no DelNetwork for them
      expect(branchServer.calls.map((c) => c.method)).toEqual(['AddNetwork']);
    } finally {
      await branchServer.stop();
    }
  });
});

d('aws-cni IPv6 pod on a namespace playing the node', () => {
  let work: string;
  let node: TempNetns;
  let pod: TempNetns;
  let server: StandInIpamd;
  let chain: ChainExecutor;

  beforeAll(async () => {
    const bundle = ensureAwsCniBundle();
    work = mkdtempSync(join(tmpdir(), 'vct-acni-e2e6-'));
    node = await createTempNetns({ prefix: 'vct-acni-n6' });
    pod = await createTempNetns({ prefix: 'vct-acni-p6' });
    sh('ip', '-n', node.name, 'addr', 'add', 'fd99::ffff/128', 'dev', 'lo');
    sh('ip', 'netns', 'exec', node.name, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1');
    const bin = join(work, 'bin');
    sh('mkdir', '-p', bin);
    writeFileSync(join(bin, 'aws-cni'), `#!/bin/sh\nexec nsenter --net=${node.path} ${process.execPath} ${bundle}\n`);
    chmodSync(join(bin, 'aws-cni'), 0o755);
    server = new StandInIpamd({
      socketPath: join(work, 'ipamd.sock'),
      pool: ['fd99::a'],
      deviceNumber: 0,
      routeTableId: 254,
    });
    await server.start();
    chain = new ChainExecutor({
      binDirs: [bin],
      cacheDir: join(work, 'cache'),
      baseEnv: { PATH: process.env.PATH, IPAMD_SOCKET_PATH: server.socketPath },
    });
  }, 180_000);
  afterAll(async () => {
    await server?.stop();
    for (const ns of [pod, node]) await ns?.destroy();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ADD gives /128 behind fe80::1 after DAD, pings the node; DEL cleans up', async () => {
    const before = nodeDump(node.name);
    const r = (await chain.add(conflist('1.0.0', { pluginLogFile: join(work, 'p.log') }), {
      containerId: 'ctr6',
      netns: pod.path,
      ifName: 'eth0',
      args: [
        ['K8S_POD_NAMESPACE', 'default'],
        ['K8S_POD_NAME', 'v6'],
      ],
    })) as unknown as Record<string, unknown>;
    expect(r.ips).toEqual([{ address: 'fd99::a/128', interface: 1 }]);
    const addrs = ipj(pod.name, '-6', 'addr', 'show', 'dev', 'eth0')[0].addr_info as Record<string, unknown>[];
    expect(addrs.find((a) => a.local === 'fd99::a')).toMatchObject({ prefixlen: 128 });
    expect(addrs.some((a) => a.tentative)).toBe(false);
    expect(ipj(pod.name, '-6', 'route', 'show')).toEqual(
      expect.arrayContaining([expect.objectContaining({ dst: 'default', gateway: 'fe80::1', dev: 'eth0' })]),
    );
    expect(ipj(node.name, '-6', 'rule', 'show')).toEqual(
      expect.arrayContaining([expect.objectContaining({ priority: 512, dst: 'fd99::a' })]),
    );
    expect(spawnSync('ip', ['netns', 'exec', pod.name, 'ping', '-6', '-c', '1', '-W', '2', 'fd99::ffff']).status).toBe(
      0,
    );
    await chain.del(conflist('1.0.0', { pluginLogFile: join(work, 'p.log') }), {
      containerId: 'ctr6',
      netns: pod.path,
      ifName: 'eth0',
      args: [
        ['K8S_POD_NAMESPACE', 'default'],
        ['K8S_POD_NAME', 'v6'],
      ],
    });
    expect(nodeDump(node.name)).toEqual(before);
  });
});
