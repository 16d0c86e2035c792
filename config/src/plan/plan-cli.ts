import { parseArgs } from 'node:util';

import type { CliIo } from '../cli/cli-io';
import { withArgErrors } from '../cli/parse-options';
import { ManifestError } from '../manifest-error';
import { timelineSvg } from './svg-chart';
import {
  DEFAULT_SETTINGS,
  planWhatIf,
  recommend,
  settingsEnv,
  type PlanRequest,
  type PlanResult,
  type PoolSettings,
  type Recommendation,
} from './what-if';

export const PLAN_USAGE = `usage: vpc-cni-plan --instance-type TYPE [options] [NAME=VALUE ...]

What-if planner for the warm-pool settings, on ipamd's own planner: addresses held per node, how many
nodes the subnet holds, EC2 calls per scale event and under churn, warnings, and a recommended setting.

  --instance-type TYPE   EC2 instance type of the nodes, e.g. m5.xlarge (required)
  --pods N               pods with VPC addresses per node (default 0)
  --churn N              pods replaced per node per minute (default 0)
  --nodes N              nodes in the cluster (default 1)
  --subnet /N | CIDR     size of the node/pod subnet, e.g. /19 or 10.0.0.0/19 (default /19)
  --json                 print the result as JSON
  --svg FILE             write a chart of addresses held over time (one node) to FILE
  -h, --help

Settings, as the aws-node environment variables (defaults as upstream):
  WARM_ENI_TARGET=1 WARM_IP_TARGET=0 MINIMUM_IP_TARGET=0 WARM_PREFIX_TARGET=0
  ENABLE_PREFIX_DELEGATION=false MAX_ENI=<instance limit>

Exit codes: 0 ok (warnings included), 2 invalid input, 1 anything else.
`;

const INT_VARS = ['WARM_ENI_TARGET', 'WARM_IP_TARGET', 'MINIMUM_IP_TARGET', 'WARM_PREFIX_TARGET', 'MAX_ENI'] as const;

function wholeNumber(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v.trim())) throw new ManifestError(`${flag}: expected a whole number >= 0, got '${v}'`);
  return Number(v);
}

function parseSubnet(v: string | undefined): number {
  if (v === undefined) return 19;
  const m = /^(?:(\d{1,3}(?:\.\d{1,3}){3}))?\/?(\d{1,2})$/.exec(v.trim());
  if (!m) throw new ManifestError(`--subnet: expected a prefix length like /19 or a CIDR like 10.0.0.0/19, got '${v}'`);
  return Number(m[2]);
}

/** Parse `NAME=VALUE` settings over the defaults; unknown names and bad values are errors (exit 2). */
export function parseSettings(pairs: readonly string[]): PoolSettings {
  const out: { -readonly [K in keyof PoolSettings]: PoolSettings[K] } = { ...DEFAULT_SETTINGS };
  for (const p of pairs) {
    const m = /^([A-Z_]+)=(.*)$/.exec(p);
    if (!m) throw new ManifestError(`unexpected argument '${p}': settings are NAME=VALUE, e.g. WARM_IP_TARGET=2`);
    const [, name, value] = m;
    if (name === 'ENABLE_PREFIX_DELEGATION') {
      if (value !== 'true' && value !== 'false')
        throw new ManifestError(`ENABLE_PREFIX_DELEGATION must be true or false, got '${value}'`);
      out.ENABLE_PREFIX_DELEGATION = value === 'true';
    } else if ((INT_VARS as readonly string[]).includes(name)) {
      if (!/^-?\d+$/.test(value)) throw new ManifestError(`${name} must be a whole number, got '${value}'`);
      const n = Number(value);
      if (name === 'MAX_ENI') {
        if (n < 1)
          throw new ManifestError(
            `MAX_ENI=${value}: must be at least 1 here (unset it to use the instance limit); 0 leaves no ENI for pods`,
          );
        out.MAX_ENI = n;
      } else {
        if (n < 0)
          throw new ManifestError(
            `${name}=${value}: must be >= 0 (upstream treats negatives inconsistently; say what you mean)`,
          );
        out[name as 'WARM_ENI_TARGET'] = n;
      }
    } else {
      throw new ManifestError(
        `unknown setting ${name}; the planner weighs ${[...INT_VARS, 'ENABLE_PREFIX_DELEGATION'].join(', ')}`,
      );
    }
  }
  return out;
}

export interface PlanCommand {
  readonly request: PlanRequest;
  readonly json: boolean;
  readonly svg: string | undefined;
  readonly help: boolean;
}

/** Parse the command line; throws ManifestError (exit 2) naming what is wrong. Pure. */
export function parsePlanArgs(args: readonly string[]): PlanCommand {
  const { values, positionals } = withArgErrors(() =>
    parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: {
        'instance-type': { type: 'string' },
        pods: { type: 'string' },
        churn: { type: 'string' },
        nodes: { type: 'string' },
        subnet: { type: 'string' },
        json: { type: 'boolean' },
        svg: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  const help = values.help ?? false;
  const instanceType = (values['instance-type'] ?? '').trim().toLowerCase();
  if (!help && !instanceType) throw new ManifestError('--instance-type is required');
  const churnRaw = values.churn;
  if (churnRaw !== undefined && !/^\d+(\.\d+)?$/.test(churnRaw.trim()))
    throw new ManifestError(`--churn: expected a number >= 0 (pods per node per minute), got '${churnRaw}'`);
  if (values.svg !== undefined && values.svg.trim() === '') throw new ManifestError('--svg needs a file name');
  return {
    request: {
      instanceType,
      pods: wholeNumber('--pods', values.pods, 0),
      churnPerMinute: churnRaw === undefined ? 0 : Number(churnRaw),
      nodes: Math.max(0, wholeNumber('--nodes', values.nodes, 1)),
      subnetPrefixLength: parseSubnet(values.subnet),
      settings: parseSettings(positionals),
    },
    json: values.json ?? false,
    svg: values.svg,
    help,
  };
}

/** Plain-text report. */
export function formatPlan(r: PlanResult, rec: Recommendation): string {
  const c = r.scaleUpCalls;
  const by = (Object.keys(c) as (keyof typeof c)[])
    .filter((k) => k !== 'total' && c[k] > 0)
    .map((k) => `${k} ${c[k]}`)
    .join(', ');
  const lines = [
    `${r.instanceType}, ${r.pods} pods/node, settings: ${settingsEnv(r.settings)}${r.prefixDelegation ? ' (prefix delegation in force)' : ''}`,
    `  max pods ${r.maxPods}`,
    `  addresses held per node: ${r.perNode.heldIdle} with no pods, ${r.perNode.heldAtPods} with ${r.pods} pods (${r.perNode.enisAtPods} ENIs, ${r.perNode.idleAtPods} idle)`,
    `  subnet: /${r.subnet.prefixLength} has ${r.subnet.usable} usable addresses; each node takes ${r.perNode.subnetAddresses} -> ${r.subnet.nodesThatFit} nodes fit (exhausted at node ${r.subnet.nodesThatFit + 1})`,
    `  EC2 calls per node to scale 0 -> ${r.pods} pods: ${c.total}${by ? ` (${by})` : ''}; back to 0: ${r.scaleDownCalls}`,
    `  under churn: ${r.churnCallsPerNodeHour} EC2 calls per node per hour, ${r.churnCallsPerClusterSecond} per second for the cluster`,
  ];
  if (r.perNode.podsWithoutAddress) lines.push(`  pods without an address: ${r.perNode.podsWithoutAddress}`);
  for (const w of r.warnings) lines.push(`  warning (${w.kind}): ${w.message}`);
  lines.push(`recommended: ${settingsEnv(rec.settings)} — ${rec.reason}`);
  return `${lines.join('\n')}\n`;
}

/** Runs vpc-cni-plan. Exit 0 ok, 2 invalid input, 1 otherwise. Never throws. */
export function runPlanCli(argv: readonly string[], io: CliIo): number {
  try {
    const cmd = parsePlanArgs(argv);
    if (cmd.help) {
      io.stdout(PLAN_USAGE);
      return 0;
    }
    const result = planWhatIf(cmd.request);
    const rec = recommend(cmd.request, result);
    if (cmd.svg)
      io.writeFile(
        cmd.svg,
        timelineSvg(result.timeline, `${result.instanceType}, ${result.pods} pods, ${settingsEnv(result.settings)}`),
      );
    if (cmd.json) {
      const { timeline, ...rest } = result;
      io.stdout(
        `${JSON.stringify({ ...rest, timelinePoints: timeline.length, recommended: { settings: rec.settings, env: settingsEnv(rec.settings), reason: rec.reason, heldAtPods: rec.result.perNode.heldAtPods, nodesThatFit: rec.result.subnet.nodesThatFit } }, null, 2)}\n`,
      );
    } else io.stdout(formatPlan(result, rec));
    return 0;
  } catch (err) {
    if (err instanceof ManifestError) {
      io.stderr(`vpc-cni-plan: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`vpc-cni-plan: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}
