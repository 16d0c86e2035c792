// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import { type CniHandlers, type CniRequest } from '@vpc-cni-ts/sdk/skel';
import { ALL_VERSIONS, type AnyResult, convertResult, toCurrentResult } from '@vpc-cni-ts/sdk/spec';

import { checkAllowlist } from '../config/allowlist';
import { changesLink, type LinkSettings, parseTuningConfig, type TuningConfig } from '../config/tuning-config';
import { type BackupStore, type LinkBackup, type LinkState, type TuningKernel } from '../kernel/tuning-kernel';

/** The original values of exactly the attributes ADD is about to change (what DEL restores). */
export function backupOf(link: LinkSettings, current: LinkState): LinkBackup {
  const b: LinkBackup = {};
  if (link.mac !== undefined) b.mac = current.mac;
  if (link.promisc === true) b.promisc = current.promisc;
  if (link.mtu !== undefined) b.mtu = current.mtu;
  if (link.allmulti !== undefined) b.allmulti = current.allmulti;
  if (link.txQLen !== undefined) b.txQLen = current.txQLen;
  return b;
}

/** The settings ADD applies: promisc only ever turns on, as in the reference. */
function toApply(link: LinkSettings): LinkSettings {
  const { promisc, ...rest } = link;
  return promisc === true ? { ...rest, promisc } : rest;
}

/** Differences between configured and observed state, for CHECK. */
export function checkDiffs(cfg: TuningConfig, ifName: string, sysctls: readonly string[], link: LinkState): string[] {
  const out: string[] = [];
  cfg.sysctls.forEach((s, i) => {
    if (sysctls[i] !== s.value) out.push(`sysctl ${s.key} is "${sysctls[i]}", configured "${s.value}"`);
  });
  const l = cfg.link;
  if (l.mac !== undefined && link.mac !== l.mac) out.push(`MAC of ${ifName} is ${link.mac}, configured ${l.mac}`);
  if (l.promisc === true && !link.promisc) out.push(`${ifName} is not in promiscuous mode`);
  if (l.mtu !== undefined && link.mtu !== l.mtu)
    out.push(`configured MTU of ${ifName} is ${l.mtu}, current value is ${link.mtu}`);
  if (l.allmulti !== undefined && link.allmulti !== l.allmulti)
    out.push(`allmulticast of ${ifName} is ${link.allmulti ? 'on' : 'off'}, configured ${l.allmulti ? 'on' : 'off'}`);
  if (l.txQLen !== undefined && link.txQLen !== l.txQLen)
    out.push(`txqueuelen of ${ifName} is ${link.txQLen}, configured ${l.txQLen}`);
  return out;
}

const needPrev = (): CniError =>
  new CniError(
    CniErrorCode.InvalidNetworkConfig,
    'tuning-shim must be called as a chained plugin: Required prevResult missing',
  );

/** Dependencies of the tuning handlers. */
export interface TuningDeps {
  readonly kernel: TuningKernel;
  readonly backups: BackupStore;
  /** The allowlist, or undefined when none is installed (everything allowed). */
  readonly allowlist: () => Promise<readonly RegExp[] | undefined>;
}

/** ADD/DEL/CHECK of tuning-shim. */
export function tuningHandlers(deps: TuningDeps): CniHandlers {
  const parse = (req: CniRequest): TuningConfig =>
    parseTuningConfig(req.config, { ifName: req.ifName, cniArgs: req.args });
  return {
    supportedVersions: [...ALL_VERSIONS],

    async add(req: CniRequest): Promise<AnyResult> {
      const cfg = parse(req);
      if (!cfg.prevResult) throw needPrev();
      checkAllowlist(
        cfg.sysctls.map((s) => s.key),
        await deps.allowlist(),
      );
      const prev = toCurrentResult(cfg.prevResult);
      const link = cfg.link;
      if (cfg.sysctls.length > 0 || changesLink(link)) {
        const current = await deps.kernel.writeSysctlsAndReadLink(req.netns, req.ifName, cfg.sysctls);
        if (changesLink(link)) {
          await deps.backups.save(cfg.dataDir, req.containerId, req.ifName, backupOf(link, current));
          try {
            await deps.kernel.setLink(req.netns, req.ifName, toApply(link));
          } catch (err) {
            await deps.kernel.setLink(req.netns, req.ifName, backupOf(link, current)).catch(() => undefined);
            await deps.backups.remove(cfg.dataDir, req.containerId, req.ifName);
            throw err;
          }
          if (link.mac !== undefined) {
            for (const i of prev.interfaces ?? []) if (i.name === req.ifName) i.mac = link.mac;
          }
        }
      }
      return convertResult(prev, cfg.cniVersion);
    },

    async del(req: CniRequest): Promise<void> {
      const cfg = parse(req);
      const backup = await deps.backups.load(cfg.dataDir, req.containerId, req.ifName);
      if (!backup) return;
      // Unlike the reference, a namespace that is already gone still removes the backup file (nothing to restore).
      if (await deps.kernel.netnsExists(req.netns)) {
        await deps.kernel.setLink(req.netns, req.ifName, backup).catch(() => undefined);
      }
      await deps.backups.remove(cfg.dataDir, req.containerId, req.ifName);
    },

    async check(req: CniRequest): Promise<void> {
      const cfg = parse(req);
      if (!cfg.prevResult) throw needPrev();
      const seen = await deps.kernel.read(
        req.netns,
        req.ifName,
        cfg.sysctls.map((s) => s.path),
      );
      const diffs = checkDiffs(cfg, req.ifName, seen.sysctls, seen.link);
      if (diffs.length) throw new CniError(CniErrorCode.Internal, `tuning CHECK failed: ${diffs.join('; ')}`);
    },
  };
}
