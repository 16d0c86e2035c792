// SPDX-License-Identifier: Apache-2.0
/** The network configuration of each plugin as it appears in `10-aws.conflist` (field names are upstream's). */

export interface AwsCniNetConf {
  readonly name: 'aws-cni';
  readonly type: 'aws-cni';
  readonly vethPrefix: string;
  /** Decimal string, as upstream writes it. */
  readonly mtu: string;
  readonly podSGEnforcingMode: string;
  readonly pluginLogFile: string;
  readonly pluginLogLevel: string;
  readonly capabilities: { readonly 'io.kubernetes.cri.pod-annotations': true };
}

export interface EgressIpam {
  readonly type: 'host-local';
  readonly ranges: readonly (readonly { readonly subnet: string }[])[];
  readonly routes: readonly { readonly dst: string }[];
  readonly dataDir: string;
}

export interface EgressCniNetConf {
  readonly name: 'egress-cni';
  readonly type: 'egress-cni';
  readonly mtu: string;
  /** The string "true" or "false" (upstream's type). */
  readonly enabled: 'true' | 'false';
  readonly randomizeSNAT: string;
  /** The node address of the egress family; absent when egress is off and the address was not looked up. */
  readonly nodeIP?: string;
  readonly ipam: EgressIpam;
  readonly pluginLogFile: string;
  readonly pluginLogLevel: string;
}

export interface PortmapNetConf {
  readonly type: 'portmap';
  readonly capabilities: { readonly portMappings: true };
  readonly snat: true;
}

export interface BandwidthShimNetConf {
  readonly type: 'bandwidth-shim';
  readonly capabilities: { readonly bandwidth: true };
}

export interface TuningShimNetConf {
  readonly type: 'tuning-shim';
  readonly sysctl: Readonly<Record<string, string>>;
}

export type AwsPluginNetConf =
  AwsCniNetConf | EgressCniNetConf | PortmapNetConf | BandwidthShimNetConf | TuningShimNetConf;

/** `10-aws.conflist`: aws-cni, egress-cni, portmap, then the optional shims in that order. */
export interface AwsConflist {
  readonly cniVersion: '0.4.0';
  readonly name: 'aws-cni';
  readonly disableCheck: true;
  readonly plugins: readonly [
    AwsCniNetConf,
    EgressCniNetConf,
    PortmapNetConf,
    ...(BandwidthShimNetConf | TuningShimNetConf)[],
  ];
}

/** The file name the runtime reads (`10-` sorts it early in the conf dir). */
export const CONFLIST_FILE_NAME = '10-aws.conflist';
