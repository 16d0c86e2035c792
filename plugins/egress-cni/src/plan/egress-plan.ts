// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';

import { formatCidr, formatIp, hostCidr, type IpAddress, networkOf } from '@vpc-cni-ts/sdk/kernel';

import { type EgressConfig, type RandomizeSnat } from '../config/egress-config';

/** iptables chain names are limited to 28 characters (containernetworking `utils.FormatChainName`). */
const MAX_CHAIN = 28;

/** Per-pod nat chain: `CNI-E4-`/`CNI-E6-` + SHA-512 hex of (network name + container id), 28 chars in all. */
export function chainName(family: 4 | 6, network: string, containerId: string): string {
  const prefix = family === 4 ? 'CNI-E4-' : 'CNI-E6-';
  return (
    prefix +
    createHash('sha512')
      .update(network + containerId)
      .digest('hex')
      .slice(0, MAX_CHAIN - prefix.length)
  );
}

/** The rule comment containernetworking plugins use: `name: "<net>" id: "<cid>"` (Go %q), at most 256 chars. */
export function ruleComment(network: string, containerId: string): string {
  return `name: ${JSON.stringify(network)} id: ${JSON.stringify(containerId)}`.slice(0, 256);
}

/** Quotes an argument for iptables-restore input. */
const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

const MULTICAST = { 4: '224.0.0.0/4', 6: 'ff00::/8' } as const;
const RANDOM_FLAG: Record<RandomizeSnat, string> = { prng: ' --random-fully', hashrandom: ' --random', none: '' };

/** Comment on the shared FORWARD rule that keeps pods from reaching each other's egress addresses. */
export const FORWARD_COMMENT = 'egress-cni: no pod-to-pod traffic over egress addresses';

/** The shared filter-table rule (one per range, never removed by a pod's DEL): drop egress-range to egress-range. */
export function forwardRule(cfg: EgressConfig): string {
  const net = formatCidr(networkOf(cfg.range.subnet));
  return `-A FORWARD -s ${net} -d ${net} -m comment --comment ${q(FORWARD_COMMENT)} -j DROP`;
}

/** Everything ADD will create, decided up front. */
export interface EgressPlan {
  readonly family: 4 | 6;
  readonly chain: string;
  readonly comment: string;
  readonly podIp: IpAddress;
  readonly hostVeth: string;
  readonly hostMac: string;
  readonly podMac: string;
  /** `ip link add` arguments (host netns) creating the pair with the pod end already in the pod. */
  readonly vethArgs: readonly string[];
  /** `ip -<family> -batch` lines run inside the pod. */
  readonly podBatch: readonly string[];
  /** `ip -<family> -batch` lines run on the host. */
  readonly hostBatch: readonly string[];
  /** Sysctls (under /proc/sys) written inside the pod first, e.g. disabling IPv6 on eth0 for v6 egress. */
  readonly podSysctls: readonly { path: string; value: string }[];
  /** Host forwarding sysctl to enable. */
  readonly forwardingSysctl: string;
}

/**
 * Plans the egress interface like upstream's ptp-style setup: the pod end gets the lease with the range's prefix,
 * the automatic subnet route is replaced by `gw/32 scope link src ip` and `subnet via gw src ip`, plus the ipam
 * routes via the gateway; the host end gets the gateway as a /32 (/128) and a route to the pod address.
 * For IPv6 the pod address and the host gateway are added with `nodad` (no DAD wait, the range is private).
 */
export function planEgress(
  cfg: EgressConfig,
  ids: { containerId: string; netns: string; hostVeth: string; hostMac: string; podMac: string },
  podIp: IpAddress,
): EgressPlan {
  const fam = cfg.family;
  const full = hostCidr(podIp).prefix;
  const gw = formatIp(cfg.range.gateway);
  const ip = formatIp(podIp);
  const bits = cfg.range.subnet.prefix;
  const subnet = formatCidr(networkOf(cfg.range.subnet));
  const dev = cfg.ifName;
  const nodad = fam === 6 ? ' nodad' : '';
  const podBatch = [
    `addr add ${ip}/${bits} dev ${dev}${nodad}`,
    `link set dev ${dev} up`,
    `route del ${subnet} dev ${dev}`,
    `route add ${gw}/${full} dev ${dev} scope link src ${ip}`,
    `route add ${subnet} via ${gw} dev ${dev} src ${ip}`,
    ...cfg.routes.map((r) => `route add ${formatCidr(r.dst)} via ${r.gw ? formatIp(r.gw) : gw} dev ${dev}`),
  ];
  const hostBatch = [
    `link set dev ${ids.hostVeth} up`,
    `addr add ${gw}/${full} dev ${ids.hostVeth} scope link${nodad}`,
    `route replace ${ip}/${full} dev ${ids.hostVeth} scope link`,
  ];
  return {
    family: fam,
    chain: chainName(fam, cfg.name, ids.containerId),
    comment: ruleComment(cfg.name, ids.containerId),
    podIp,
    hostVeth: ids.hostVeth,
    hostMac: ids.hostMac,
    podMac: ids.podMac,
    vethArgs: [
      'link',
      'add',
      ids.hostVeth,
      'address',
      ids.hostMac,
      'mtu',
      String(cfg.mtu),
      'type',
      'veth',
      'peer',
      'name',
      dev,
      'address',
      ids.podMac,
      'mtu',
      String(cfg.mtu),
      'netns',
      ids.netns,
    ],
    podBatch,
    hostBatch,
    podSysctls: fam === 6 ? [{ path: 'net/ipv6/conf/eth0/disable_ipv6', value: '1' }] : [],
    forwardingSysctl: fam === 4 ? 'net/ipv4/ip_forward' : 'net/ipv6/conf/all/forwarding',
  };
}

/**
 * iptables-restore input (with --noflush) adding the pod's nat chain and, when missing, the POSTROUTING jump and
 * the shared FORWARD rule. `existing` is `iptables-save` output, used to keep the jump and FORWARD rule unique.
 */
export function snatRestore(cfg: EgressConfig, plan: EgressPlan, existing: string): string {
  if (!cfg.nodeIp) return '';
  const c = q(plan.comment);
  const jump = `-A POSTROUTING -s ${formatCidr(hostCidr(plan.podIp))} -m comment --comment ${c} -j ${plan.chain}`;
  const lines = [
    '*nat',
    `:${plan.chain} - [0:0]`,
    `-A ${plan.chain} -d ${MULTICAST[cfg.family]} -m comment --comment ${c} -j ACCEPT`,
    `-A ${plan.chain} -m comment --comment ${c} -j SNAT --to-source ${formatIp(cfg.nodeIp)}${RANDOM_FLAG[cfg.randomizeSnat]}`,
  ];
  if (!existing.split('\n').includes(jump)) lines.push(jump);
  lines.push('COMMIT');
  const fwd = forwardRule(cfg);
  if (!existing.split('\n').includes(fwd)) lines.push('*filter', fwd, 'COMMIT');
  return lines.join('\n') + '\n';
}

/**
 * iptables-restore input (with --noflush) removing every POSTROUTING jump to `chain` and the chain itself, found
 * in `iptables-save -t nat` output; empty when there is nothing to remove (DEL is idempotent).
 */
export function snatRemoval(chain: string, natSave: string): string {
  const lines = natSave.split('\n');
  const jumps = lines.filter((l) => l.startsWith('-A POSTROUTING ') && l.endsWith(` -j ${chain}`));
  const hasChain = lines.includes(`:${chain} - [0:0]`) || lines.some((l) => l.startsWith(`:${chain} `));
  if (!jumps.length && !hasChain) return '';
  const out = ['*nat', ...jumps.map((l) => `-D${l.slice(2)}`)];
  if (hasChain) out.push(`-F ${chain}`, `-X ${chain}`);
  out.push('COMMIT');
  return out.join('\n') + '\n';
}
