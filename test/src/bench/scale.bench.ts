/**
 * Cluster scale (issue 11): the 500-node / 23,000-pod burst and a steady-churn workload, each run with the
 * upstream-faithful policy (reference) and ours on the real ipamd pool manager against one AWS simulator with EC2's
 * account-wide buckets, on a virtual clock. Each row is one deterministic run per policy, so p50/p90/p99 of a
 * count are the count itself. SCALE_BENCH_SMALL=1 runs 50 nodes / 2,300 pods instead of the big burst.
 */
import { join } from 'node:path';

import { DEFAULT_SETTINGS, planWhatIf, recommend, settingsEnv, type PoolSettings } from '@vpc-cni-ts/manifests/plan';

import { runScale } from '../scale/cluster-sim';
import { OURS_POLICY, UPSTREAM_POLICY } from '../scale/policy';
import { type ScaleReport } from '../scale/report';
import { loadWorkloadFile, type WorkloadSpec } from '../scale/workload';
import { type BenchRow, type BenchSuite, type Stats } from './suite';

const one = (x: number): Stats => ({ n: 1, p50: x, p90: x, p99: x, mean: x, min: x, max: x });
const lat = (r: ScaleReport): Stats => ({ n: r.pods.served + r.pods.unserved, ...r.timeToAddressMs, min: 0 });
const ratio = (a: number, b: number): string => (b === 0 ? (a === 0 ? '1.00' : 'inf') : (a / b).toFixed(2));

function rows(label: string, up: ScaleReport, ours: ScaleReport): BenchRow[] {
  const ref = (s: Stats) => ({ ...s, label: 'upstream-faithful' });
  const side = (name: string, o: number, u: number) => `${name}: ours ${o} vs upstream ${u} (x${ratio(o, u)})`;
  return [
    {
      name: `${label}: time pod creation -> address`,
      ours: lat(ours),
      reference: ref(lat(up)),
      unit: 'ms',
      note: [
        side('p99 ms', ours.timeToAddressMs.p99, up.timeToAddressMs.p99),
        side('max ms', ours.timeToAddressMs.max, up.timeToAddressMs.max),
        side('pods that waited', ours.pods.waited, up.pods.waited),
        side('pods still waiting at the end', ours.pods.unserved, up.pods.unserved),
        `wall: ours ${(ours.wallMs / 1000).toFixed(1)} s, upstream ${(up.wallMs / 1000).toFixed(1)} s for ${ours.simulatedSeconds} s simulated each`,
      ].join('\n    '),
    },
    {
      name: `${label}: EC2 calls`,
      ours: one(ours.ec2.calls),
      reference: ref(one(up.ec2.calls)),
      unit: 'calls',
      note: Object.keys({ ...up.ec2.byAction, ...ours.ec2.byAction })
        .sort()
        .map((a) => side(a, ours.ec2.byAction[a]?.calls ?? 0, up.ec2.byAction[a]?.calls ?? 0))
        .join('\n    '),
    },
    {
      name: `${label}: throttled EC2 calls`,
      ours: one(ours.ec2.throttled),
      reference: ref(one(up.ec2.throttled)),
      unit: 'calls',
      note: side('retries', ours.ec2.retries, up.ec2.retries),
    },
    {
      name: `${label}: idle addresses per node (time-averaged)`,
      ours: one(ours.idle.meanPerNode),
      reference: ref(one(up.idle.meanPerNode)),
      unit: 'addresses',
      note: [
        side('peak', ours.idle.peakPerNode, up.idle.peakPerNode),
        side('subnet min free', ours.subnet.minFree, up.subnet.minFree),
        `invariant violations: ours ${ours.violations.length}, upstream ${up.violations.length}`,
      ].join('\n    '),
    },
  ];
}

/** The settings vpc-cni-plan recommends for the workload's node type, pods per node and subnet. */
function recommended(w: WorkloadSpec, podsPerNode: number): PoolSettings {
  const req = {
    instanceType: w.instanceType ?? 'm5.xlarge',
    pods: podsPerNode,
    churnPerMinute: 0,
    nodes: w.nodes,
    subnetPrefixLength: Number((w.subnetCidr ?? '10.0.0.0/16').split('/')[1]),
    settings: DEFAULT_SETTINGS,
  };
  return recommend(req, planWhatIf(req)).settings;
}

function toEnv(s: PoolSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(s))
    if (v !== undefined && v !== DEFAULT_SETTINGS[k as keyof PoolSettings]) out[k] = String(v);
  return out;
}

async function both(w: WorkloadSpec): Promise<[ScaleReport, ScaleReport]> {
  const up = await runScale(w, { policy: UPSTREAM_POLICY });
  const ours = await runScale(w, { policy: OURS_POLICY });
  return [up, ours];
}

export const suite: BenchSuite = {
  name: 'scale (cluster simulation: upstream-faithful policy vs ours)',
  async run() {
    const dir = join(__dirname, '..', '..', 'src', 'scale', 'workloads');
    let burst = loadWorkloadFile(join(dir, 'burst-500.yaml'));
    if (process.env.SCALE_BENCH_SMALL === '1')
      burst = {
        ...burst,
        name: 'burst-50x2300',
        nodes: 50,
        phases: [{ kind: 'burst', at: 600, pods: 2300, overSeconds: 30 }],
      };
    const churn = loadWorkloadFile(join(dir, 'steady-churn.yaml'));
    const [bu, bo] = await both(burst);
    const podsPerNode = Math.ceil(
      burst.phases.reduce((a, p) => a + (p.kind === 'burst' ? p.pods : 0), 0) / burst.nodes,
    );
    const rec = recommended(burst, podsPerNode);
    const br = await runScale({ ...burst, name: `${burst.name}+plan`, settings: toEnv(rec) }, { policy: OURS_POLICY });
    const burstRows = rows(burst.name ?? 'burst', bu, bo);
    burstRows.push({
      name: `${burst.name}: ours with vpc-cni-plan's recommendation (${settingsEnv(rec)})`,
      ours: lat(br),
      reference: { ...lat(bo), label: 'ours, default settings' },
      unit: 'ms',
      note: `EC2 calls ${br.ec2.calls} (${br.ec2.throttled} throttled), idle per node ${br.idle.meanPerNode}, subnet min free ${br.subnet.minFree}, still waiting ${br.pods.unserved}, violations ${br.violations.length}`,
    });
    const [cu, co] = await both(churn);
    return [...burstRows, ...rows(churn.name ?? 'churn', cu, co)];
  },
};
