// SPDX-License-Identifier: Apache-2.0
/**
 * IPv6 mode (ENABLE_IPv6=true with prefix delegation) with the bundled ipamd against the AWS simulator: one /80
 * prefix on the primary ENI is the whole pool, pods get /128s from it, the checkpoint keeps them in upstream's
 * `ipv6` field across a restart, and no warm-pool EC2 traffic follows.
 */
import { readFileSync } from 'node:fs';

import type { Scenario, Simulator } from '../simulator';
import { parseIpv6 } from '../simulator/ipv6';
import { type IpamdProcess, callDelta, ensureBundle, ipamdFor, simulator } from './harness';

jest.setTimeout(90_000);

const SCENARIO: Scenario = {
  throttling: false,
  timing: { attachDelayMs: 0, detachDelayMs: 0, imdsLagMs: 0 },
  vpcs: [
    {
      cidrBlocks: ['10.99.0.0/16'],
      ipv6CidrBlocks: ['fd99:0:0:ff00::/56'],
      subnets: [
        {
          name: 'node',
          availabilityZone: 'us-west-2a',
          cidrBlock: '10.99.0.0/24',
          ipv6CidrBlock: 'fd99:0:0:ff00::/64',
        },
      ],
    },
  ],
  instances: [{ instanceType: 'm5.large', subnet: 'node' }],
};

const V6_ENV = { ENABLE_IPv6: 'true', ENABLE_IPv4: 'false', ENABLE_PREFIX_DELEGATION: 'true' };

const req = (c: string) => ({
  ContainerID: c,
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_NAME: `pod-${c}`,
  K8S_POD_NAMESPACE: 'default',
});

describe('ipamd in IPv6 mode', () => {
  let sim: Simulator | undefined;
  const procs: IpamdProcess[] = [];
  beforeAll(() => ensureBundle());
  afterEach(async () => {
    for (const p of procs.splice(0)) {
      await p.stop();
      p.cleanup();
    }
    await sim?.stop();
    sim = undefined;
  });

  it('gives pods /128s from one /80 on the primary ENI, checkpoints them, and survives a restart', async () => {
    sim = await simulator(SCENARIO);
    const p = ipamdFor(sim, V6_ENV);
    procs.push(p);
    const before = sim.calls();
    await p.start();
    const primary = [...sim.world.enis.values()][0]!;
    expect(primary.ipv6Prefixes).toHaveLength(1);
    const prefix = primary.ipv6Prefixes[0]!;

    const addrs: string[] = [];
    for (let i = 0; i < 40; i++) {
      const r = await p.client!.add(req(`v6-${i}`));
      expect(r.Success).toBe(true);
      expect(r.IPAllocationMetadata[0]).toMatchObject({ IPv4Addr: '', DeviceNumber: 0, RouteTableId: 254 });
      addrs.push(r.IPAllocationMetadata[0]!.IPv6Addr);
    }
    expect(new Set(addrs).size).toBe(40);
    // Every address lies in the ENI's /80 (the simulator's prefix, as a number).
    for (const a of addrs) expect((parseIpv6(a)! >> 48n) << 48n).toBe(prefix);
    // 40 pods on an m5.large (29 max pods in IPv4 secondary-IP mode) and not one more ENI or address call.
    const d = callDelta(sim.calls(), before);
    expect(d.AssignIpv6Addresses).toBe(1);
    expect(d.CreateNetworkInterface ?? 0).toBe(0);
    expect(d.AssignPrivateIpAddresses ?? 0).toBe(0);

    const ck = JSON.parse(readFileSync(p.checkpoint, 'utf8')) as { allocations: Record<string, unknown>[] };
    expect(ck.allocations).toHaveLength(40);
    expect(ck.allocations[0]).toMatchObject({ containerID: 'v6-0', ipv6: addrs[0] });
    expect(ck.allocations[0]).not.toHaveProperty('ipv4');

    const del = await p.client!.del({ ...req('v6-3'), Reason: 'PodDeleted' });
    expect(del.IPAllocationMetadata[0]!.IPv6Addr).toBe(addrs[3]);

    // Restart: the /80 is found on the ENI (no second prefix), allocations come back from the checkpoint.
    await p.stop();
    const mid = sim.calls();
    await p.start();
    expect(callDelta(sim.calls(), mid).AssignIpv6Addresses ?? 0).toBe(0);
    expect(primary.ipv6Prefixes).toHaveLength(1);
    const again = await p.client!.add(req('v6-7'));
    expect(again.IPAllocationMetadata[0]!.IPv6Addr).toBe(addrs[7]);
    // A new pod never gets an address a restored pod holds (the one released before the restart may come back).
    const fresh = await p.client!.add(req('v6-new'));
    expect(addrs.filter((_, i) => i !== 3)).not.toContain(fresh.IPAllocationMetadata[0]!.IPv6Addr);
  });

  it('a subnet without an IPv6 CIDR stops start-up with a message that says so', async () => {
    sim = await simulator({
      ...SCENARIO,
      vpcs: [
        {
          cidrBlocks: ['10.99.0.0/16'],
          subnets: [{ name: 'node', availabilityZone: 'us-west-2a', cidrBlock: '10.99.0.0/24' }],
        },
      ],
    });
    const p = ipamdFor(sim, V6_ENV);
    procs.push(p);
    await expect(p.start()).rejects.toThrow(/IPv6 mode: EC2 did not give ENI eni-[0-9a-f]+ its \/80 prefix/);
    expect(await p.exit).not.toBe(0);
  });
});
