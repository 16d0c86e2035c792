#!/usr/bin/env node
/**
 * vpc-cni-ts scale simulation: `node test/dist/scale/main.js --workload FILE [--policy upstream,ours]
 * [--transport in-process|http] [--json]`. Exit 0 ok, 1 invariant violation, 2 bad input.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { runScale, type Transport } from './cluster-sim';
import { sdkOverHttp } from './http-transport';
import { POLICIES } from './policy';
import { formatReport, type ScaleReport } from './report';
import { WorkloadError, loadWorkloadFile } from './workload';

const USAGE = `usage: main.js --workload FILE [--policy upstream,ours] [--transport in-process|http] [--seed N]
                [--nodes N] [--json] [--out FILE]
`;

async function main(): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: process.argv.slice(2),
      strict: true,
      options: {
        workload: { type: 'string' },
        policy: { type: 'string' },
        transport: { type: 'string' },
        seed: { type: 'string' },
        nodes: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (e) {
    process.stderr.write(`scale: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (v.help) return (process.stdout.write(USAGE), 0);
  if (!v.workload) return (process.stderr.write(`scale: --workload is required\n${USAGE}`), 2);
  const transport = (v.transport ?? 'in-process') as Transport;
  if (transport !== 'in-process' && transport !== 'http')
    return (process.stderr.write(`scale: --transport must be in-process or http, got '${transport}'\n`), 2);
  const names = (v.policy ?? 'upstream,ours').split(',').map((s) => s.trim());
  const bad = names.filter((n) => !POLICIES[n]);
  if (bad.length)
    return (
      process.stderr.write(`scale: unknown policy ${bad.join(', ')} (known: ${Object.keys(POLICIES).join(', ')})\n`),
      2
    );
  let w;
  try {
    w = loadWorkloadFile(v.workload);
  } catch (e) {
    if (e instanceof WorkloadError) return (process.stderr.write(`scale: ${e.message}\n`), 2);
    throw e;
  }
  for (const [flag, val] of [
    ['--seed', v.seed],
    ['--nodes', v.nodes],
  ] as const) {
    if (val !== undefined && !/^\d+$/.test(val))
      return (process.stderr.write(`scale: ${flag} must be a whole number, got '${val}'\n`), 2);
  }
  if (v.seed !== undefined) w = { ...w, seed: Number(v.seed) };
  if (v.nodes !== undefined) w = { ...w, nodes: Number(v.nodes) };
  if (transport === 'http') {
    process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATOR';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'simulator';
    delete process.env.AWS_PROFILE;
  }
  const reports: ScaleReport[] = [];
  for (const n of names) {
    const r = await runScale(w, { policy: POLICIES[n], transport, httpEc2: sdkOverHttp });
    reports.push(r);
    if (!v.json) process.stdout.write(`${formatReport(r)}\n`);
  }
  if (v.json) process.stdout.write(`${JSON.stringify(reports, null, 1)}\n`);
  if (v.out) writeFileSync(v.out, JSON.stringify(reports, null, 1));
  return reports.some((r) => r.violations.length) ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`scale: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
