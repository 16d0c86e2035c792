// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from './config-error';
import { type EnvSource } from './env';
import { EnvReader } from './env-reader';

/** The IP family the cluster runs in (`ENABLE_IPv6`). */
export type IpFamily = 'ipv4' | 'ipv6';

/**
 * Everything that shapes `10-aws.conflist`, read once from the environment, validated and frozen.
 * Defaults are upstream's (v1.23.1).
 */
export interface ConflistConfig {
  /** `ENABLE_IPv6`: the cluster family; the egress plugin serves the other family. */
  readonly ipFamily: IpFamily;
  /** `AWS_VPC_K8S_CNI_VETHPREFIX` (default `eni`): at most 4 characters, not `eth`, `lo` or `vlan`. */
  readonly vethPrefix: string;
  /** `POD_MTU`, defaulting to `AWS_VPC_ENI_MTU`, defaulting to 9001. */
  readonly podMtu: number;
  /** `POD_SECURITY_GROUP_ENFORCING_MODE` (default `strict`). */
  readonly podSgEnforcingMode: string;
  /** `AWS_VPC_K8S_PLUGIN_LOG_FILE` (default `/var/log/aws-routed-eni/plugin.log`; set empty: stderr); never `stdout`. */
  readonly pluginLogFile: string;
  /** `AWS_VPC_K8S_PLUGIN_LOG_LEVEL` (default `Debug`), shared by aws-cni and egress-cni. */
  readonly pluginLogLevel: string;
  /** `ENABLE_V4_EGRESS` (default true): IPv4 egress for pods of an IPv6 cluster. */
  readonly v4Egress: boolean;
  /** `ENABLE_V6_EGRESS` (default false): IPv6 egress for pods of an IPv4 cluster. */
  readonly v6Egress: boolean;
  /** `AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE` (default `/var/log/aws-routed-eni/egress-v4-plugin.log`). */
  readonly egressV4PluginLogFile: string;
  /** `AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE` (default `/var/log/aws-routed-eni/egress-v6-plugin.log`). */
  readonly egressV6PluginLogFile: string;
  /** `AWS_VPC_K8S_CNI_RANDOMIZESNAT` (default `prng`). */
  readonly randomizeSnat: string;
  /** `ENABLE_BANDWIDTH_PLUGIN` (default false): chain bandwidth-shim after portmap. */
  readonly bandwidthPlugin: boolean;
  /** `DISABLE_POD_V6` (default false): chain tuning-shim turning IPv6 off inside pods. */
  readonly disablePodV6: boolean;
  /** Values that were ignored in favour of their default (logged, as upstream does). */
  readonly warnings: readonly string[];
}

export const MAX_MTU = 9001;
/** Lowest MTU accepted per family: 576 (IPv4), 1280 (IPv6). */
export const MIN_MTU: Readonly<Record<IpFamily, number>> = Object.freeze({ ipv4: 576, ipv6: 1280 });
const RESERVED_VETH_PREFIXES = new Set(['eth', 'lo', 'vlan']);

/** Reads the conflist-shaping part of the environment into `reader`, recording problems instead of throwing. */
export function readConflistSection(r: EnvReader): ConflistConfig {
  const ipFamily: IpFamily = r.bool('ENABLE_IPv6', false) ? 'ipv6' : 'ipv4';
  const vethPrefix = r.string('AWS_VPC_K8S_CNI_VETHPREFIX', 'eni');
  if (vethPrefix.length > 4)
    r.fail('AWS_VPC_K8S_CNI_VETHPREFIX', `${JSON.stringify(vethPrefix)} is longer than 4 characters`);
  if (RESERVED_VETH_PREFIXES.has(vethPrefix)) {
    r.fail('AWS_VPC_K8S_CNI_VETHPREFIX', `${JSON.stringify(vethPrefix)} is reserved (eth, lo and vlan are)`);
  }

  const eniMtu = readMtu(r, 'AWS_VPC_ENI_MTU', ipFamily);
  const podMtu = readMtu(r, 'POD_MTU', ipFamily) ?? eniMtu ?? MAX_MTU;

  const pluginLogFile = r.stringOrEmpty('AWS_VPC_K8S_PLUGIN_LOG_FILE', '/var/log/aws-routed-eni/plugin.log');
  if (pluginLogFile.toLowerCase() === 'stdout') {
    r.fail('AWS_VPC_K8S_PLUGIN_LOG_FILE', 'stdout is not allowed: it carries the CNI result (use stderr or a file)');
  }

  return {
    ipFamily,
    vethPrefix,
    podMtu,
    podSgEnforcingMode: r.string('POD_SECURITY_GROUP_ENFORCING_MODE', 'strict'),
    pluginLogFile,
    pluginLogLevel: r.string('AWS_VPC_K8S_PLUGIN_LOG_LEVEL', 'Debug'),
    v4Egress: r.bool('ENABLE_V4_EGRESS', true),
    v6Egress: r.bool('ENABLE_V6_EGRESS', false),
    egressV4PluginLogFile: r.stringOrEmpty(
      'AWS_VPC_K8S_EGRESS_V4_PLUGIN_LOG_FILE',
      '/var/log/aws-routed-eni/egress-v4-plugin.log',
    ),
    egressV6PluginLogFile: r.stringOrEmpty(
      'AWS_VPC_K8S_EGRESS_V6_PLUGIN_LOG_FILE',
      '/var/log/aws-routed-eni/egress-v6-plugin.log',
    ),
    randomizeSnat: r.string('AWS_VPC_K8S_CNI_RANDOMIZESNAT', 'prng'),
    bandwidthPlugin: r.bool('ENABLE_BANDWIDTH_PLUGIN', false),
    disablePodV6: r.bool('DISABLE_POD_V6', false),
    warnings: r.warnings,
  };
}

function readMtu(r: EnvReader, name: string, family: IpFamily): number | undefined {
  const mtu = r.int(name);
  if (mtu === undefined) return undefined;
  if (mtu < MIN_MTU[family] || mtu > MAX_MTU) {
    r.fail(
      name,
      `${mtu} is outside [${MIN_MTU[family]}, ${MAX_MTU}] for an ${family === 'ipv6' ? 'IPv6' : 'IPv4'} cluster`,
    );
    return undefined;
  }
  return mtu;
}

/** Reads and validates the conflist configuration; throws {@link ConfigError} naming every bad variable. */
export function readConflistConfig(env: EnvSource): ConflistConfig {
  const r = new EnvReader(env);
  const cfg = readConflistSection(r);
  if (r.problems.length) throw new ConfigError(r.problems);
  return deepFreeze({ ...cfg, warnings: [...r.warnings] });
}

/** Freezes an object graph of plain objects and arrays. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
