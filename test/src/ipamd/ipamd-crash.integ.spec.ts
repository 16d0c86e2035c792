// SPDX-License-Identifier: Apache-2.0
/**
 * Crash safety: 1,000 assign/release cycles over gRPC against the bundled ipamd, killed with SIGKILL at random
 * points; after each restart every acknowledged assignment must still be there (same address), acknowledged
 * releases must be gone, and no address may be held by two pods.
 */
import { eniState, ensureBundle, ipamdFor, simulator, sleep, type IpamdProcess } from './harness';

jest.setTimeout(600_000);

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const key = (id: string) => ({
  ContainerID: id,
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_NAME: `pod-${id}`,
  K8S_POD_NAMESPACE: 'crash',
});

describe('ipamd crash safety (kill -9 during 1,000 assign/release cycles)', () => {
  beforeAll(() => ensureBundle());

  it('keeps every acknowledged assignment and never assigns an address twice', async () => {
    const sim = await simulator();
    const p: IpamdProcess = ipamdFor(sim, { IP_COOLDOWN_PERIOD: '0', AWS_VPC_K8S_CNI_LOGLEVEL: 'INFO' });
    const rand = rng(20261122);
    const live = new Map<string, string>(); // acknowledged ADDs not released
    const uncertainAdd = new Set<string>(); // ADD in flight at a kill
    const uncertainDel = new Set<string>(); // DEL in flight at a kill
    let nextId = 0;
    let addAcks = 0;
    let delAcks = 0;
    let kills = 0;
    let checks = 0;
    const assertUnique = () => {
      const seen = new Map<string, string>();
      for (const [id, ip] of live) {
        if (seen.has(ip)) throw new Error(`address ${ip} held by ${seen.get(ip)} and ${id}`);
        seen.set(ip, id);
      }
    };
    const verifyCheckpoint = () => {
      const ck = new Map(p.readCheckpoint().allocations.map((a) => [a.containerID, a.ipv4]));
      for (const [id, ip] of live)
        if (ck.get(id) !== ip) throw new Error(`acknowledged ${id}=${ip} missing from checkpoint (has ${ck.get(id)})`);
      for (const id of ck.keys())
        if (!live.has(id) && !uncertainAdd.has(id) && !uncertainDel.has(id))
          throw new Error(`checkpoint holds ${id}, which was released or never acknowledged`);
      checks++;
    };
    try {
      await p.start();
      while (addAcks < 1000 || delAcks < 1000) {
        const c = p.client!;
        const killAt = rand() < 0.25 ? Math.floor(rand() * 40) : -1;
        let killed = false;
        const killer =
          killAt >= 0 ? sleep(killAt).then(async () => ((killed = true), await p.kill())) : Promise.resolve();
        const ops: Promise<void>[] = [];
        for (let w = 0; w < 6; w++) {
          ops.push(
            (async () => {
              for (let k = 0; k < 4 && !killed; k++) {
                if (live.size === 0 || (live.size < 10 && rand() < 0.5)) {
                  const id = `c${nextId++}`;
                  try {
                    const r = await c.add(key(id), 5000);
                    live.set(id, r.IPAllocationMetadata[0]!.IPv4Addr);
                    addAcks++;
                    assertUnique();
                  } catch (e) {
                    if (!killed && !/RESOURCE_EXHAUSTED/.test(String(e))) throw e;
                    if (killed) uncertainAdd.add(id);
                  }
                } else {
                  const ids = [...live.keys()];
                  const id = ids[Math.floor(rand() * ids.length)]!;
                  live.delete(id);
                  try {
                    await c.del(key(id), 5000);
                    delAcks++;
                  } catch (e) {
                    if (!killed) throw e;
                    uncertainDel.add(id);
                  }
                }
              }
            })(),
          );
        }
        await Promise.all(ops);
        await killer;
        if (!killed) continue;
        kills++;
        verifyCheckpoint();
        await p.start();
        const c2 = p.client!;
        // Survivors come back with the same address (idempotent re-ADD proves they were restored).
        for (const [id, ip] of live) {
          const r = await c2.add(key(id));
          if (r.IPAllocationMetadata[0]!.IPv4Addr !== ip)
            throw new Error(`${id} had ${ip}, after restart ${r.IPAllocationMetadata[0]!.IPv4Addr}`);
        }
        for (const id of uncertainAdd) {
          const r = await c2.add(key(id));
          live.set(id, r.IPAllocationMetadata[0]!.IPv4Addr);
          assertUnique();
        }
        uncertainAdd.clear();
        for (const id of uncertainDel)
          await c2.del(key(id)).catch((e) => expect(String(e)).toMatch(/datastore: unknown pod/));
        uncertainDel.clear();
        assertUnique();
      }
      await p.stop();
      verifyCheckpoint();
      const leaked = eniState(sim).detached;
      console.log(
        `crash test: ${addAcks} ADD acks, ${delAcks} DEL acks, ${kills} kill -9 restarts, ${checks} checkpoint verifications, ${live.size} pods at the end, detached ENIs left: ${leaked.length}`,
      );
      expect(kills).toBeGreaterThanOrEqual(10);
      // ENIs orphaned by a kill between create and attach (or detach and delete) are deleted at the next start.
      const p2 = ipamdFor(sim, { IP_COOLDOWN_PERIOD: '0' });
      await p2.start();
      await p2.stop();
      p2.cleanup();
      expect(eniState(sim).detached).toEqual([]);
    } finally {
      await p.kill();
      p.cleanup();
      await sim.stop();
    }
  });
});
