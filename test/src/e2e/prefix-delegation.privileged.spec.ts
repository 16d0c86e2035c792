/**
 * ENABLE_PREFIX_DELEGATION on a Nitro node: pods created through the CRI get addresses out of /28 prefixes that
 * EC2 (the simulator) delegated to the node's ENIs, and deleting them returns every address.
 */
import { spawnSync } from 'node:child_process';

import { VpcNode } from './vpc-node';

const missing = VpcNode.missing();
const d = missing.length === 0 ? describe : describe.skip;
if (missing.length) console.warn(`prefix delegation e2e skipped: needs ${missing.join(', ')}`);

const inPrefix = (ip: string, prefix: string): boolean => {
  const n = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);
  const [base] = prefix.split('/');
  return n(ip) >= n(base!) && n(ip) < n(base!) + 16;
};

d('prefix delegation through containerd CRI (our chain)', () => {
  let node: VpcNode;

  beforeAll(async () => {
    // plugins as node bundles behind a wrapper here (the other suites use the standalone executables)
    node = await VpcNode.start({ instanceType: 'm5.large', prefixDelegation: true, plugins: 'bundle' });
    await node.settle();
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
  }, 60_000);

  it('gives pods addresses from delegated /28 prefixes, and takes them all back', async () => {
    expect(node.plugins.form).toBe('bundle');
    const before = node.dump();
    const pods = await Promise.all([0, 1, 2, 3].map((i) => node.runPod({ name: `e2e-pd-${i}` })));
    try {
      const enis = node.vpcAddresses();
      const prefixes = enis.flatMap((e) => e.prefixes);
      expect(prefixes.length).toBeGreaterThan(0);
      for (const p of pods) expect(prefixes.some((x) => inPrefix(p.ip, x))).toBe(true);
      expect(new Set(pods.map((p) => p.ip)).size).toBe(pods.length);
      expect(
        node
          .allocations()
          .map((a) => a.ipv4)
          .sort(),
      ).toEqual(pods.map((p) => p.ip).sort());
      expect(spawnSync('nsenter', [`--net=${pods[0]!.netns}`, 'ping', '-c1', '-W2', pods[3]!.ip]).status).toBe(0);
    } finally {
      await Promise.all(pods.map((p) => node.removePod(p.id)));
    }
    expect(node.allocations()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before);
  }, 90_000);
});
