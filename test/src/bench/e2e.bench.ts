/**
 * Pod sandbox latency through containerd's CRI on a simulated EC2 node (aws-vpc-cni entrypoint, ipamd, our
 * standalone plugins; conflist aws-cni -> egress-cni -> portmap), beside a containerd whose conflist is Debian's
 * ptp + host-local, both inside their own network namespaces, measured interleaved in the same run.
 */
import { type Containerd } from '../e2e/containerd';
import { ReferenceNode } from '../e2e/reference-node';
import { VpcNode } from '../e2e/vpc-node';
import { readFileSync } from 'node:fs';
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

/** Per ADD in aws-cni's JSON log: ms from its first line to the AddNetwork reply, and from there to set-up done. */
function addPhases(log: string): { ipamd: number[]; kernel: number[] } {
  const byId = new Map<string, Record<string, number>>();
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as { ts?: string; msg?: string; command?: string; containerID?: string };
    if (j.command !== 'ADD' || !j.containerID || !j.ts || !j.msg) continue;
    const m = byId.get(j.containerID) ?? {};
    m[j.msg] ??= Date.parse(j.ts);
    byId.set(j.containerID, m);
  }
  const out = { ipamd: [] as number[], kernel: [] as number[] };
  for (const m of byId.values()) {
    const [start, reply, done] = [m['ADD'], m['AddNetwork reply'], m['pod network set up']];
    if (start === undefined || reply === undefined || done === undefined) continue;
    out.ipamd.push(reply - start);
    out.kernel.push(done - reply);
  }
  return out;
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
      // where aws-cni's own ADD time goes, from its log (after start-up): ipamd's answer, then the kernel work
      const phases = addPhases(readFileSync(node.pluginLog, 'utf8'));
      rows.push(
        { name: 'aws-cni ADD: log start -> ipamd AddNetwork reply', ours: stats(phases.ipamd), unit: 'ms' },
        { name: 'aws-cni ADD: AddNetwork reply -> pod network set up', ours: stats(phases.kernel), unit: 'ms' },
      );
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
