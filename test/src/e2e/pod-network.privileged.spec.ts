/**
 * The whole product the way a cluster uses it: containerd's CRI (what a kubelet calls) drives the conflist the
 * aws-vpc-cni entrypoint wrote, with ipamd allocating from the AWS simulator's ENIs, all inside a node network
 * namespace (see VpcNode). Bandwidth shaping and DISABLE_POD_V6 are on, as an operator would set them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { poolFromIntrospection } from '../demo/warm-pool';
import { type Pod, VpcNode } from './vpc-node';

const assignedIn = (body: string): number => (poolFromIntrospection(body) ?? []).reduce((n, r) => n + r.assigned, 0);

const missing = VpcNode.missing();
const d = missing.length === 0 ? describe : describe.skip;
if (missing.length) console.warn(`pod network e2e skipped: needs ${missing.join(', ')}`);

const ping = (netns: string, ip: string): boolean =>
  spawnSync('nsenter', [`--net=${netns}`, 'ping', '-c1', '-W2', ip]).status === 0;
/** Files under /run/cni (egress-cni leases, tuning backups) naming one of the ids, in their name or content. */
function cniStateFor(ids: readonly string[], dir = '/run/cni'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return cniStateFor(ids, p);
    const text = e.isFile() ? readFileSync(p, 'utf8') : '';
    return ids.some((id) => e.name.includes(id) || text.includes(id)) ? [p] : [];
  });
}
const rootSysctls = (): string =>
  spawnSync(
    'sysctl',
    [
      '-n',
      'net.ipv4.ip_forward',
      'net.ipv6.conf.all.forwarding',
      'net.ipv4.tcp_early_demux',
      'net.ipv4.conf.all.rp_filter',
    ],
    { encoding: 'utf8' },
  ).stdout;

d('pods on a simulated EC2 node through containerd CRI (our chain)', () => {
  let node: VpcNode;
  let before: { dump: string; sysctls: string };

  beforeAll(async () => {
    const sysctls = rootSysctls();
    node = await VpcNode.start({ env: { ENABLE_BANDWIDTH_PLUGIN: 'true', DISABLE_POD_V6: 'true' } });
    // the warm pool settles at start (warm ENI attached); its links are part of the node before any pod
    await node.settle();
    before = { dump: node.dump(), sysctls };
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    // nothing ran in the root namespace: its forwarding sysctls are as they were
    if (before) expect(rootSysctls()).toBe(before.sysctls);
  }, 60_000);

  const removeAll = async (pods: readonly Pod[]): Promise<void> => {
    await Promise.all(pods.map((p) => node.removePod(p.id)));
  };

  it('init set the node (not the host) up, and containerd reports the network ready', async () => {
    // aws-vpc-cni-init found the primary interface by its MAC in the node namespace
    expect(node.nsExec(['sysctl', '-n', 'net.ipv4.conf.eth0.rp_filter']).trim()).toBe('2');
    expect(await node.containerd.cri.status()).toMatchObject({ RuntimeReady: true, NetworkReady: true });
  });

  it('gives 6 concurrent pods distinct addresses from the ENIs; they reach each other and the node; deleting returns every address and leaves the node as it was', async () => {
    const pods = await Promise.all(Array.from({ length: 6 }, (_, i) => node.runPod({ name: `e2e-pod-${i}` })));
    try {
      const ips = pods.map((p) => p.ip);
      expect(new Set(ips).size).toBe(6);
      const vpc = new Set(node.vpcAddresses().flatMap((e) => e.addresses));
      for (const ip of ips) expect(vpc.has(ip)).toBe(true);
      // ipamd acknowledged each one in its checkpoint, keyed by the sandbox id
      const allocs = node.allocations();
      expect(allocs.map((a) => a.ipv4).sort()).toEqual([...ips].sort());
      expect(allocs.map((a) => a.containerID).sort()).toEqual(pods.map((p) => p.id).sort());
      // and its introspection counts them as assigned
      expect(assignedIn(node.introspect('/v1/enis') ?? '')).toBe(6);
      for (const [i, p] of pods.entries()) {
        expect(ping(p.netns, pods[(i + 1) % pods.length]!.ip)).toBe(true);
        expect(ping(p.netns, node.primaryIp)).toBe(true);
        expect(ping(node.netnsPath, p.ip)).toBe(true); // and the node reaches the pod
      }
      // DISABLE_POD_V6: tuning-shim turned IPv6 off inside the pods
      for (const p of pods) {
        const r = spawnSync(
          'nsenter',
          [`--net=${p.netns}`, 'sysctl', '-n', 'net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6'],
          { encoding: 'utf8' },
        );
        expect(r.stdout.split('\n').filter(Boolean)).toEqual(['1', '1']);
      }
    } finally {
      await removeAll(pods);
    }
    expect(node.allocations()).toEqual([]);
    expect(node.introspect('/v1/enis')).toBeDefined();
    expect(assignedIn(node.introspect('/v1/enis')!)).toBe(0);
    expect(await node.containerd.cri.listPodSandbox()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
    for (const p of pods) expect(existsSync(p.netns)).toBe(false); // containerd removed the pod namespaces
    expect(cniStateFor(pods.map((p) => p.id))).toEqual([]);
  }, 120_000);

  it('spills pods onto a secondary ENI when the primary is full; they reach pods on the other ENI and the node', async () => {
    const pods = await Promise.all(Array.from({ length: 12 }, (_, i) => node.runPod({ name: `e2e-spill-${i}` })));
    try {
      const deviceOf = new Map(node.vpcAddresses().flatMap((e) => e.addresses.map((a) => [a, e.device] as const)));
      const onPrimary = pods.filter((p) => deviceOf.get(p.ip) === 0);
      const onSecondary = pods.filter((p) => (deviceOf.get(p.ip) ?? -1) > 0);
      expect(onPrimary.length + onSecondary.length).toBe(12);
      expect(onSecondary.length).toBeGreaterThan(0); // m5.large: 9 pod addresses per ENI
      expect(new Set(pods.map((p) => p.ip)).size).toBe(12);
      for (const p of onSecondary) {
        expect(ping(p.netns, onPrimary[0]!.ip)).toBe(true);
        expect(ping(onPrimary[0]!.netns, p.ip)).toBe(true);
        expect(ping(p.netns, node.primaryIp)).toBe(true);
      }
    } finally {
      await removeAll(pods);
    }
    expect(node.allocations()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
  }, 120_000);

  it('enforces the kubernetes.io bandwidth annotations on the host veth (ENABLE_BANDWIDTH_PLUGIN)', async () => {
    const pod = await node.runPod({
      name: 'e2e-shaped',
      annotations: { 'kubernetes.io/ingress-bandwidth': '2M', 'kubernetes.io/egress-bandwidth': '3M' },
    });
    try {
      const [route] = JSON.parse(node.nsExec(['ip', '-j', 'route', 'show', `${pod.ip}/32`])) as { dev: string }[];
      expect(route?.dev).toMatch(/^eni[0-9a-f]{11}$/);
      const qdiscs = JSON.parse(node.nsExec(['tc', '-j', 'qdisc', 'show', 'dev', route!.dev])) as {
        kind: string;
        options?: { rate?: number };
      }[];
      const tbf = qdiscs.find((q) => q.kind === 'tbf');
      expect(tbf?.options?.rate).toBe(2_000_000 / 8); // ingress limit: bytes/s on the host veth
      expect(qdiscs.some((q) => q.kind === 'ingress')).toBe(true); // egress: redirected to an ifb
      const ifb = (JSON.parse(node.nsExec(['ip', '-j', '-d', 'link', 'show', 'type', 'ifb'])) as { ifname: string }[])
        .map((l) => l.ifname)
        .find((n) => n.startsWith('bwp'));
      expect(ifb).toBeDefined();
      const ifbTbf = (
        JSON.parse(node.nsExec(['tc', '-j', 'qdisc', 'show', 'dev', ifb!])) as {
          kind: string;
          options?: { rate?: number };
        }[]
      ).find((q) => q.kind === 'tbf');
      expect(ifbTbf?.options?.rate).toBe(3_000_000 / 8);
      expect(ping(pod.netns, node.primaryIp)).toBe(true);
    } finally {
      await node.removePod(pod.id);
    }
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
  }, 60_000);

  it('keeps running pods and their addresses across an ipamd restart', async () => {
    const pods = await Promise.all([node.runPod({ name: 'e2e-r1' }), node.runPod({ name: 'e2e-r2' })]);
    const more: Pod[] = [];
    try {
      expect(await node.stopAwsNode()).toBe(0);
      expect(ping(pods[0]!.netns, pods[1]!.ip)).toBe(true); // the data plane does not need ipamd
      await node.startAwsNode();
      expect(
        node
          .allocations()
          .map((a) => a.ipv4)
          .sort(),
      ).toEqual(pods.map((p) => p.ip).sort());
      more.push(await node.runPod({ name: 'e2e-r3' }));
      expect(pods.map((p) => p.ip)).not.toContain(more[0]!.ip);
      expect(ping(more[0]!.netns, pods[0]!.ip)).toBe(true);
      expect(ping(pods[1]!.netns, node.primaryIp)).toBe(true);
    } finally {
      await removeAll([...pods, ...more]);
    }
    expect(node.allocations()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
  }, 120_000);

  it('fails new sandboxes with the plugin message while ipamd is down, and recovers when it is back', async () => {
    await node.killIpamd();
    await expect(node.runPod({ name: 'e2e-down' })).rejects.toThrow(
      /plugin type="aws-cni".*ipamd is not answering on its socket/,
    );
    expect(await node.containerd.cri.listPodSandbox()).toEqual([]); // containerd cleaned its half-made sandbox
    await node.startAwsNode();
    const pod = await node.runPod({ name: 'e2e-back' });
    try {
      expect(ping(pod.netns, node.primaryIp)).toBe(true);
    } finally {
      await node.removePod(pod.id);
    }
    expect(node.allocations()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
  }, 120_000);
});
