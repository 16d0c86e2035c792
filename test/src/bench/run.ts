/**
 * `npm run bench`: runs every `*.bench.js` suite beside this file (optionally only those whose name contains one of
 * the arguments) and prints one table: ours, the reference measured in the same run, and the ratio.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { type BenchRow, type BenchSuite } from './suite';

const fmt = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(2)) : '-');

export function formatRows(suite: string, rows: readonly BenchRow[]): string {
  const lines = [`\n== ${suite}`];
  for (const r of rows) {
    const ours = `p50 ${fmt(r.ours.p50)} p90 ${fmt(r.ours.p90)} p99 ${fmt(r.ours.p99)} ${r.unit} (n=${r.ours.n})`;
    let line = `  ${r.name}: ${ours}`;
    if (r.reference) {
      const ref = r.reference;
      line += `\n    vs ${ref.label}: p50 ${fmt(ref.p50)} p90 ${fmt(ref.p90)} ${r.unit}`;
      line += ` -> ratio p50 ${fmt(r.ours.p50 / ref.p50)}x, p90 ${fmt(r.ours.p90 / ref.p90)}x`;
    }
    if (r.note) line += `\n    ${r.note}`;
    lines.push(line);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  delete process.env.NODE_EXTRA_CA_CERTS;
  const filters = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  let failed = 0;
  for (const f of files) {
    const mod = (await import(join(__dirname, f))) as { suite: BenchSuite };
    try {
      const res = await mod.suite.run();
      if ('skipped' in res) console.log(`\n== ${mod.suite.name}: skipped (${res.skipped})`);
      else console.log(formatRows(mod.suite.name, res));
    } catch (err) {
      failed++;
      console.log(`\n== ${mod.suite.name}: FAILED: ${(err as Error).stack ?? String(err)}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (require.main === module) void main();
