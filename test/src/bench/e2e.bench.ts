/**
 * Pod sandbox latency through containerd's CRI on a simulated EC2 node (aws-vpc-cni entrypoint, ipamd, our
 * standalone plugins; conflist aws-cni -> egress-cni -> portmap), beside a containerd whose conflist is Debian's
 * ptp + host-local, both inside their own network namespaces, measured interleaved in the same run.
 */
import { type Containerd } from '../e2e/containerd';
import { ReferenceNode } from '../e2e/reference-node';
import { VpcNode } from '../e2e/vpc-node';
import { join } from 'node:path';

import { benchEnv, stats, timedSpawn } from './stats';
import { type BenchRow, type BenchSuite } from './suite';

const N = Number(process.env.E2E_BENCH_N ?? 20);
const WARMUP = 3;

async function cycle(
  c: Containerd,
  name: string,
  out: { run: number[]; stop: number[]; remove: number[] } | undefined,
) {
  let t = process.hrtime.bigint();
  const id = await c.cri.runPodSandbox({ name, namespace: 'default', uid: `uid-${name}` });
  const run = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  await c.cri.stopPodSandbox(id);
  const stop = Number(process.hrtime.bigint() - t) / 1e6;
  t = process.hrtime.bigint();
  await c.cri.removePodSandbox(id);
  const remove = Number(process.hrtime.bigint() - t) / 1e6;
  if (out) {
    out.run.push(run);
    out.stop.push(stop);
    out.remove.push(remove);
  }
}

export const suite: BenchSuite = {
  name: 'e2e: CRI pod sandbox latency, our chain (ipamd on the simulator) vs ptp + host-local',
  async run() {
    const missing = VpcNode.missing();
    if (missing.length) return { skipped: `needs ${missing.join(', ')}` };
    const node = await VpcNode.start();
    let ref: ReferenceNode | undefined;
    try {
      ref = await ReferenceNode.start();
      await node.settle();
      const ours = { run: [] as number[], stop: [] as number[], remove: [] as number[] };
      const theirs = { run: [] as number[], stop: [] as number[], remove: [] as number[] };
      for (let i = -WARMUP; i < N; i++) {
        await cycle(node.containerd, `bench-ours-${i + WARMUP}`, i < 0 ? undefined : ours);
        await cycle(ref.containerd, `bench-ref-${i + WARMUP}`, i < 0 ? undefined : theirs);
      }
      const label = 'ptp + host-local (Debian 1.1.1)';
      const note = `plugins: ${node.plugins.form === 'sea' ? 'standalone (SEA)' : 'node bundles'}; interleaved, sequential, ${N} cycles after ${WARMUP} warm-up`;
      const rows: BenchRow[] = [
        { name: 'RunPodSandbox', ours: stats(ours.run), reference: { ...stats(theirs.run), label }, unit: 'ms', note },
        { name: 'StopPodSandbox', ours: stats(ours.stop), reference: { ...stats(theirs.stop), label }, unit: 'ms' },
        {
          name: 'RemovePodSandbox',
          ours: stats(ours.remove),
          reference: { ...stats(theirs.remove), label },
          unit: 'ms',
        },
      ];
      // context for the ratios: what one exec of each plugin in the chain costs before it does any work
      const version = (file: string): number[] =>
        Array.from({ length: N }, () => timedSpawn(file, [], { env: benchEnv({ CNI_COMMAND: 'VERSION' }) }));
      const ptp = stats(version('/usr/lib/cni/ptp'));
      for (const p of ['aws-cni', 'egress-cni'])
        rows.push({
          name: `${p} start-up (VERSION), as installed`,
          ours: stats(version(join(node.binDir, p))),
          reference: { ...ptp, label: 'ptp VERSION' },
          unit: 'ms',
        });
      return rows;
    } finally {
      await ref?.stop();
      await node.stop();
    }
  },
};
