// SPDX-License-Identifier: Apache-2.0
import * as path from 'node:path';

import { ConfigError } from './config-error';
import { type ConflistConfig, deepFreeze, readConflistSection } from './conflist-config';
import { type EnvSource } from './env';
import { EnvReader } from './env-reader';
import { type PathsConfig, readPathsSection } from './paths-config';

/** Configuration of the `aws-vpc-cni` entrypoint: the conflist, where things go, and how ipamd is run. */
export interface EntrypointConfig extends PathsConfig {
  readonly conflist: ConflistConfig;
  /** `HOST_CNI_CONFDIR_PATH` (default `/host/etc/cni/net.d`): where `10-aws.conflist` is written. */
  readonly hostCniConfDirPath: string;
  /** `VPC_CNI_TS_IPAMD` (default `<plugin dir>/aws-k8s-agent`): ipamd executable; a `.js` file runs under Node. */
  readonly ipamdPath: string;
  /** `IPAMD_SOCKET_PATH` (default `/var/run/aws-node/ipamd.sock`): ipamd's gRPC socket; ipamd reads the same variable. */
  readonly ipamdSocket: string;
  /** Values that were ignored in favour of their default. */
  readonly warnings: readonly string[];
}

/** The executables the entrypoint installs into the host bin dir (the conflist refers to all of them). */
export const ENTRYPOINT_PLUGINS = Object.freeze(['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'] as const);

/**
 * Reads and validates the entrypoint's environment with upstream's rules (v1.23.1 `validateEnvVars`), then
 * freezes it. Throws {@link ConfigError} naming every bad variable; nothing has been touched at that point.
 */
export function readEntrypointConfig(env: EnvSource, cwd: string): EntrypointConfig {
  const r = new EnvReader(env);
  const conflist = readConflistSection(r);
  const paths = readPathsSection(r, cwd);

  if (r.bool('ENABLE_POD_ENI', false) && !['strict', 'standard'].includes(conflist.podSgEnforcingMode)) {
    r.fail(
      'POD_SECURITY_GROUP_ENFORCING_MODE',
      `${JSON.stringify(conflist.podSgEnforcingMode)} must be strict or standard`,
    );
  }
  const cooldown = r.int('IP_COOLDOWN_PERIOD');
  if (cooldown !== undefined && cooldown < 0) r.fail('IP_COOLDOWN_PERIOD', `${cooldown} must be 0 or more seconds`);
  if (r.bool('ENABLE_PREFIX_DELEGATION', false)) {
    const targets = ['WARM_IP_TARGET', 'WARM_PREFIX_TARGET', 'MINIMUM_IP_TARGET'];
    // Upstream compares the raw strings with "0" lexicographically; kept so that the same manifests pass and fail.
    if (!targets.some((t) => (r.raw(t) ?? '0') > '0')) {
      r.fail(
        'WARM_PREFIX_TARGET',
        'with ENABLE_PREFIX_DELEGATION one of WARM_IP_TARGET, WARM_PREFIX_TARGET or MINIMUM_IP_TARGET must be above 0',
      );
    }
  }

  const cfg: EntrypointConfig = {
    ...paths,
    conflist: { ...conflist, warnings: [] },
    hostCniConfDirPath: r.string('HOST_CNI_CONFDIR_PATH', '/host/etc/cni/net.d'),
    ipamdPath: r.string('VPC_CNI_TS_IPAMD', path.join(paths.pluginSourceDir, 'aws-k8s-agent')),
    ipamdSocket: r.string('IPAMD_SOCKET_PATH', '/var/run/aws-node/ipamd.sock'),
    warnings: [],
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return deepFreeze({ ...cfg, warnings: [...r.warnings] });
}
