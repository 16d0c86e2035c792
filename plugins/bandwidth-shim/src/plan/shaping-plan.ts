// SPDX-License-Identifier: Apache-2.0
import { type TbfSpec, type TcBatch } from '@vpc-cni-ts/sdk/kernel';

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

/** The reference plugin's tbf handle and the class id its u32 filter sets; kept for identical kernel state. */
export const REFERENCE_TBF_HANDLE = '1:';
export const REFERENCE_FLOWID = '1:1';

/** A TBF in the SDK's terms: rate in bit/s (the kernel gets exactly `rateBytes`), queue bound as a byte limit. */
export function tbfSpec(dev: string, p: TbfParams): TbfSpec {
  return {
    dev,
    rateBitsPerSec: p.rateBytes * 8,
    burstBytes: p.tcBurstBytes,
    limitBytes: p.limitBytes,
    handle: REFERENCE_TBF_HANDLE,
  };
}

/**
 * Queues the plan's traffic control on `batch` (one `tc -batch` when committed): the ingress limit as a root tbf on
 * the veth; the egress limit as an ingress qdisc with a u32 match-all filter (flowid 1:1) redirecting to the ifb,
 * and a root tbf on the ifb. Debian's reference build installs the filter with a second, unreachable mirred action
 * (the first one steals every packet); the tc CLI cannot express that on this kernel, and it changes nothing, so
 * the filter carries the one action that acts.
 */
export function queueShaping(batch: TcBatch, plan: ShapingPlan): TcBatch {
  if (plan.ingress) batch.replaceTbf(tbfSpec(plan.hostVeth, plan.ingress));
  if (plan.egress) {
    const e = plan.egress;
    batch
      .addIngress(plan.hostVeth)
      .redirectIngress(plan.hostVeth, e.ifb, { flowid: REFERENCE_FLOWID })
      .replaceTbf(tbfSpec(e.ifb, e));
  }
  return batch;
}
