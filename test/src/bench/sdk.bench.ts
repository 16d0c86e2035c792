// SPDX-License-Identifier: Apache-2.0
/**
 * SDK start-up: a minimal SDK plugin (the static-ip example, ncc bundle if built, else compiled JS) against Debian's
 * Go plugins in the same run: VERSION vs `ptp` VERSION, and ADD vs the reference `static` IPAM plugin's ADD
 * (both only print addresses from their config). Interleaved runs, NODE_EXTRA_CA_CERTS unset.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { benchEnv, stats, timedSpawn } from './stats';
import { type BenchRow, type BenchSuite } from './suite';

const ROOT = join(__dirname, '..', '..', '..');
const EXAMPLE = join(ROOT, 'sdk', 'examples', 'static-ip', 'dist');
const N = 30;

function pick(): { file: string; label: string } | undefined {
  const bundle = join(EXAMPLE, 'bin', 'static-ip.js');
  if (existsSync(bundle)) return { file: bundle, label: 'ncc bundle' };
  const compiled = join(EXAMPLE, 'main.js');
  return existsSync(compiled) ? { file: compiled, label: 'compiled JS (no bundle)' } : undefined;
}

/** Runs ours and the reference alternately, n times each after a warm-up. */
function pair(ours: () => number, ref: () => number): { ours: number[]; ref: number[] } {
  ours();
  ref();
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < N; i++) {
    a.push(ours());
    b.push(ref());
  }
  return { ours: a, ref: b };
}

export const suite: BenchSuite = {
  name: 'sdk: plugin start-up (static-ip example vs Go reference plugins)',
  async run() {
    const ours = pick();
    if (!ours)
      return {
        skipped: 'static-ip example not built (npx tsc -b sdk/examples/static-ip, npm run bundle -w @vpc-cni-ts/sdk)',
      };
    if (!existsSync('/usr/lib/cni/ptp')) return { skipped: 'Debian containernetworking-plugins not installed' };
    const node = process.execPath;
    const version = benchEnv({ CNI_COMMAND: 'VERSION' });
    const v = pair(
      () => timedSpawn(node, [ours.file], { env: version }),
      () => timedSpawn('/usr/lib/cni/ptp', [], { env: version }),
    );
    const add = benchEnv({
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'bench',
      CNI_NETNS: '/run/netns/none',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
    });
    const address = [{ address: '10.99.1.5/24', gateway: '10.99.1.1' }];
    const oursConf = JSON.stringify({ cniVersion: '1.0.0', name: 'bench', type: 'static-ip', addresses: address });
    const refConf = JSON.stringify({
      cniVersion: '1.0.0',
      name: 'bench',
      type: 'static',
      ipam: { type: 'static', addresses: address },
    });
    const a = pair(
      () => timedSpawn(node, [ours.file], { env: add, input: oursConf }),
      () => timedSpawn('/usr/lib/cni/static', [], { env: add, input: refConf }),
    );
    const floor = pair(
      () => timedSpawn(node, ['-e', '0'], { env: version }),
      () => timedSpawn('/usr/lib/cni/ptp', [], { env: version }),
    );
    const rows: BenchRow[] = [
      {
        name: 'bare `node -e 0` (the floor for any Node plugin)',
        ours: stats(floor.ours),
        reference: { ...stats(floor.ref), label: '/usr/lib/cni/ptp VERSION' },
        unit: 'ms',
      },
      {
        name: `VERSION start-up (${ours.label})`,
        ours: stats(v.ours),
        reference: { ...stats(v.ref), label: '/usr/lib/cni/ptp VERSION' },
        unit: 'ms',
        note: `SDK cost above bare node: p50 ${(stats(v.ours).p50 - stats(floor.ours).p50).toFixed(1)} ms (no ajv compiler, pino or tsyringe on this path)`,
      },
      {
        name: `ADD with config validation (${ours.label})`,
        ours: stats(a.ours),
        reference: { ...stats(a.ref), label: '/usr/lib/cni/static ADD' },
        unit: 'ms',
      },
    ];
    return rows;
  },
};
