import { desiredHostNetwork, type IpRuleSpec, NFT_TABLE } from './desired-rules';
import { diffFirewall } from './firewall-diff';
import { type HostFirewall } from './host-firewall';
import { diffIpRules, ruleFromState } from './ip-rule-diff';
import { parseIptablesSave } from './iptables-save';
import { type HostNetSettings } from './settings';

export interface ReconcileOutcome {
  /** Rules or chains changed to reach the desired state; 0 when the kernel already matched. */
  readonly changes: number;
  /** ip rules of ours that should have gone but were left: deleting them would have hit a rule we don't own. */
  readonly blockedIpRules: readonly IpRuleSpec[];
}

/**
 * Makes the node's host rules (SNAT, connmark, ip rules) match what the settings call for: computes the desired set
 * (pure), reads the kernel, applies only the difference. Run at start, whenever settings or VPC CIDRs change, and
 * periodically to put back what something else on the host deleted.
 */
export class HostNetworkReconciler {
  /** What nft printed for our table right after we last wrote it: a match means nothing changed since. */
  private lastNftListing: string | undefined;

  constructor(private readonly fw: HostFirewall) {}

  async reconcile(settings: HostNetSettings): Promise<ReconcileOutcome> {
    const desired = desiredHostNetwork(settings);
    let changes = 0;
    for (const family of [4, 6] as const) {
      changes += await this.reconcileFirewall(family, family === 4 ? desired.v4 : desired.v6);
    }
    changes += await this.reconcileNft(desired.nftConnmarkTable);
    const current = [
      ...(await this.fw.listIpRules(4)).map((r) => ruleFromState(4, r)),
      ...(await this.fw.listIpRules(6)).map((r) => ruleFromState(6, r)),
    ];
    // In the plan's order: adds before deletes, so a moved local rule never leaves a gap in local delivery.
    const plan = diffIpRules(current, desired.ipRules, desired.localRuleFamily);
    for (const step of plan.steps) {
      await (step.op === 'add' ? this.fw.addIpRule(step.rule) : this.fw.delIpRule(step.rule));
    }
    changes += plan.steps.length;
    return { changes, blockedIpRules: plan.blocked };
  }

  private async reconcileFirewall(family: 4 | 6, desired: Parameters<typeof diffFirewall>[1]): Promise<number> {
    // A rule can vanish between our read and our write (someone else edits too): read again and retry once.
    for (let attempt = 0; ; attempt++) {
      const diff = diffFirewall(parseIptablesSave(await this.fw.save(family)), desired);
      if (!diff.script) return 0;
      try {
        await this.fw.restore(family, diff.script);
        return diff.changes;
      } catch (err) {
        if (attempt >= 1) throw err;
      }
    }
  }

  private async reconcileNft(table: string | undefined): Promise<number> {
    const now = await this.fw.nftList(NFT_TABLE);
    if (table === undefined) {
      if (now === undefined) return 0;
      await this.fw.nftApply(`delete table ip ${NFT_TABLE}\n`);
      this.lastNftListing = undefined;
      return 1;
    }
    if (now !== undefined && now === this.lastNftListing) return 0;
    // Create-if-missing, delete, define: one nft transaction, so the table is never seen half-written.
    await this.fw.nftApply(`table ip ${NFT_TABLE}\ndelete table ip ${NFT_TABLE}\n${table}\n`);
    this.lastNftListing = await this.fw.nftList(NFT_TABLE);
    return 1;
  }
}
