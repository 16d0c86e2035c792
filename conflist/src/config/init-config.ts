// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from './config-error';
import { deepFreeze } from './conflist-config';
import { type EnvSource } from './env';
import { EnvReader } from './env-reader';
import { type PathsConfig, readPathsSection } from './paths-config';

/** Configuration of the `aws-vpc-cni-init` step. */
export interface InitConfig extends PathsConfig {
  /** `DISABLE_TCP_EARLY_DEMUX` (default false): sets net.ipv4.tcp_early_demux to 0 instead of 1. */
  readonly disableTcpEarlyDemux: boolean;
  /** `ENABLE_IPv6` (default false). */
  readonly enableIpv6: boolean;
  /** `ENABLE_V6_EGRESS` (default false). */
  readonly v6Egress: boolean;
  /** `VPC_CNI_TS_PROC_SYS` (default `/proc/sys`): root of the sysctl tree. */
  readonly procSysRoot: string;
  /** `VPC_CNI_TS_SYS_CLASS_NET` (default `/sys/class/net`): where links and their MAC addresses are listed. */
  readonly sysClassNetRoot: string;
  readonly warnings: readonly string[];
}

/** Reads and validates the init step's environment; throws {@link ConfigError} naming every bad variable. */
export function readInitConfig(env: EnvSource, cwd: string): InitConfig {
  const r = new EnvReader(env);
  const cfg: InitConfig = {
    ...readPathsSection(r, cwd),
    disableTcpEarlyDemux: r.bool('DISABLE_TCP_EARLY_DEMUX', false),
    enableIpv6: r.bool('ENABLE_IPv6', false),
    v6Egress: r.bool('ENABLE_V6_EGRESS', false),
    procSysRoot: r.string('VPC_CNI_TS_PROC_SYS', '/proc/sys'),
    sysClassNetRoot: r.string('VPC_CNI_TS_SYS_CLASS_NET', '/sys/class/net'),
    warnings: [],
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return deepFreeze({ ...cfg, warnings: [...r.warnings] });
}
