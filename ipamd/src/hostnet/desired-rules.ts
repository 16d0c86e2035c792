import { type HostNetSettings, strictPodSecurityGroups } from './settings';

/** Rules of one iptables table: chain name -> rule specs in iptables-save form, without the `-A <chain> ` prefix. */
export type TableRules = Readonly<Record<string, readonly string[]>>;

/** One address family's rule set: table -> chains. Only chains we put rules in appear. */
export type FamilyRules = Readonly<Record<string, TableRules>>;

/** An ip rule ipamd installs at host level. Absent selectors mean "all". */
export interface IpRuleSpec {
  readonly family: 4 | 6;
  readonly priority: number;
  readonly table: 'main' | 'local';
  readonly fwmark?: string;
  readonly to?: string;
  /** Source address (a host address is written without a prefix length). */
  readonly from?: string;
  /** IP protocol number, e.g. 58 (ICMPv6). */
  readonly ipproto?: number;
}

/** The host rule set ipamd wants on the node: what the reconciler makes true. */
export interface DesiredHostNetwork {
  readonly v4: FamilyRules;
  readonly v6: FamilyRules;
  /** The full `table ip aws-cni` definition when the nftables backend carries connmark; undefined: table absent. */
  readonly nftConnmarkTable?: string;
  readonly ipRules: readonly IpRuleSpec[];
  /**
   * The family whose `lookup local` rules ipamd manages (the family in use): its `from all lookup local` rule at 0
   * or 20 and the IPv6 gateway rule. The other family's local rules are left to the kernel.
   */
  readonly localRuleFamily: 4 | 6;
}

export const SNAT_CHAIN = 'AWS-SNAT-CHAIN-0';
export const CONNMARK_CHAIN = 'AWS-CONNMARK-CHAIN-0';
export const NFT_TABLE = 'aws-cni';
export const EGRESS_V4_RANGE = '169.254.172.0/22';
export const EGRESS_V6_RANGE = 'fd00::ac:0/118';
/** The kernel's own `from all lookup local` rule priority. */
export const LOCAL_RULE_PRIORITY = 0;
/** Where strict Security Groups for Pods moves the local rule: after the plugin's priority-10 VLAN rules. */
export const STRICT_LOCAL_RULE_PRIORITY = 20;
/** The VPC's IPv6 router address, the branch ENIs' gateway. */
export const IPV6_VPC_GATEWAY = 'fe80:ec2::1';
export const IPPROTO_ICMPV6 = 58;

const hex = (n: number): string => `0x${n.toString(16)}`;
const comment = (c: string): string => `-m comment --comment "${c}"`;
/** iptables-save prints `-d 0.0.0.0/0` as nothing: upstream writes that CIDR without -d too. */
const dst = (cidr: string): string => (cidr === '0.0.0.0/0' ? '' : `-d ${cidr} `);

/** The SNAT chain's CIDR exemptions, in the order upstream's insert-at-1 leaves them: reversed. */
function exemptions(s: HostNetSettings, vpcComment: string, exclComment: string): string[] {
  const inserted = [
    ...s.vpcCidrs.map((c) => `${dst(c)}${comment(vpcComment)} -j RETURN`),
    ...s.excludeSnatCidrs.map((c) => `${dst(c)}${comment(exclComment)} -j RETURN`),
  ];
  return inserted.reverse();
}

function snatRandom(mode: HostNetSettings['randomizeSnat']): string {
  return mode === 'prng' ? ' --random-fully' : mode === 'hashrandom' ? ' --random' : '';
}

/**
 * Decides the node's host rules from its settings: pure, so every combination of settings is table-tested and the
 * reconciler only has to make the kernel match. Facts from upstream: SNAT chain and its exemptions, node-port and
 * outbound connmark (iptables or nftables), fwmark and external-service ip rules, the IPv6-mode egress FORWARD rule.
 */
export function desiredHostNetwork(s: HostNetSettings): DesiredHostNetwork {
  const v4: Record<string, Record<string, string[]>> = {};
  const v6: Record<string, Record<string, string[]>> = {};
  const add = (fam: typeof v4, table: string, chain: string, rule: string): void => {
    ((fam[table] ??= {})[chain] ??= []).push(rule);
  };
  const mark = hex(s.connmark);
  const restore = `-j CONNMARK --restore-mark --nfmask ${mark} --ctmask ${mark}`;
  const ipRules: IpRuleSpec[] = [];
  let nftConnmarkTable: string | undefined;

  if (s.ipv6Mode) {
    // Pods sit on the primary ENI's /80: no SNAT, no connmark. Pods must not reach each other's egress addresses.
    add(
      v4,
      'filter',
      'FORWARD',
      `-d ${EGRESS_V4_RANGE} -m conntrack --ctstate NEW ${comment('Block Node Local Pod access via IPv4')} -j REJECT --reject-with icmp-port-unreachable`,
    );
    if (s.nodePortSupport) ipRules.push({ family: 6, priority: 1024, table: 'main', fwmark: `${mark}/${mark}` });
  } else {
    if (!s.externalSnat) {
      add(v4, 'nat', 'POSTROUTING', `${comment('AWS SNAT CHAIN')} -j ${SNAT_CHAIN}`);
      for (const r of exemptions(s, 'AWS SNAT CHAIN', 'AWS SNAT CHAIN EXCLUSION')) add(v4, 'nat', SNAT_CHAIN, r);
      add(
        v4,
        'nat',
        SNAT_CHAIN,
        `! -o vlan+ ${comment('AWS, SNAT')} -m addrtype ! --dst-type LOCAL -j SNAT --to-source ${s.primaryIPv4}${snatRandom(s.randomizeSnat)}`,
      );

      const exempt = [...s.vpcCidrs, ...s.excludeSnatCidrs];
      if (s.connmarkBackend === 'iptables') {
        add(
          v4,
          'nat',
          'PREROUTING',
          `-i ${s.vethPrefix}+ ${comment('AWS, outbound connections')} -j ${CONNMARK_CHAIN}`,
        );
        add(v4, 'nat', 'PREROUTING', `${comment('AWS, CONNMARK')} ${restore}`);
        for (const c of exempt) add(v4, 'nat', CONNMARK_CHAIN, `${dst(c)}${comment('AWS CONNMARK CHAIN')} -j RETURN`);
        add(v4, 'nat', CONNMARK_CHAIN, `${comment('AWS, CONNMARK')} -j CONNMARK --set-xmark ${mark}/${mark}`);
      } else {
        nftConnmarkTable = [
          `table ip ${NFT_TABLE} {`,
          '\tchain snat-mark {',
          ...exempt.map((c) => `\t\tip daddr ${c} return`),
          `\t\tct mark set ct mark | ${mark}`,
          '\t}',
          '\tchain nat-prerouting {',
          '\t\ttype nat hook prerouting priority -90; policy accept;',
          '\t\tfib daddr type local return',
          `\t\tiifname "${s.vethPrefix}*" jump snat-mark`,
          `\t\tmeta mark set ct mark & ${mark}`,
          '\t}',
          '}',
        ].join('\n');
      }
    }
    if (s.nodePortSupport) {
      add(
        v4,
        'mangle',
        'PREROUTING',
        `-i ${s.primaryInterface} ${comment('AWS, primary ENI')} -m addrtype --dst-type LOCAL --limit-iface-in -j CONNMARK --set-xmark ${mark}/${mark}`,
      );
    }
    if (s.nodePortSupport || !s.externalSnat) {
      add(v4, 'mangle', 'PREROUTING', `-i ${s.vethPrefix}+ ${comment('AWS, primary ENI')} ${restore}`);
    }
    if (s.nodePortSupport) add(v4, 'mangle', 'PREROUTING', `-i vlan+ ${comment('AWS, primary ENI')} ${restore}`);
    if (s.nodePortSupport || !s.externalSnat) {
      ipRules.push({ family: 4, priority: 1024, table: 'main', fwmark: `${mark}/${mark}` });
    }
    if (s.v6Egress) {
      add(
        v6,
        'filter',
        'FORWARD',
        `-d ${EGRESS_V6_RANGE} -m conntrack --ctstate NEW ${comment('Block Node Local Pod access via IPv6')} -j REJECT --reject-with icmp6-port-unreachable`,
      );
    }
  }
  for (const cidr of s.externalServiceCidrs) {
    ipRules.push({ family: cidr.includes(':') ? 6 : 4, priority: 1535, table: 'main', to: cidr });
  }
  ipRules.push(...localRules(s));
  return { v4, v6, nftConnmarkTable, ipRules, localRuleFamily: s.ipv6Mode ? 6 : 4 };
}

/**
 * The `lookup local` rules of the family in use. Strict Security Groups for Pods: local moved to 20 (the plugin's
 * priority-10 `iif vlan...`/`iif <hostveth>` rules then send even node-local traffic through the branch ENI), and in
 * IPv6 ICMPv6 from the VPC router still delivered locally at 0. Otherwise the kernel default, local at 0, which also
 * restores a node an earlier strict run had changed.
 */
export function localRules(s: HostNetSettings): IpRuleSpec[] {
  const family = s.ipv6Mode ? 6 : 4;
  if (!strictPodSecurityGroups(s)) return [{ family, priority: LOCAL_RULE_PRIORITY, table: 'local' }];
  const rules: IpRuleSpec[] = [{ family, priority: STRICT_LOCAL_RULE_PRIORITY, table: 'local' }];
  if (family === 6) {
    rules.push({
      family: 6,
      priority: LOCAL_RULE_PRIORITY,
      table: 'local',
      from: IPV6_VPC_GATEWAY,
      ipproto: IPPROTO_ICMPV6,
    });
  }
  return rules;
}
