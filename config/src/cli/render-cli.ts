import { ENV_VARS } from '../env/env-vars';
import { IPAMD_API_CALLS } from '../api-calls';
import { ManifestError } from '../manifest-error';
import { renderManifests, type EniConfigInput, type RenderOptions } from '../render/render-manifests';
import { toYaml } from '../render/to-yaml';
import type { CliIo } from './cli-io';
import { parseArgs } from 'node:util';
import { withArgErrors } from './parse-options';

export const RENDER_USAGE = `usage: vpc-cni-manifests <command> [options]

commands:
  render      print the manifests (ENIConfig CRD, RBAC, aws-node DaemonSet) as multi-document YAML
  vars        list every environment variable with its default (--json for JSON)
  api-calls   list the Kubernetes API calls ipamd makes, from which the ClusterRole is derived

render options:
  --set VAR=value          set an environment variable (repeatable; see 'vars'); checked like ipamd would
  --image repo:tag         image of the aws-node container (default vpc-cni-ts:0.1.0)
  --init-image repo:tag    image of the init container (default: --image)
  --namespace NAME         namespace of the ServiceAccount and DaemonSet (default kube-system)
  --rbac settings|all-features
                           grant only the calls the rendered settings need (default), or every call ipamd can make
  --role-arn ARN           IAM role for the service account (IRSA annotation)
  --eniconfig NAME=SUBNET[:SG,SG...]
                           also render an ENIConfig (repeatable; for custom networking)
  --no-crd                 leave out the ENIConfig CustomResourceDefinition
  --output FILE, -o FILE   write to FILE instead of stdout
`;

function parseSet(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new ManifestError(`--set: expected VAR=value, got '${item}'`);
    const name = item.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(out, name)) throw new ManifestError(`--set: ${name} is set twice`);
    out[name] = item.slice(eq + 1);
  }
  return out;
}

function parseEniConfig(item: string): EniConfigInput {
  const m = /^([^=]+)=([^:]+)(?::(.*))?$/.exec(item);
  if (!m) throw new ManifestError(`--eniconfig: expected NAME=SUBNET[:SG,SG...], got '${item}'`);
  const [, name, subnet, sgs] = m;
  if (!/^subnet-[0-9a-f]+$/.test(subnet))
    throw new ManifestError(`--eniconfig ${name}: '${subnet}' is not a subnet ID (subnet-...)`);
  const securityGroups = sgs ? sgs.split(',').filter((s) => s !== '') : [];
  const badSg = securityGroups.find((s) => !/^sg-[0-9a-f]+$/.test(s));
  if (badSg) throw new ManifestError(`--eniconfig ${name}: '${badSg}' is not a security group ID (sg-...)`);
  return { name, subnet, securityGroups };
}

/** Parsed `render` arguments: the options for renderManifests and where to write. */
export interface RenderCommand {
  readonly options: RenderOptions;
  readonly output?: string;
}

/** Parses the arguments after `render`. Throws ManifestError (exit 2) naming the bad argument. Pure. */
export function parseRenderArgs(args: readonly string[]): RenderCommand {
  const { values } = withArgErrors(() =>
    parseArgs({
      args: [...args],
      strict: true,
      options: {
        set: { type: 'string', multiple: true },
        image: { type: 'string' },
        'init-image': { type: 'string' },
        namespace: { type: 'string' },
        rbac: { type: 'string' },
        'role-arn': { type: 'string' },
        eniconfig: { type: 'string', multiple: true },
        'no-crd': { type: 'boolean' },
        output: { type: 'string', short: 'o' },
      },
    }),
  );
  const rbac = values.rbac;
  if (rbac !== undefined && rbac !== 'settings' && rbac !== 'all-features') {
    throw new ManifestError(`--rbac: expected settings or all-features, got '${rbac}'`);
  }
  const names = new Set<string>();
  const eniConfigs = (values.eniconfig ?? []).map(parseEniConfig);
  for (const e of eniConfigs) {
    if (names.has(e.name)) throw new ManifestError(`--eniconfig: ${e.name} is given twice`);
    names.add(e.name);
  }
  return {
    options: {
      set: parseSet(values.set ?? []),
      image: values.image,
      initImage: values['init-image'],
      namespace: values.namespace,
      rbac,
      roleArn: values['role-arn'],
      eniConfigs,
      includeCrd: !values['no-crd'],
    },
    output: values.output,
  };
}

function listVars(args: readonly string[], io: CliIo): void {
  const { values } = withArgErrors(() =>
    parseArgs({ args: [...args], strict: true, options: { json: { type: 'boolean' } } }),
  );
  if (values.json) {
    io.stdout(`${JSON.stringify(ENV_VARS, null, 2)}\n`);
    return;
  }
  const width = Math.max(...ENV_VARS.map((v) => v.name.length));
  for (const v of ENV_VARS) {
    const def = v.default === undefined ? '(unset)' : JSON.stringify(v.default);
    const dep = v.deprecated ? ' [deprecated]' : '';
    io.stdout(
      `${v.name.padEnd(width)}  ${def.padEnd(48)} ${v.containers.join('+').padEnd(9)} ${v.description}${dep}\n`,
    );
  }
}

function listApiCalls(args: readonly string[], io: CliIo): void {
  withArgErrors(() => parseArgs({ args: [...args], strict: true, options: {} }));
  for (const c of IPAMD_API_CALLS) {
    const target = c.kind === 'resource' ? `${c.group || 'core'}/${c.resource}` : c.path;
    const when = c.when.length ? `when ${c.when.join(' or ')}` : 'always';
    io.stdout(`${c.verb.padEnd(6)} ${target.padEnd(32)} ${when.padEnd(48)} ${c.purpose}\n`);
  }
}

/**
 * Runs the manifests CLI on `argv` (without node and script). Returns the exit code: 0 ok, 2 bad input or usage,
 * 1 anything else. Never throws.
 */
export function runManifestsCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout(RENDER_USAGE);
    return 0;
  }
  try {
    switch (command) {
      case 'render': {
        const cmd = parseRenderArgs(rest);
        const rendered = renderManifests(cmd.options);
        for (const w of rendered.warnings) io.stderr(`warning: ${w}\n`);
        const header = [
          'aws-node for vpc-cni-ts: ENIConfig CRD, RBAC and DaemonSet.',
          `Rendered by: vpc-cni-manifests render${rest.length ? ' ' + rest.join(' ') : ''}`,
        ];
        const yaml = toYaml(rendered.objects, header);
        if (cmd.output) {
          io.writeFile(cmd.output, yaml);
          io.stderr(`wrote ${rendered.objects.length} objects to ${cmd.output}\n`);
        } else {
          io.stdout(yaml);
        }
        return 0;
      }
      case 'vars':
        listVars(rest, io);
        return 0;
      case 'api-calls':
        listApiCalls(rest, io);
        return 0;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        if (command === undefined) io.stderr(RENDER_USAGE);
        else io.stdout(RENDER_USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new ManifestError(`unknown command '${command}' (expected render, vars or api-calls)`);
    }
  } catch (err) {
    if (err instanceof ManifestError) {
      io.stderr(`error: ${err.message}\n`);
      if (err.exitCode === 2 && command === 'render') io.stderr(`run 'vpc-cni-manifests --help' for usage\n`);
      return err.exitCode;
    }
    io.stderr(`error: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}
