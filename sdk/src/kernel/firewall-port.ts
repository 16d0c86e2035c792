// SPDX-License-Identifier: Apache-2.0
/**
 * The `Firewall` port: iptables/ip6tables (through `iptables-restore --noflush` batches planned against
 * `iptables-save`) and nftables (through `nft -f` scripts), inside any namespace.
 */
import { type IptablesFamily, type IptablesOp, type IptablesRule, type IptablesTable } from './iptables-rules';
import { type NetnsRef } from './netns';
import { type NftFamily, type NftTableSpec, type NftTableState } from './nft-rules';

/** Which iptables the host uses: `iptables --version` says "(nf_tables)" or "(legacy)". */
export type IptablesBackend = 'nf_tables' | 'legacy';

export interface FirewallApplyResult {
  /** Ops that changed something (0 = already as wanted; no restore process was run). */
  readonly changes: number;
  readonly spawns: number;
}

export interface Firewall {
  /** Which iptables variant the host uses (runs `iptables --version` in the host namespace). */
  detectBackend(): Promise<IptablesBackend>;

  /**
   * Applies iptables ops in one `iptables-restore --noflush -w` process, after one `iptables-save` to learn the
   * current state; ops already satisfied are skipped (idempotent). All-or-nothing: restore commits atomically.
   */
  applyIptables(netns: NetnsRef, family: IptablesFamily, ops: readonly IptablesOp[]): Promise<FirewallApplyResult>;
  /** Rules of a table (optionally one chain), in order, as iptables-save prints them. */
  listIptablesRules(
    netns: NetnsRef,
    family: IptablesFamily,
    table: IptablesTable,
    chain?: string,
  ): Promise<IptablesRule[]>;
  /** Chain names of a table (built-in and user). */
  listIptablesChains(netns: NetnsRef, family: IptablesFamily, table: IptablesTable): Promise<string[]>;

  /** Makes the nft table's listed chains hold exactly the given rules (one `nft -f -`). */
  applyNftTable(netns: NetnsRef, spec: NftTableSpec): Promise<void>;
  /** Deletes an nft table; absence is success. */
  deleteNftTable(netns: NetnsRef, family: NftFamily, name: string): Promise<void>;
  /** The table's chains and rules, or undefined when it does not exist (`nft -j list table`). */
  listNftTable(netns: NetnsRef, family: NftFamily, name: string): Promise<NftTableState | undefined>;
}
