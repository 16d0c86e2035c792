import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';

import { Prng } from './prng';

/** Many pods at once (a Deployment scaled from 0 to N), created evenly over `overSeconds`. */
export interface BurstPhase {
  readonly kind: 'burst';
  readonly at: number;
  readonly pods: number;
  readonly overSeconds?: number;
  /** Pods live this long (default: until the end). */
  readonly lifetimeSeconds?: number;
}
/** Steady churn: Poisson arrivals at `podsPerSecond`, lifetimes uniform in [0.5, 1.5] x `lifetimeSeconds`. */
export interface ChurnPhase {
  readonly kind: 'churn';
  readonly from: number;
  readonly to: number;
  readonly podsPerSecond: number;
  readonly lifetimeSeconds: number;
}
/** CronJob-like spikes: `pods` pods every `everySeconds`, each living `lifetimeSeconds`. */
export interface CronPhase {
  readonly kind: 'cron';
  readonly from: number;
  readonly to: number;
  readonly everySeconds: number;
  readonly pods: number;
  readonly lifetimeSeconds: number;
}
export type Phase = BurstPhase | ChurnPhase | CronPhase;

/** A cluster and what happens to it; times in seconds of simulated time from the start. */
export interface WorkloadSpec {
  readonly name?: string;
  readonly seed?: number;
  readonly nodes: number;
  readonly instanceType?: string;
  /** Node and pod subnet (one subnet, inside VPC 10.0.0.0/8). Default 10.0.0.0/16. */
  readonly subnetCidr?: string;
  /** Nodes start (ipamd starts) spread uniformly over this many seconds. Default 60. */
  readonly nodeStartSpreadSeconds?: number;
  readonly durationSeconds: number;
  /** Kubelet retries a failed CNI ADD this often. Default 2. */
  readonly addRetrySeconds?: number;
  /** Sampling interval of the idle/headroom series. Default 10. */
  readonly sampleSeconds?: number;
  /** ipamd settings (environment variables) for every node, e.g. WARM_ENI_TARGET. */
  readonly settings?: Readonly<Record<string, string>>;
  readonly phases: readonly Phase[];
}

export class WorkloadError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid workload:\n  ${problems.join('\n  ')}`);
    this.name = 'WorkloadError';
  }
}

/** One pod of the generated workload. Times are ms from the simulation start. */
export interface PodEvent {
  readonly id: number;
  readonly createAt: number;
  /** Undefined: lives until the end. */
  readonly deleteAt?: number;
}

type Obj = Record<string, unknown>;

/** Validate a parsed workload; throws `WorkloadError` naming every bad field. */
export function validateWorkload(raw: unknown): WorkloadSpec {
  const p: string[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new WorkloadError(['workload must be a mapping']);
  const o = raw as Obj;
  const allowed = [
    'name',
    'seed',
    'nodes',
    'instanceType',
    'subnetCidr',
    'nodeStartSpreadSeconds',
    'durationSeconds',
    'addRetrySeconds',
    'sampleSeconds',
    'settings',
    'phases',
  ];
  for (const k of Object.keys(o))
    if (!allowed.includes(k)) p.push(`${k}: unknown field (allowed: ${allowed.join(', ')})`);
  const num = (path: string, v: unknown, min: number, req = false, int = false): void => {
    if (v === undefined) {
      if (req) p.push(`${path}: required`);
      return;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (int && !Number.isInteger(v)))
      p.push(`${path}: must be ${int ? 'an integer' : 'a number'} >= ${min}, got ${JSON.stringify(v)}`);
  };
  num('seed', o.seed, 0, false, true);
  num('nodes', o.nodes, 1, true, true);
  num('durationSeconds', o.durationSeconds, 1, true);
  num('nodeStartSpreadSeconds', o.nodeStartSpreadSeconds, 0);
  num('addRetrySeconds', o.addRetrySeconds, 0.01);
  num('sampleSeconds', o.sampleSeconds, 0.1);
  if (o.instanceType !== undefined && typeof o.instanceType !== 'string') p.push('instanceType: must be a string');
  if (
    o.subnetCidr !== undefined &&
    (typeof o.subnetCidr !== 'string' || !/^10\.\d+\.\d+\.\d+\/(1[6-9]|2[0-8])$/.test(o.subnetCidr))
  )
    p.push(`subnetCidr: must be a /16../28 inside 10.0.0.0/8, got ${JSON.stringify(o.subnetCidr)}`);
  if (o.settings !== undefined) {
    if (typeof o.settings !== 'object' || o.settings === null || Array.isArray(o.settings))
      p.push('settings: must be a mapping of environment variables');
    else
      for (const [k, v] of Object.entries(o.settings))
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
          p.push(`settings.${k}: must be a string`);
  }
  if (!Array.isArray(o.phases)) p.push('phases: required, a list');
  else
    o.phases.forEach((ph: unknown, i: number) => {
      const at = `phases[${i}]`;
      if (typeof ph !== 'object' || ph === null) return void p.push(`${at}: must be a mapping`);
      const x = ph as Obj;
      if (x.kind === 'burst') {
        num(`${at}.at`, x.at, 0, true);
        num(`${at}.pods`, x.pods, 1, true, true);
        num(`${at}.overSeconds`, x.overSeconds, 0);
        num(`${at}.lifetimeSeconds`, x.lifetimeSeconds, 0.001);
      } else if (x.kind === 'churn') {
        num(`${at}.from`, x.from, 0, true);
        num(`${at}.to`, x.to, 0, true);
        num(`${at}.podsPerSecond`, x.podsPerSecond, 0.000001, true);
        num(`${at}.lifetimeSeconds`, x.lifetimeSeconds, 0.001, true);
      } else if (x.kind === 'cron') {
        num(`${at}.from`, x.from, 0, true);
        num(`${at}.to`, x.to, 0, true);
        num(`${at}.everySeconds`, x.everySeconds, 1, true);
        num(`${at}.pods`, x.pods, 1, true, true);
        num(`${at}.lifetimeSeconds`, x.lifetimeSeconds, 0.001, true);
      } else p.push(`${at}.kind: must be burst, churn or cron, got ${JSON.stringify(x.kind)}`);
    });
  if (p.length) throw new WorkloadError(p);
  const settings = o.settings
    ? Object.fromEntries(Object.entries(o.settings as Obj).map(([k, v]) => [k, String(v)]))
    : undefined;
  return { ...(o as unknown as WorkloadSpec), settings };
}

/** Read a workload from a JSON or YAML file. */
export function loadWorkloadFile(path: string): WorkloadSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WorkloadError([`${path}: cannot read (${(e as Error).message})`]);
  }
  let raw: unknown;
  try {
    raw = /\.json$/i.test(path) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new WorkloadError([
      `${path}: not valid ${/\.json$/i.test(path) ? 'JSON' : 'YAML'} (${(e as Error).message})`,
    ]);
  }
  return validateWorkload(raw);
}

/** Expand phases into pods, deterministically from the seed, sorted by creation time. */
export function generatePods(w: WorkloadSpec): PodEvent[] {
  const rng = new Prng((w.seed ?? 1) ^ 0x5ca1e);
  const out: { createAt: number; deleteAt?: number }[] = [];
  const endMs = w.durationSeconds * 1000;
  const life = (mean: number): number => Math.round(mean * 1000 * (0.5 + rng.next()));
  for (const ph of w.phases) {
    if (ph.kind === 'burst') {
      const over = (ph.overSeconds ?? 0) * 1000;
      for (let i = 0; i < ph.pods; i++) {
        const createAt = Math.round(ph.at * 1000 + (ph.pods > 1 ? (over * i) / (ph.pods - 1) : 0));
        out.push({
          createAt,
          deleteAt: ph.lifetimeSeconds !== undefined ? createAt + ph.lifetimeSeconds * 1000 : undefined,
        });
      }
    } else if (ph.kind === 'churn') {
      for (
        let t = ph.from * 1000 + rng.exp(1000 / ph.podsPerSecond);
        t < Math.min(ph.to * 1000, endMs);
        t += rng.exp(1000 / ph.podsPerSecond)
      ) {
        const createAt = Math.round(t);
        out.push({ createAt, deleteAt: createAt + life(ph.lifetimeSeconds) });
      }
    } else {
      for (let t = ph.from * 1000; t < Math.min(ph.to * 1000, endMs); t += ph.everySeconds * 1000) {
        for (let i = 0; i < ph.pods; i++)
          out.push({ createAt: t, deleteAt: t + Math.round(ph.lifetimeSeconds * 1000) });
      }
    }
  }
  out.sort((a, b) => a.createAt - b.createAt);
  return out.filter((p) => p.createAt < endMs).map((p, id) => ({ id, ...p }));
}
