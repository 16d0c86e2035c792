// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';

import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import { type CniHandlers, type CniRequest } from '@vpc-cni-ts/sdk/skel';
import { type AnyResult, convertResult, toCurrentResult, versionsStartingFrom } from '@vpc-cni-ts/sdk/spec';

import { hasLimits, parseBandwidthConfig } from '../config/bandwidth-config';
import { type ObservedTbf, type ShapingKernel } from '../kernel/shaping-kernel';
import { ifbName } from '../plan/ifb-name';
import { burstTooSmall, planShaping } from '../plan/shaping-plan';
import { type TbfParams } from '../plan/tbf';
import { findHostVeth } from './host-veth';

/** A random locally administered unicast MAC, the kind the kernel gives a new ifb. */
export function randomMac(bytes: Buffer = randomBytes(6)): string {
  const b = Buffer.from(bytes);
  b[0] = (b[0] & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

const needPrev = (): CniError =>
  new CniError(
    CniErrorCode.InvalidNetworkConfig,
    'bandwidth-shim must be called as a chained plugin: prevResult is missing',
  );

function tbfMismatch(what: string, want: TbfParams, got: ObservedTbf | undefined): string | undefined {
  if (!got) return `${what}: no tbf qdisc found`;
  if (got.rateBytes !== want.rateBytes)
    return `${what}: tbf rate is ${got.rateBytes * 8} bit/s, configured ${want.rateBytes * 8}`;
  if (Math.abs(got.burstBytes - want.burstBytes) > Math.max(2, want.burstBytes * 0.01)) {
    return `${what}: tbf burst is ${got.burstBytes} bytes, configured ${want.burstBytes}`;
  }
  return undefined;
}

/** ADD/DEL/CHECK of bandwidth-shim over a {@link ShapingKernel}. */
export function bandwidthHandlers(kernel: ShapingKernel, mac: () => string = () => randomMac()): CniHandlers {
  return {
    supportedVersions: versionsStartingFrom('0.3.0'),

    async add(req: CniRequest): Promise<AnyResult> {
      const cfg = parseBandwidthConfig(req.config);
      if (!hasLimits(cfg.limits)) {
        return cfg.prevResult
          ? convertResult(cfg.prevResult, cfg.cniVersion)
          : ({ cniVersion: cfg.cniVersion } as AnyResult);
      }
      if (!cfg.prevResult) throw needPrev();
      const prev = toCurrentResult(cfg.prevResult);
      const host = await findHostVeth(kernel, req.netns, req.ifName, prev);
      const plan = planShaping(
        cfg.limits,
        host,
        ifbName(cfg.name, req.containerId),
        mac(),
        await kernel.ticksPerUsec(),
      );
      const small = burstTooSmall(plan, host.mtu);
      if (small) throw new CniError(CniErrorCode.InvalidNetworkConfig, small);
      await kernel.apply(plan);
      if (plan.egress) {
        prev.interfaces = [...(prev.interfaces ?? []), { name: plan.egress.ifb, mac: plan.egress.ifbMac }];
      }
      return convertResult(prev, cfg.cniVersion);
    },

    async del(req: CniRequest): Promise<void> {
      // Lenient on purpose: DEL must clean up even when the limits in the config no longer validate.
      const name = req.config.name;
      if (typeof name !== 'string' || name === '') {
        throw new CniError(CniErrorCode.InvalidNetworkConfig, 'network config is missing "name"');
      }
      await kernel.deleteLink(ifbName(name, req.containerId));
    },

    async check(req: CniRequest): Promise<void> {
      const cfg = parseBandwidthConfig(req.config);
      if (!cfg.prevResult) throw needPrev();
      if (!hasLimits(cfg.limits)) return;
      const prev = toCurrentResult(cfg.prevResult);
      const host = await findHostVeth(kernel, req.netns, req.ifName, prev);
      const ifb = ifbName(cfg.name, req.containerId);
      const plan = planShaping(cfg.limits, host, ifb, '', await kernel.ticksPerUsec());
      const seen = await kernel.observe(host.name, ifb);
      const problems: string[] = [];
      if (plan.ingress) {
        const m = tbfMismatch(`ingress limit on ${host.name}`, plan.ingress, seen.vethTbf);
        if (m) problems.push(m);
      }
      if (plan.egress) {
        if (!seen.ifbExists) problems.push(`egress limit: ifb device ${ifb} is missing`);
        else {
          const m = tbfMismatch(`egress limit on ${ifb}`, plan.egress, seen.ifbTbf);
          if (m) problems.push(m);
        }
        if (!seen.vethIngressQdisc) problems.push(`egress limit: no ingress qdisc on ${host.name}`);
        if (!seen.redirectsTo.includes(ifb))
          problems.push(`egress limit: no filter on ${host.name} redirects to ${ifb}`);
      }
      if (problems.length) throw new CniError(CniErrorCode.Internal, `bandwidth CHECK failed: ${problems.join('; ')}`);
    },
  };
}
