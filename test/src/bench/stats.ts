import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

import { type Stats } from './suite';

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function stats(sample: readonly number[]): Stats {
  return {
    n: sample.length,
    p50: percentile(sample, 50),
    p90: percentile(sample, 90),
    p99: percentile(sample, 99),
    mean: sample.reduce((a, b) => a + b, 0) / Math.max(1, sample.length),
    min: Math.min(...sample),
    max: Math.max(...sample),
  };
}

/** Times `fn` `n` times (after `warmup` untimed runs), in milliseconds. */
export async function timeIt(n: number, fn: (i: number) => unknown | Promise<unknown>, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(-1 - i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

/** The environment benchmarks spawn children with: NODE_EXTRA_CA_CERTS costs ~37 ms per node start here. */
export function benchEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** Runs a command synchronously and returns its wall time in ms; throws with stderr if it fails. */
export function timedSpawn(cmd: string, args: readonly string[], opts: SpawnSyncOptions = {}): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== 0)
    throw new Error(`${cmd} exited ${r.status}: ${String(r.stderr).trim() || String(r.stdout).trim()}`);
  return ms;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;
