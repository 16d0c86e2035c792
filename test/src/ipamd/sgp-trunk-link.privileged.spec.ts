// SPDX-License-Identifier: Apache-2.0
/**
 * ParentIfIndex is the real ifindex of the trunk ENI's link: the simulator's node fabric turns attached ENIs into
 * veth links carrying their MACs in a private "node" namespace, and ipamd's kernel-backed trunk link index (the
 * production adapter, `ip -j link show` in that namespace) finds the trunk there.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { IpRoute2Kernel, netnsByName } from '@vpc-cni-ts/sdk/kernel';
import { createIpamdClient } from '@vpc-cni-ts/ipamd/server';
import { KernelTrunkLinkIndex } from '@vpc-cni-ts/ipamd/sgp';

import type { KubeStandin } from '../kube-standin/kube-standin';
import type { Simulator } from '../simulator';
import { simulator } from './harness';
import { attachTrunk, sgpRequest, startInProcessIpamd, startSgpStandin } from './sgp-fixtures';

jest.setTimeout(60_000);

const d = process.getuid?.() === 0 ? describe : describe.skip;
if (process.getuid?.() !== 0) console.log('sgp-trunk-link.privileged.spec: skipped (needs root)');

/** ifindex of the link with `mac` in namespace `ns`, read with ip(8) directly. */
function ifindexOf(ns: string, mac: string): number | undefined {
  const links = JSON.parse(execFileSync('ip', ['-n', ns, '-j', 'link', 'show'], { encoding: 'utf8' })) as {
    ifindex: number;
    address?: string;
  }[];
  return links.find((l) => l.address === mac)?.ifindex;
}

d('SGP: ParentIfIndex from the node namespace (simulator node fabric)', () => {
  const tag = randomBytes(3).toString('hex');
  const nodeNs = `vct-sgp-node-${tag}`;
  const vpcNs = `vct-sgp-vpc-${tag}`;
  let sim: Simulator;
  let api: KubeStandin;

  beforeAll(async () => {
    sim = await simulator();
    sim.setTiming({ attachDelayMs: 0, imdsLagMs: 0 });
    api = await startSgpStandin();
  });
  afterAll(async () => {
    await api?.stop();
    await sim?.stop();
    for (const ns of [nodeNs, vpcNs]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone: the fabric removed it
      }
    }
  });

  it('finds the trunk link by MAC and answers its ifindex; none before the trunk is attached', async () => {
    const fabric = await sim.enableNodeFabric({ nodeNetns: nodeNs, vpcNetns: vpcNs, createNamespaces: true });
    const links = new KernelTrunkLinkIndex(new IpRoute2Kernel(), netnsByName(nodeNs));
    expect(await links.indexOfMac('02:00:5e:00:53:01')).toBeUndefined();

    const trunk = attachTrunk(sim);
    sim.world.settle();
    await fabric.idle();
    expect(fabric.errors).toEqual([]);
    const real = ifindexOf(nodeNs, trunk.mac);
    expect(real).toBeGreaterThan(1);
    expect(await links.indexOfMac(trunk.mac.toUpperCase())).toBe(real);

    const ipamd = await startInProcessIpamd(sim, api, () => links);
    const c = createIpamdClient(ipamd.socket);
    try {
      const r = await c.add(sgpRequest('cart'));
      expect(r).toMatchObject({ Success: true, PodVlanId: 7, ParentIfIndex: real });
    } finally {
      c.close();
      await ipamd.stop();
    }
  });
});
