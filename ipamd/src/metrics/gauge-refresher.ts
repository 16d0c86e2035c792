// SPDX-License-Identifier: Apache-2.0
import type { DatastoreView } from '../introspection/datastore-view';
import type { Clock } from '../ports';
import { refreshDatastoreGauges, type GaugeLimits } from './datastore-gauges';
import type { PromMetrics } from './prom-metrics';

export interface GaugeRefresherDeps {
  readonly metrics: PromMetrics;
  /** Current view; undefined while ipamd is starting (nothing is set then). */
  readonly view: () => DatastoreView | undefined;
  /** ENI/IP ceilings (`PoolManager.currentTargets()` fits); undefined leaves eni_max/ip_max alone. */
  readonly limits?: () => GaugeLimits | undefined;
  readonly clock: Clock;
  /** Default 5000 ms (ipamd's pool tick). */
  readonly intervalMs?: number;
  /** IP_COOLDOWN_PERIOD in ms, to count cooling addresses from release times. */
  readonly cooldownMs?: number;
}

/**
 * Keeps the datastore gauges (`awscni_total_ip_addresses`, per-CIDR, per-ENI, `awscni_eni_allocated`, ...) current
 * by refreshing them from a view every interval. `refresh()` does one pass now (e.g. right before a scrape).
 */
export class DatastoreGaugeRefresher {
  private loop: Promise<void> | undefined;
  private abort = new AbortController();

  constructor(private readonly d: GaugeRefresherDeps) {}

  refresh(): void {
    const view = this.d.view();
    if (!view) return;
    refreshDatastoreGauges(this.d.metrics, view, {
      limits: this.d.limits?.(),
      now: this.d.clock.now(),
      cooldownMs: this.d.cooldownMs,
    });
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        this.refresh();
        await this.d.clock.sleep(this.d.intervalMs ?? 5000, signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.loop = undefined;
  }
}
