/**
 * The same conflist through a second real client: `ctr run --cni` (ctr calls CNI itself, with the container id
 * `<namespace>-<name>`, no K8S_* args, and DEL only after the task has exited, so the pod netns is gone by then).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { SANDBOX_IMAGE } from './containerd';
import { VpcNode } from './vpc-node';

const missing = VpcNode.missing();
const d = missing.length === 0 ? describe : describe.skip;
if (missing.length) console.warn(`ctr --cni e2e skipped: needs ${missing.join(', ')}`);

// containerd's own namespaces (cni-*); other tests may add their own names meanwhile
const netnsEntries = (): string[] =>
  existsSync('/run/netns')
    ? readdirSync('/run/netns')
        .filter((n) => n.startsWith('cni-'))
        .sort()
    : [];

d('ctr run --cni on a simulated EC2 node (our chain)', () => {
  let node: VpcNode;
  let before: { dump: string; netns: string[] };

  beforeAll(async () => {
    node = await VpcNode.start();
    node.containerd.ctr(['-n', 'default', 'images', 'import', join(node.containerd.workDir, 'busybox.oci.tar')]);
    await node.settle();
    before = { dump: node.dump(), netns: netnsEntries() };
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
  }, 60_000);

  it('ctr run --rm --cni: the container gets an ENI address, reaches the node, and leaves nothing behind', async () => {
    const r = node.ctr([
      'run',
      '--rm',
      '--cni',
      SANDBOX_IMAGE,
      'vct-e2e-ctr1',
      'sh',
      '-c',
      `ip -o -4 addr show dev eth0; ping -c1 -W2 ${node.primaryIp} >/dev/null && echo ping-ok`,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ip = /inet (10\.99\.\d+\.\d+)\/32/.exec(r.stdout)?.[1];
    expect(ip).toBeDefined();
    expect(node.vpcAddresses().flatMap((e) => e.addresses)).toContain(ip);
    expect(r.stdout).toContain('ping-ok');
    // DEL came after the task exited (netns gone): aws-cni still returned the address and removed its rules
    expect(node.allocations()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
    expect(netnsEntries()).toEqual(before.netns);
  }, 60_000);

  it('ctr run -d --cni then kill/rm never calls DEL (ctr behaviour): the address stays until a CNI DEL is run', async () => {
    const run = node.ctr(['run', '-d', '--cni', SANDBOX_IMAGE, 'vct-e2e-ctr2']);
    expect(run.status).toBe(0);
    expect(node.allocations().map((a) => a.containerID)).toEqual(['default-vct-e2e-ctr2']);
    node.ctr(['task', 'kill', '-s', 'KILL', 'vct-e2e-ctr2']);
    for (let i = 0; i < 50 && node.ctr(['task', 'rm', 'vct-e2e-ctr2']).status !== 0; i++) spawnWait(100);
    expect(node.ctr(['container', 'rm', 'vct-e2e-ctr2']).status).toBe(0);
    expect(node.allocations().map((a) => a.containerID)).toEqual(['default-vct-e2e-ctr2']); // leaked by ctr
    // clean-up the way a runtime's garbage collection would: DEL of the conflist, no netns, no prevResult
    expect(node.cniDel('default-vct-e2e-ctr2')).toEqual([]);
    expect(node.allocations()).toEqual([]);
    await node.settle(); // ipamd's own host-network reconciling, not the pods
    expect(node.dump()).toBe(before.dump);
  }, 60_000);
});

function spawnWait(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
