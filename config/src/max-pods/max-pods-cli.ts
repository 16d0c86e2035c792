import { parseArgs } from 'node:util';
import type { CliIo } from '../cli/cli-io';
import { withArgErrors } from '../cli/parse-options';
import { ManifestError } from '../manifest-error';
import { calculateMaxPods, type MaxPodsReport, type MaxPodsRequest } from './max-pods';

export const MAX_PODS_USAGE = `usage: max-pods --instance-type TYPE [options]

Maximum pods the instance type's VPC addresses allow, and the recommended kubelet --max-pods.

  --instance-type TYPE    EC2 instance type, e.g. m5.large (required)
  --prefix-delegation     count /28 prefixes (ENABLE_PREFIX_DELEGATION=true; Nitro only)
  --custom-networking     the primary ENI carries no pods (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true)
  --max-eni N             at most N ENIs (MAX_ENI)
  --cpus N                vCPUs of the instance, for the kubelet cap (110 up to 30 vCPUs, 250 above);
                          estimated from the size name when absent
  --show-max-allowed      print only the maximum, without the kubelet cap
  --json                  print the whole result as JSON
`;

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new ManifestError(`${flag}: expected a whole number of at least 1, got '${value}'`);
  return Number(value);
}

/** Parsed max-pods arguments. */
export interface MaxPodsCommand {
  readonly request: MaxPodsRequest;
  readonly showMaxAllowed: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

/** Parses max-pods arguments; throws ManifestError (exit 2) naming the bad one. Pure. */
export function parseMaxPodsArgs(args: readonly string[]): MaxPodsCommand {
  const { values } = withArgErrors(() =>
    parseArgs({
      args: [...args],
      strict: true,
      options: {
        'instance-type': { type: 'string' },
        'prefix-delegation': { type: 'boolean' },
        'custom-networking': { type: 'boolean' },
        'max-eni': { type: 'string' },
        cpus: { type: 'string' },
        'show-max-allowed': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  const help = values.help ?? false;
  const instanceType = values['instance-type'];
  if (!help && (instanceType === undefined || instanceType.trim() === ''))
    throw new ManifestError('--instance-type is required');
  return {
    request: {
      instanceType: (instanceType ?? '').trim(),
      prefixDelegation: values['prefix-delegation'] ?? false,
      customNetworking: values['custom-networking'] ?? false,
      maxEni: positiveInt('--max-eni', values['max-eni']),
      cpus: positiveInt('--cpus', values.cpus),
    },
    showMaxAllowed: values['show-max-allowed'] ?? false,
    json: values.json ?? false,
    help,
  };
}

/** Human-readable report: the maximum with its formula, then the recommended value and why. */
export function formatReport(r: MaxPodsReport): string {
  const perEni = r.prefixDelegation ? `(${r.ipv4PerEni} - 1) x 16 prefix addresses` : `(${r.ipv4PerEni} - 1) addresses`;
  const lines = [`${r.instanceType}: max pods ${r.maxPods} (${r.enis} ENIs x ${perEni} + 2)`];
  if (r.recommended === undefined) {
    lines.push(`recommended: unknown vCPU count for ${r.instanceType}; pass --cpus N`);
  } else {
    const how = r.cpusSource === 'estimated' ? ', estimated from the size name; pass --cpus to be exact' : '';
    lines.push(`recommended: ${r.recommended} (kubelet cap ${r.cap} for ${r.cpus} vCPUs${how})`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs max-pods on `argv`. Exit codes: 0 ok, 2 bad input (unknown type, bad flag), 1 otherwise. Never throws. */
export function runMaxPodsCli(argv: readonly string[], io: CliIo): number {
  try {
    const cmd = parseMaxPodsArgs(argv);
    if (cmd.help) {
      io.stdout(MAX_PODS_USAGE);
      return 0;
    }
    const report = calculateMaxPods(cmd.request);
    for (const w of report.warnings) io.stderr(`warning: ${w}\n`);
    if (cmd.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else if (cmd.showMaxAllowed) io.stdout(`${report.maxPods}\n`);
    else io.stdout(formatReport(report));
    return 0;
  } catch (err) {
    if (err instanceof ManifestError) {
      io.stderr(`max-pods: ${err.message}\n`);
      return err.exitCode;
    }
    io.stderr(`max-pods: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}
