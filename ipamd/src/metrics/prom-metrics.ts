// SPDX-License-Identifier: Apache-2.0
import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';

import type { CounterName, GaugeName, Labels, Metrics } from '../ports';
import {
  METRIC_CATALOG,
  type CatalogCounter,
  type CatalogGauge,
  type CatalogHistogram,
  type CatalogSummary,
  type MetricSpec,
} from './catalog';

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string> | Summary<string>;

/** Options of the Prometheus adapter. */
export interface PromMetricsOptions {
  /** Add the process/Node.js default collectors (CPU, memory, event loop, GC) to this registry. Default true. */
  readonly defaultCollectors?: boolean;
}

/**
 * The `Metrics` port over prom-client, with its own `Registry` (never the global one, so several instances and
 * tests do not collide). Every metric of `METRIC_CATALOG` is declared at construction with upstream's name, type and
 * label names. Port names map one to one, with one adaptation where the port differs from upstream:
 * - `inc('awscni_ec2api_error_count', {fn, error})`: upstream labels that counter by `fn` only; the error code goes
 *   to `awscni_aws_api_error_count{api=fn, error=code}` as well.
 * Labels a metric does not declare are dropped (prom-client would throw), declared ones missing are set to "".
 */
export class PromMetrics implements Metrics {
  readonly registry: Registry;
  private readonly byName = new Map<string, { spec: MetricSpec; metric: AnyMetric }>();

  constructor(opts: PromMetricsOptions = {}) {
    this.registry = new Registry();
    if (opts.defaultCollectors ?? true) collectDefaultMetrics({ register: this.registry });
    for (const spec of METRIC_CATALOG as readonly MetricSpec[]) {
      const base = { name: spec.name, help: spec.help, labelNames: [...spec.labels], registers: [this.registry] };
      let metric: AnyMetric;
      switch (spec.type) {
        case 'counter':
          metric = new Counter(base);
          break;
        case 'gauge':
          metric = new Gauge(base);
          break;
        case 'histogram':
          metric = new Histogram({ ...base, buckets: [...(spec.buckets ?? [])] });
          break;
        case 'summary':
          metric = new Summary({ ...base, percentiles: [...(spec.percentiles ?? [0.5, 0.9, 0.99])] });
          break;
      }
      for (const l of spec.preset ?? []) (metric as Counter<string>).inc(l, 0);
      this.byName.set(spec.name, { spec, metric });
    }
  }

  /** The text exposition format of every metric in the registry. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /** Content-Type for `exposition()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  inc(name: CounterName | CatalogCounter, labels?: Labels, by = 1): void {
    if (name === 'awscni_ec2api_error_count' && labels?.error !== undefined) {
      this.counter('awscni_aws_api_error_count').inc({ api: labels.fn ?? '', error: labels.error }, by);
    }
    const { spec, metric } = this.get(name, 'counter');
    (metric as Counter<string>).inc(this.fit(spec, labels), by);
  }

  set(name: GaugeName | CatalogGauge, value: number, labels?: Labels): void {
    const { spec, metric } = this.get(name, 'gauge');
    (metric as Gauge<string>).set(this.fit(spec, labels), value);
  }

  /** Record a histogram or summary sample (seconds for the duration histograms, ms for the API latency). */
  observe(name: CatalogHistogram | CatalogSummary, value: number, labels?: Labels): void {
    const { spec, metric } = this.get(name);
    (metric as Histogram<string>).observe(this.fit(spec, labels), value);
  }

  /** Drop every series of a labelled gauge (before re-setting per-CIDR / per-ENI values). */
  resetGauge(name: CatalogGauge): void {
    (this.get(name, 'gauge').metric as Gauge<string>).reset();
  }

  /** `awscni_build_info{version, goversion} 1`; `runtime` is what stands in for Go's version (e.g. `node v22.1.0`). */
  setBuildInfo(version: string, runtime: string): void {
    this.set('awscni_build_info', 1, { version, goversion: runtime });
  }

  /** `awscni_connmark_backend{backend} = 1` for the active backend, 0 for the other. */
  setConnmarkBackend(backend: 'iptables' | 'nftables'): void {
    for (const b of ['iptables', 'nftables'] as const)
      this.set('awscni_connmark_backend', b === backend ? 1 : 0, { backend: b });
  }

  /**
   * Mark an ipamd action in progress (`awscni_ipamd_action_inprogress{fn}` +1) until the returned function is called
   * (idempotent).
   */
  actionStarted(fn: string): () => void {
    const g = this.get('awscni_ipamd_action_inprogress', 'gauge').metric as Gauge<string>;
    g.inc({ fn });
    let done = false;
    return () => {
      if (done) return;
      done = true;
      g.dec({ fn });
    };
  }

  /** Current value of one series (tests, introspection). */
  async value(name: string, labels: Labels = {}): Promise<number | undefined> {
    const m = this.byName.get(name);
    if (!m) throw new Error(`unknown metric ${name}`);
    const data = await m.metric.get();
    const want = this.fit(m.spec, labels);
    const hit = data.values.find(
      (v) =>
        !('metricName' in v && v.metricName && v.metricName !== name) &&
        Object.entries(want).every(([k, x]) => String((v.labels as Record<string, unknown>)[k] ?? '') === x) &&
        Object.keys(v.labels).filter((k) => k !== 'quantile' && k !== 'le').length === Object.keys(want).length,
    );
    return hit?.value;
  }

  private counter(name: CatalogCounter): Counter<string> {
    return this.get(name, 'counter').metric as Counter<string>;
  }

  private get(name: string, type?: MetricSpec['type']): { spec: MetricSpec; metric: AnyMetric } {
    const m = this.byName.get(name);
    if (!m) throw new Error(`metrics: ${name} is not declared in METRIC_CATALOG`);
    if (type && m.spec.type !== type) throw new Error(`metrics: ${name} is a ${m.spec.type}, not a ${type}`);
    return m;
  }

  private fit(spec: MetricSpec, labels: Labels | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    if (!spec.labels.length) return out;
    for (const l of spec.labels) out[l] = labels?.[l] ?? '';
    return out;
  }
}
