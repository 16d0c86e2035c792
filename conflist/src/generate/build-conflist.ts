// SPDX-License-Identifier: Apache-2.0
import { type ConflistConfig } from '../config';
import {
  type AwsConflist,
  type BandwidthShimNetConf,
  type EgressCniNetConf,
  type TuningShimNetConf,
} from './conflist-types';
import { type NodeFacts } from './node-facts';

/** Sysctls the tuning shim sets inside each pod when `DISABLE_POD_V6=true`. */
export const POD_V6_OFF_SYSCTLS: Readonly<Record<string, string>> = Object.freeze({
  'net.ipv6.conf.all.disable_ipv6': '1',
  'net.ipv6.conf.default.disable_ipv6': '1',
  'net.ipv6.conf.lo.disable_ipv6': '1',
});

/** Thrown when the node lacks something the configuration requires (e.g. an IPv6 cluster without an IPv4 address). */
export class NodeFactsError extends Error {
  override readonly name = 'NodeFactsError';
}

/**
 * Builds `10-aws.conflist` from configuration and node facts. Pure: same input, same object.
 *
 * IPv4 cluster: egress-cni gives pods IPv6 egress, enabled only with `ENABLE_V6_EGRESS` and an IPv6 address on the
 * primary ENI (otherwise it is written with enabled "false", as upstream does). IPv6 cluster: egress-cni gives IPv4
 * egress per `ENABLE_V4_EGRESS`, and the node's IPv4 address is required.
 */
export function buildConflist(cfg: ConflistConfig, facts: NodeFacts): AwsConflist {
  const mtu = String(cfg.podMtu);
  return {
    cniVersion: '0.4.0',
    name: 'aws-cni',
    disableCheck: true,
    plugins: [
      {
        name: 'aws-cni',
        type: 'aws-cni',
        vethPrefix: cfg.vethPrefix,
        mtu,
        podSGEnforcingMode: cfg.podSgEnforcingMode,
        pluginLogFile: cfg.pluginLogFile,
        pluginLogLevel: cfg.pluginLogLevel,
        capabilities: { 'io.kubernetes.cri.pod-annotations': true },
      },
      egress(cfg, facts, mtu),
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
      ...optionalPlugins(cfg),
    ],
  };
}

function egress(cfg: ConflistConfig, facts: NodeFacts, mtu: string): EgressCniNetConf {
  const common = { name: 'egress-cni', type: 'egress-cni', mtu, randomizeSNAT: cfg.randomizeSnat } as const;
  if (cfg.ipFamily === 'ipv6') {
    if (!facts.localIpv4)
      throw new NodeFactsError('IPv6 cluster: the node has no IPv4 address (IMDS local-ipv4) for egress-cni');
    return {
      ...common,
      enabled: cfg.v4Egress ? 'true' : 'false',
      nodeIP: facts.localIpv4,
      ipam: {
        type: 'host-local',
        ranges: [[{ subnet: '169.254.172.0/22' }]],
        routes: [{ dst: '0.0.0.0/0' }],
        // The v6pd/v4 naming looks swapped; it is upstream's path, kept so upgrades find existing allocations.
        dataDir: '/run/cni/v6pd/egress-v4-ipam',
      },
      pluginLogFile: cfg.egressV4PluginLogFile,
      pluginLogLevel: cfg.pluginLogLevel,
    };
  }
  const enabled = cfg.v6Egress && !!facts.primaryIpv6;
  return {
    ...common,
    enabled: enabled ? 'true' : 'false',
    ...(enabled ? { nodeIP: facts.primaryIpv6 } : {}),
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: 'fd00::ac:00/118' }]],
      routes: [{ dst: '::/0' }],
      dataDir: '/run/cni/v4pd/egress-v6-ipam',
    },
    pluginLogFile: cfg.egressV6PluginLogFile,
    pluginLogLevel: cfg.pluginLogLevel,
  };
}

function optionalPlugins(cfg: ConflistConfig): (BandwidthShimNetConf | TuningShimNetConf)[] {
  const out: (BandwidthShimNetConf | TuningShimNetConf)[] = [];
  if (cfg.bandwidthPlugin) out.push({ type: 'bandwidth-shim', capabilities: { bandwidth: true } });
  if (cfg.disablePodV6) out.push({ type: 'tuning-shim', sysctl: { ...POD_V6_OFF_SYSCTLS } });
  return out;
}

/** The file content: 2-space indented JSON with a trailing newline. */
export function renderConflist(conflist: AwsConflist): string {
  return `${JSON.stringify(conflist, null, 2)}\n`;
}
