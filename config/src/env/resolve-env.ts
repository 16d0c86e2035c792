import { ManifestError } from '../manifest-error';
import { didYouMean } from '../suggest';
import { ENV_VARS, FIELD_REF_VARS, envVarSpec } from './env-vars';
import { checkEnvValue, parseGoBool } from './parse-value';

/** The variables of one rendering: every variable with a value, in table order, plus warnings for the user. */
export interface ResolvedEnv {
  readonly values: Readonly<Record<string, string>>;
  /** Names the user set explicitly (the rest are defaults or derived). */
  readonly explicit: readonly string[];
  readonly warnings: readonly string[];
}

/** Options that feed derived defaults. */
export interface ResolveEnvOptions {
  /** Default for VPC_CNI_VERSION (the image tag). */
  readonly version?: string;
}

/** True when the variable is set to a Go-true value in `values`. */
export function envFlag(values: Readonly<Record<string, string>>, name: string): boolean {
  const v = values[name];
  return v !== undefined && parseGoBool(v) === true;
}

function envInt(values: Readonly<Record<string, string>>, name: string): number {
  const v = values[name];
  return v === undefined ? 0 : Number(v);
}

/**
 * Applies the user's `overrides` (VAR -> value) to the defaults of {@link ENV_VARS}, and checks the result the way
 * the upstream entrypoint and ipamd would at start-up, so a bad variant fails at render time, not on every node.
 * Derived default: ENABLE_IPv4 becomes false when ENABLE_IPv6 is set true and ENABLE_IPv4 is not set.
 * Throws one {@link ManifestError} listing every problem. Pure.
 */
export function resolveEnv(overrides: Readonly<Record<string, string>>, opts: ResolveEnvOptions = {}): ResolvedEnv {
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const [name, value] of Object.entries(overrides)) {
    if (name in FIELD_REF_VARS) {
      problems.push(`${name} cannot be set: it comes from the pod's ${FIELD_REF_VARS[name]}`);
      continue;
    }
    const spec = envVarSpec(name);
    if (!spec) {
      problems.push(
        `unknown variable '${name}'${didYouMean(
          name,
          ENV_VARS.map((v) => v.name),
        )}`,
      );
      continue;
    }
    const bad = checkEnvValue(spec.kind, value);
    if (bad) problems.push(`${name}: ${bad}`);
    if (spec.deprecated) warnings.push(`${name} is deprecated (${spec.deprecated}); it has no effect`);
  }
  if (problems.length) throw new ManifestError(problems.join('\n'));

  const derived: Record<string, string> = {};
  if (opts.version !== undefined) derived.VPC_CNI_VERSION = opts.version;
  if (parseGoBool(overrides.ENABLE_IPv6 ?? '') === true && overrides.ENABLE_IPv4 === undefined)
    derived.ENABLE_IPv4 = 'false';

  const values: Record<string, string> = {};
  for (const spec of ENV_VARS) {
    const v = overrides[spec.name] ?? derived[spec.name] ?? spec.default;
    if (v !== undefined) values[spec.name] = v;
  }
  problems.push(...crossCheck(values));
  if (problems.length) throw new ManifestError(problems.join('\n'));
  return Object.freeze({
    values: Object.freeze(values),
    explicit: Object.freeze(Object.keys(overrides)),
    warnings: Object.freeze(warnings),
  });
}

/** Start-up checks of upstream's entrypoint and ipamd that span several variables. */
function crossCheck(values: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  const v4 = envFlag(values, 'ENABLE_IPv4');
  const v6 = envFlag(values, 'ENABLE_IPv6');
  if (v4 === v6) {
    problems.push(
      v4
        ? 'ENABLE_IPv4 and ENABLE_IPv6 are both true: dual stack is not supported, set exactly one'
        : 'ENABLE_IPv4 and ENABLE_IPv6 are both false: set exactly one to true',
    );
  }
  if (v6 && !envFlag(values, 'ENABLE_PREFIX_DELEGATION')) {
    problems.push('ENABLE_IPv6=true requires ENABLE_PREFIX_DELEGATION=true (add --set ENABLE_PREFIX_DELEGATION=true)');
  }
  if (v6 && envFlag(values, 'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG')) {
    problems.push('ENABLE_IPv6=true cannot be combined with AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true');
  }
  if (
    envFlag(values, 'ENABLE_PREFIX_DELEGATION') &&
    !['WARM_IP_TARGET', 'WARM_PREFIX_TARGET', 'MINIMUM_IP_TARGET'].some((n) => envInt(values, n) > 0)
  ) {
    problems.push(
      'ENABLE_PREFIX_DELEGATION=true needs WARM_IP_TARGET, WARM_PREFIX_TARGET or MINIMUM_IP_TARGET above 0',
    );
  }
  if (v6) {
    for (const n of ['AWS_VPC_ENI_MTU', 'POD_MTU']) {
      if (values[n] !== undefined && Number(values[n]) < 1280)
        problems.push(`${n}: must be at least 1280 in IPv6 mode, got ${values[n]}`);
    }
  }
  const prefix = values.AWS_VPC_K8S_CNI_VETHPREFIX ?? '';
  if (prefix.length === 0 || prefix.length > 4) {
    problems.push(`AWS_VPC_K8S_CNI_VETHPREFIX: must be 1 to 4 characters, got '${prefix}'`);
  } else if (['eth', 'lo', 'vlan'].includes(prefix)) {
    problems.push(`AWS_VPC_K8S_CNI_VETHPREFIX: '${prefix}' is reserved (eth, lo and vlan are)`);
  }
  if ((values.AWS_VPC_K8S_PLUGIN_LOG_FILE ?? '').toLowerCase() === 'stdout') {
    problems.push('AWS_VPC_K8S_PLUGIN_LOG_FILE: stdout carries the CNI result; use stderr or a file');
  }
  return problems;
}
