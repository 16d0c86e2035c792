// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import { formatIp } from '@vpc-cni-ts/sdk/kernel';
import { type CniHandlers, type CniRequest } from '@vpc-cni-ts/sdk/skel';
import { type AnyResult, convertResult, toCurrentResult, versionsStartingFrom } from '@vpc-cni-ts/sdk/spec';

import { type EgressConfig, parseEgressConfig } from '../config/egress-config';
import { type LeaseStore } from '../ipam/lease-store';
import { type EgressKernel } from '../kernel/egress-kernel';
import { type Logger } from '../log/file-logger';
import { chainName, planEgress, snatRemoval, snatRestore } from '../plan/egress-plan';

/** A random locally administered unicast MAC. */
export function randomMac(bytes: Buffer = randomBytes(6)): string {
  const b = Buffer.from(bytes);
  b[0] = (b[0] & 0xfe) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Dependencies of the egress handlers (one composition root builds them in main.ts). */
export interface EgressDeps {
  readonly kernel: EgressKernel;
  /** The lease store for a host-local directory (`<dataDir>/<network name>`). */
  readonly leases: (dir: string) => LeaseStore;
  /** A logger for the parsed config (file and level come from the config). */
  readonly logger: (cfg: EgressConfig, req: CniRequest) => Logger;
  /** Host veth name generator (default `veth` + 8 random hex chars, like containernetworking's). */
  readonly vethName?: () => string;
  readonly mac?: () => string;
}

/** ADD/DEL/CHECK of egress-cni. */
export function egressHandlers(deps: EgressDeps): CniHandlers {
  const vethName = deps.vethName ?? (() => `veth${randomBytes(4).toString('hex')}`);
  const mac = deps.mac ?? (() => randomMac());
  const storeOf = (cfg: EgressConfig): LeaseStore => deps.leases(join(cfg.dataDir, cfg.name));

  async function teardown(cfg: EgressConfig, req: CniRequest, log: Logger): Promise<void> {
    const addrs = await deps.kernel.deletePodInterface(req.netns, cfg.ifName);
    log.debug('deleted pod interface', { ifName: cfg.ifName, addrs });
    const chain = chainName(cfg.family, cfg.name, req.containerId);
    const removal = snatRemoval(chain, await deps.kernel.saveRules(cfg.family, 'nat'));
    await deps.kernel.restoreRules(cfg.family, removal);
    const released = await storeOf(cfg).release(req.containerId, cfg.ifName);
    log.debug('released leases', { chain, released: released.map(formatIp) });
  }

  return {
    supportedVersions: versionsStartingFrom('0.3.0'),

    async add(req: CniRequest): Promise<AnyResult> {
      const cfg = parseEgressConfig(req.config);
      const log = deps.logger(cfg, req);
      if (!cfg.enabled) {
        log.debug('egress disabled: passing prevResult through');
        return cfg.prevResult
          ? convertResult(cfg.prevResult, cfg.cniVersion)
          : ({ cniVersion: cfg.cniVersion } as AnyResult);
      }
      if (!cfg.prevResult) {
        throw new CniError(
          CniErrorCode.InvalidNetworkConfig,
          'egress-cni must be called as a chained plugin after the main plugin: prevResult is missing',
        );
      }
      const prev = toCurrentResult(cfg.prevResult);
      const store = storeOf(cfg);
      const podIp = await store.acquire(req.containerId, cfg.ifName, cfg.range);
      log.info('leased egress address', { ip: formatIp(podIp) });
      try {
        await deps.kernel.setHostSysctl(cfg.family === 4 ? 'net/ipv4/ip_forward' : 'net/ipv6/conf/all/forwarding', '1');
        const plan = planEgress(
          cfg,
          { containerId: req.containerId, netns: req.netns, hostVeth: vethName(), hostMac: mac(), podMac: mac() },
          podIp,
        );
        await deps.kernel.createInterfaces(req.netns, plan);
        if (cfg.nodeIp) {
          await deps.kernel.restoreRules(cfg.family, snatRestore(cfg, plan, await deps.kernel.saveRules(cfg.family)));
        }
        log.info('egress set up', { hostVeth: plan.hostVeth, chain: plan.chain });
        prev.interfaces = [
          ...(prev.interfaces ?? []),
          { name: plan.hostVeth, mac: plan.hostMac },
          { name: cfg.ifName, mac: plan.podMac, sandbox: req.netns },
        ];
        return convertResult(prev, cfg.cniVersion);
      } catch (err) {
        log.error('ADD failed, undoing', { error: (err as Error).message });
        await teardown(cfg, req, log).catch((e: Error) => log.error('undo failed', { error: e.message }));
        throw err;
      }
    },

    async del(req: CniRequest): Promise<void> {
      const cfg = parseEgressConfig(req.config);
      const log = deps.logger(cfg, req);
      if (!cfg.enabled && (await storeOf(cfg).find(req.containerId, cfg.ifName)).length === 0) return;
      await teardown(cfg, req, log);
    },

    async check(req: CniRequest): Promise<void> {
      const cfg = parseEgressConfig(req.config);
      if (!cfg.enabled) return;
      if (!cfg.prevResult) {
        throw new CniError(CniErrorCode.InvalidNetworkConfig, 'egress-cni CHECK needs prevResult');
      }
      const leases = await storeOf(cfg).find(req.containerId, cfg.ifName);
      if (leases.length === 0)
        throw new CniError(CniErrorCode.Internal, `no egress lease for ${req.containerId}/${cfg.ifName}`);
      if (cfg.nodeIp) {
        const chain = chainName(cfg.family, cfg.name, req.containerId);
        const rules = await deps.kernel.saveRules(cfg.family, 'nat');
        if (!rules.split('\n').some((l) => l.startsWith('-A POSTROUTING ') && l.endsWith(` -j ${chain}`))) {
          throw new CniError(CniErrorCode.Internal, `SNAT jump to ${chain} is missing from POSTROUTING`);
        }
      }
    },
  };
}
