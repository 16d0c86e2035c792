// SPDX-License-Identifier: Apache-2.0
/**
 * `@vpc-cni-ts/sdk/kernel`: kernel ports (Kernel: links, addresses, routes, rules, neighbours, sysctls, netns;
 * Firewall: iptables/nft; TrafficControl: tbf/ingress/ifb), their production adapters (iproute2, iptables-restore,
 * nft, tc), stateful in-memory fakes, and IP/CIDR utilities. See README.md.
 */
export * from './errors';
export * from './ip';
export * from './validate';
export * from './netns';
export * from './types';
export * from './kernel-port';
export { IpRoute2Kernel, type IpRoute2KernelOptions } from './iproute2-kernel';
export { type ProcessRunner, type RunOptions, type RunResult, SpawnRunner } from './process-runner';
export * from './firewall-port';
export {
  type IptablesFamily,
  type IptablesOp,
  type IptablesRule,
  type IptablesTable,
  type IptablesTableState,
  IPTABLES_TABLES,
  canonicalRuleArgs,
  parseIptablesSave,
  planIptablesRestore,
} from './iptables-rules';
export {
  type NftChain,
  type NftChainSpec,
  type NftFamily,
  type NftRule,
  type NftTableSpec,
  type NftTableState,
  renderNftTable,
} from './nft-rules';
export { ToolFirewall, type ToolFirewallOptions } from './tool-firewall';
export * from './tc-port';
export { TcTrafficControl, type TcAdapterOptions } from './tc-adapter';
