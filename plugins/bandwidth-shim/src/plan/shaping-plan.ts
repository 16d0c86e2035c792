// SPDX-License-Identifier: Apache-2.0
import { type BandwidthLimits } from '../config/bandwidth-config';
import { tbfParams, type TbfParams } from './tbf';

/** What ADD will create on the host, decided before anything is touched. */
export interface ShapingPlan {
  readonly hostVeth: string;
  /** Traffic into the pod: a root TBF (handle 1:) on the host veth. */
  readonly ingress?: TbfParams;
  /** Traffic out of the pod: ifb device + ingress qdisc + u32 mirred redirect on the host veth + TBF on the ifb. */
  readonly egress?: TbfParams & { readonly ifb: string; readonly ifbMtu: number; readonly ifbMac: string };
}

/** Builds the plan; `ifbMac` is chosen by the caller (random locally administered unicast, like the kernel's). */
export function planShaping(
  limits: BandwidthLimits,
  host: { readonly name: string; readonly mtu: number },
  ifb: string,
  ifbMac: string,
  ticksPerUsec?: number,
): ShapingPlan {
  const plan: { -readonly [K in keyof ShapingPlan]: ShapingPlan[K] } = { hostVeth: host.name };
  if (limits.ingressRate > 0 && limits.ingressBurst > 0) {
    plan.ingress = tbfParams(limits.ingressRate, limits.ingressBurst, ticksPerUsec);
  }
  if (limits.egressRate > 0 && limits.egressBurst > 0) {
    plan.egress = { ...tbfParams(limits.egressRate, limits.egressBurst, ticksPerUsec), ifb, ifbMtu: host.mtu, ifbMac };
  }
  return plan;
}

/** A burst smaller than one full packet makes TBF drop every full-size packet: name it instead of black-holing. */
export function burstTooSmall(plan: ShapingPlan, mtu: number): string | undefined {
  for (const [dir, p] of [
    ['ingress', plan.ingress],
    ['egress', plan.egress],
  ] as const) {
    if (p && p.burstBytes < mtu) {
      return `${dir}Burst of ${p.burstBytes * 8} bits (${p.burstBytes} bytes) is smaller than one packet on ${plan.hostVeth} (MTU ${mtu}): TBF would drop every full-size packet; use at least ${mtu * 8} bits`;
    }
  }
  return undefined;
}

/** `ip -batch` lines creating the ifb (none when egress is not limited). */
export function ipBatch(plan: ShapingPlan): string[] {
  if (!plan.egress) return [];
  const e = plan.egress;
  return [
    `link add name ${e.ifb} address ${e.ifbMac} mtu ${e.ifbMtu} txqueuelen 0 type ifb`,
    `link set dev ${e.ifb} up`,
  ];
}

const tbf = (dev: string, p: TbfParams): string =>
  `qdisc add dev ${dev} root handle 1: tbf rate ${p.rateBytes}bps burst ${p.tcBurstBytes} limit ${p.limitBytes}`;

/**
 * `tc -batch` lines. Debian's reference build installs the u32 filter with a second, unreachable mirred action
 * (the first one steals every packet); the tc CLI cannot express that on this kernel, and it changes nothing, so
 * the filter carries the one action that acts.
 */
export function tcBatch(plan: ShapingPlan): string[] {
  const out: string[] = [];
  if (plan.ingress) out.push(tbf(plan.hostVeth, plan.ingress));
  if (plan.egress) {
    const e = plan.egress;
    out.push(`qdisc add dev ${plan.hostVeth} handle ffff: ingress`);
    out.push(
      `filter add dev ${plan.hostVeth} parent ffff: protocol all prio 1 u32 match u32 0 0 flowid 1:1 ` +
        `action mirred egress redirect dev ${e.ifb}`,
    );
    out.push(tbf(e.ifb, e));
  }
  return out;
}
