// SPDX-License-Identifier: Apache-2.0
import { isEc2Error, type Clock, type Logger } from '../ports';
import { ENI_DESCRIPTION_PREFIX, TAG_CREATED_AT, TAG_INSTANCE_ID, rfc3339 } from './eni-tags';
import type { EniHygieneApi, LeakCandidate } from './hygiene-api';

/** Upstream waits this long after `createdAt` before deleting an available ENI (it may be about to attach). */
export const LEAKED_ENI_MIN_AGE_MS = 5 * 60_000;

/** What to do with the candidates of one run. */
export interface LeakedEniPlan {
  readonly delete: readonly string[];
  /** No `createdAt` tag: tag it now, delete on a later run. */
  readonly tagCreatedAt: readonly string[];
  readonly skipped: readonly {
    readonly id: string;
    readonly reason: 'not-ours' | 'not-available' | 'too-young' | 'bad-created-at';
  }[];
}

/**
 * Decide the fate of leak candidates (pure): only `available` ENIs described `aws-K8S-*` are considered; one
 * without `createdAt` gets tagged and skipped; one younger than `minAgeMs` (or with an unreadable timestamp) is
 * skipped; the rest are deleted. `ownInstanceId` (start-up pass only): ENIs tagged with this instance are deleted
 * whatever their age, since the only ipamd that could be about to attach them is the one starting now.
 */
export function planLeakedEniCleanup(
  candidates: readonly LeakCandidate[],
  nowMs: number,
  minAgeMs = LEAKED_ENI_MIN_AGE_MS,
  ownInstanceId?: string,
): LeakedEniPlan {
  const del: string[] = [];
  const tag: string[] = [];
  const skipped: LeakedEniPlan['skipped'][number][] = [];
  for (const c of candidates) {
    if (!c.description.startsWith(ENI_DESCRIPTION_PREFIX)) skipped.push({ id: c.id, reason: 'not-ours' });
    else if (c.status !== 'available') skipped.push({ id: c.id, reason: 'not-available' });
    else if (ownInstanceId && c.tags[TAG_INSTANCE_ID] === ownInstanceId) del.push(c.id);
    else if (c.tags[TAG_CREATED_AT] === undefined) tag.push(c.id);
    else {
      const t = Date.parse(c.tags[TAG_CREATED_AT]!);
      if (Number.isNaN(t)) skipped.push({ id: c.id, reason: 'bad-created-at' });
      else if (nowMs - t < minAgeMs) skipped.push({ id: c.id, reason: 'too-young' });
      else del.push(c.id);
    }
  }
  return { delete: del, tagCreatedAt: tag, skipped };
}

/** Config bits that turn the job off (notes 4.8). An `IpamdConfig` fits the first three through `fromConfig`. */
export interface LeakedEniJobSwitches {
  readonly ipv6: boolean;
  readonly disableNetworkResourceProvisioning: boolean;
  readonly disableLeakedEniCleanup: boolean;
  readonly imdsOnly?: boolean;
}

/** Whether the leaked-ENI job runs, and why not (pure). */
export function leakedEniCleanupEnabled(s: LeakedEniJobSwitches): { enabled: boolean; reason?: string } {
  if (s.disableLeakedEniCleanup) return { enabled: false, reason: 'DISABLE_LEAKED_ENI_CLEANUP=true' };
  if (s.ipv6) return { enabled: false, reason: 'IPv6 mode' };
  if (s.disableNetworkResourceProvisioning)
    return { enabled: false, reason: 'DISABLE_NETWORK_RESOURCE_PROVISIONING=true' };
  if (s.imdsOnly) return { enabled: false, reason: 'ENABLE_IMDS_ONLY_MODE=true' };
  return { enabled: true };
}

export interface LeakedEniJobDeps {
  readonly api: EniHygieneApi;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `PromMetrics` fits; counts `awscni_leaked_enis_deleted_total`. */
  readonly metrics?: {
    inc(name: 'awscni_leaked_enis_deleted_total', labels?: Readonly<Record<string, string>>, by?: number): void;
  };
  readonly vpcId: string;
  /** CLUSTER_NAME; "" = not filtered by cluster. */
  readonly clusterName: string;
  readonly switches: LeakedEniJobSwitches;
  /** Default 1 h. */
  readonly intervalMs?: number;
  /** First run after a random delay in [0, this); default 300 s. */
  readonly initialDelayMaxMs?: number;
  /** Each interval is stretched by up to this fraction at random; default 0.1. */
  readonly jitter?: number;
  readonly minAgeMs?: number;
}

/** What one run did. */
export interface LeakedEniReport {
  readonly candidates: number;
  readonly deleted: readonly string[];
  readonly tagged: readonly string[];
  readonly skipped: number;
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/**
 * Deletes ENIs that ipamd (on any node of the cluster) created and that were left `available` (node died between
 * detach and delete, upstream #608): hourly with jitter, first run after a random 0-300 s so a fleet restarting
 * together does not hit EC2 at once. A failure of one ENI does not stop the others; a failed listing waits for the
 * next run.
 */
export class LeakedEniCleanupJob {
  private readonly log: Logger;
  private loop: Promise<void> | undefined;
  private abort = new AbortController();

  constructor(private readonly d: LeakedEniJobDeps) {
    this.log = d.logger.child({ component: 'leaked-eni-cleanup' });
  }

  /**
   * The pass at ipamd start-up: as `runOnce`, and this instance's own leaked ENIs (left by a crash between create
   * and attach, or detach and delete) go at once instead of after the minimum age. No-op when disabled.
   */
  async runStartupPass(instanceId: string): Promise<LeakedEniReport | undefined> {
    if (!leakedEniCleanupEnabled(this.d.switches).enabled) return undefined;
    return this.runOnce(instanceId);
  }

  /** One pass now. Never throws: errors are logged and reported. */
  async runOnce(ownInstanceId?: string): Promise<LeakedEniReport> {
    let candidates: LeakCandidate[];
    try {
      candidates = await this.d.api.listLeakCandidates({
        vpcId: this.d.vpcId,
        ...(this.d.clusterName ? { clusterName: this.d.clusterName } : {}),
      });
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'cannot list leaked ENIs; trying again next run');
      return { candidates: 0, deleted: [], tagged: [], skipped: 0, failed: [{ id: '*', error: (e as Error).message }] };
    }
    const now = this.d.clock.now();
    const plan = planLeakedEniCleanup(candidates, now, this.d.minAgeMs, ownInstanceId);
    const deleted: string[] = [];
    const tagged: string[] = [];
    const failed: { id: string; error: string }[] = [];
    for (const id of plan.tagCreatedAt) {
      try {
        await this.d.api.createTags(id, { [TAG_CREATED_AT]: rfc3339(now) });
        tagged.push(id);
      } catch (e) {
        failed.push({ id, error: (e as Error).message });
      }
    }
    for (const id of plan.delete) {
      try {
        await this.d.api.deleteNetworkInterface(id);
        deleted.push(id);
        this.log.info({ eni: id }, 'deleted leaked ENI');
      } catch (e) {
        if (isEc2Error(e, 'not-found')) {
          deleted.push(id); // another node's job got there first
          continue;
        }
        failed.push({ id, error: (e as Error).message });
        this.log.warn({ eni: id, err: (e as Error).message }, 'could not delete leaked ENI');
      }
    }
    if (deleted.length) this.d.metrics?.inc('awscni_leaked_enis_deleted_total', {}, deleted.length);
    const report = { candidates: candidates.length, deleted, tagged, skipped: plan.skipped.length, failed };
    this.log.info(
      {
        candidates: report.candidates,
        deleted: deleted.length,
        tagged: tagged.length,
        skipped: report.skipped,
        failed: failed.length,
      },
      'leaked-ENI cleanup pass',
    );
    return report;
  }

  /** Start the schedule (no-op when disabled by the switches, logged once). */
  start(): void {
    if (this.loop) return;
    const on = leakedEniCleanupEnabled(this.d.switches);
    if (!on.enabled) {
      this.log.info({ reason: on.reason }, 'leaked-ENI cleanup disabled');
      return;
    }
    this.abort = new AbortController();
    const signal = this.abort.signal;
    const c = this.d.clock;
    const interval = this.d.intervalMs ?? 3_600_000;
    const jitter = this.d.jitter ?? 0.1;
    this.loop = (async () => {
      await c.sleep(Math.floor(c.random() * (this.d.initialDelayMaxMs ?? 300_000)), signal);
      while (!signal.aborted) {
        await this.runOnce();
        if (signal.aborted) break;
        await c.sleep(Math.floor(interval * (1 + jitter * c.random())), signal);
      }
    })();
  }

  /** Stop the schedule; waits for a pass in progress. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }
}
