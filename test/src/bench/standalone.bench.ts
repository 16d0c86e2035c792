// SPDX-License-Identifier: Apache-2.0
/**
 * Standalone executables: start-up of each plugin (CNI VERSION) as a Node single-executable application, in both
 * forms scripts/sea.js can build (one multicall `vpc-cni` shared through hard links, or one SEA per plugin),
 * beside `node <bundle>.js` measured in the same run. Runs are interleaved (one of each form per round) so load
 * from other processes hits every form alike. Builds its SEAs in a temp dir and removes them.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { benchEnv, stats, timedSpawn } from './stats';
import { type BenchRow, type BenchSuite } from './suite';

const REPO = path.resolve(__dirname, '..', '..', '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const CPU_RUNS = Number(process.env.BENCH_CPU_RUNS ?? 50);

/**
 * CPU time (user + system) per run in ms, from GNU time over a shell loop of `runs` runs: robust when other
 * processes compete for the cores, which inflates wall time but not the CPU a start-up needs. Undefined when
 * /usr/bin/time is missing.
 */
function cpuPerRun(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, runs: number): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const loop = `i=0; while [ $i -lt ${runs} ]; do "$0" "$@" </dev/null >/dev/null; i=$((i+1)); done`;
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '/bin/sh', '-c', loop, cmd, ...args], { env, encoding: 'utf8' });
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return r.status === 0 && m ? ((Number(m[1]) + Number(m[2])) * 1000) / runs : undefined;
}

interface SeaScript {
  PLUGINS: string[];
  bundlePath(name: string): string;
  buildMulticall(outDir: string, plugins?: string[], work?: string, form?: 'assets' | 'inline'): string;
  buildEach(outDir: string): void;
}

export const suite: BenchSuite = {
  name: 'standalone (SEA) plugin start-up, CNI VERSION',
  async run() {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = require(path.join(REPO, 'scripts', 'sea.js')) as SeaScript;
    const missing = sea.PLUGINS.map(sea.bundlePath).filter((f) => !existsSync(f));
    if (missing.length) return { skipped: `bundles missing (npm run bundle): ${missing.join(', ')}` };
    const dir = mkdtempSync(path.join(tmpdir(), 'vct-bench-sea-'));
    try {
      // private copies: other work in the same checkout may rebuild the bundles while this runs
      mkdirSync(path.join(dir, 'bundles'));
      const bundle = (p: string): string => path.join(dir, 'bundles', `${p}.js`);
      for (const p of sea.PLUGINS) copyFileSync(sea.bundlePath(p), bundle(p));
      const t0 = Date.now();
      const multicall = sea.buildMulticall(path.join(dir, 'multi'));
      const buildMs = Date.now() - t0;
      sea.buildMulticall(path.join(dir, 'inline'), sea.PLUGINS, path.join(dir, 'inline', '.work'), 'inline');
      sea.buildEach(path.join(dir, 'each'));
      const env = benchEnv({ CNI_COMMAND: 'VERSION' });
      const forms = sea.PLUGINS.flatMap((p) => [
        { plugin: p, form: 'node', cmd: process.execPath, args: [bundle(p)] },
        { plugin: p, form: 'each', cmd: path.join(dir, 'each', p), args: [] },
        { plugin: p, form: 'multi', cmd: path.join(dir, 'multi', p), args: [] },
        { plugin: p, form: 'inline', cmd: path.join(dir, 'inline', p), args: [] },
      ]);
      const samples = new Map<string, number[]>(forms.map((f) => [`${f.plugin}/${f.form}`, []]));
      const opts = { env: { ...env, PATH: '/nonexistent' }, input: '' };
      for (let i = -2; i < ROUNDS; i++) {
        for (const f of forms) {
          const ms = timedSpawn(f.cmd, f.args, f.form === 'node' ? { env, input: '' } : opts);
          if (i >= 0) samples.get(`${f.plugin}/${f.form}`)!.push(ms);
        }
      }
      const LABEL: Record<string, string> = {
        multi: 'multicall vpc-cni, plugin as asset + own warm code cache (default)',
        inline: 'multicall vpc-cni, all bundles inline in main',
        each: 'one SEA per plugin',
      };
      const rows: BenchRow[] = [];
      for (const p of sea.PLUGINS) {
        const ref = { ...stats(samples.get(`${p}/node`)!), label: `node ${p}.js` };
        for (const form of ['multi', 'inline', 'each']) {
          rows.push({
            name: `${p}: ${LABEL[form]}`,
            ours: stats(samples.get(`${p}/${form}`)!),
            reference: ref,
            unit: 'ms',
          });
        }
      }
      for (const p of sea.PLUGINS) {
        const f = forms.filter((x) => x.plugin === p);
        const cpu = new Map(
          f.map((x) => [x.form, cpuPerRun(x.cmd, x.args, x.form === 'node' ? env : opts.env, CPU_RUNS)]),
        );
        if ([...cpu.values()].some((c) => c === undefined)) continue;
        const ref = { ...stats([cpu.get('node')!]), label: `node ${p}.js` };
        for (const form of ['multi', 'inline', 'each']) {
          rows.push({
            name: `${p}: CPU per run, ${LABEL[form]}`,
            ours: stats([cpu.get(form)!]),
            reference: ref,
            unit: 'ms cpu',
          });
        }
      }
      const mb = (f: string): string => (statSync(f).size / 1e6).toFixed(1);
      const eachTotal = sea.PLUGINS.reduce((a, p) => a + statSync(path.join(dir, 'each', p)).size, 0) / 1e6;
      rows.push({
        name: 'disk',
        ours: stats([Number(mb(multicall))]),
        reference: { ...stats([eachTotal]), label: 'one SEA per plugin, total' },
        unit: 'MB',
        note: `multicall build ${buildMs} ms; Node ${process.version}; runs interleaved, ${ROUNDS} rounds, PATH=/nonexistent for the SEAs`,
      });
      return rows;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
