// SPDX-License-Identifier: Apache-2.0

/**
 * Metric names ipamd records; the upstream Prometheus names (notes 6.2) where one exists, so dashboards carry over.
 * A prom-client adapter maps these one to one.
 */
export type CounterName =
  | 'awscni_assign_ip_count'
  | 'awscni_unassign_ip_count'
  | 'awscni_no_available_ip_addresses'
  | 'awscni_ec2api_req_count'
  | 'awscni_ec2api_error_count'
  | 'awscni_eni_created_total'
  | 'awscni_eni_freed'
  | 'awscni_force_removed_ips'
  | 'awscni_force_removed_enis'
  | 'awscni_prefix_fallback_to_secondary_ip'
  | 'awscni_ipamd_action_backoff'
  | 'awscni_add_ip_req_count'
  | 'awscni_del_ip_req_count'
  | 'awscni_ipamd_error_count'
  | 'awscni_reconcile_count'
  | 'awscni_host_rules_repaired_total'
  | 'awscni_leaked_enis_deleted_total';

export type GaugeName =
  | 'awscni_total_ip_addresses'
  | 'awscni_assigned_ip_addresses'
  | 'awscni_cooldown_ip_addresses'
  | 'awscni_eni_max'
  | 'awscni_ip_max';

export type Labels = Readonly<Record<string, string>>;

/** Counters and gauges, as a port (no global registry). */
export interface Metrics {
  inc(name: CounterName, labels?: Labels, by?: number): void;
  set(name: GaugeName, value: number, labels?: Labels): void;
}

const keyOf = (name: string, labels?: Labels): string =>
  labels && Object.keys(labels).length
    ? `${name}{${Object.entries(labels)
        .sort()
        .map(([k, v]) => `${k}="${v}"`)
        .join(',')}}`
    : name;

/** Metrics kept in memory: the default until the Prometheus endpoint exists, and the test double. */
export class MemoryMetrics implements Metrics {
  readonly values = new Map<string, number>();
  inc(name: CounterName, labels?: Labels, by = 1): void {
    const k = keyOf(name, labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  set(name: GaugeName, value: number, labels?: Labels): void {
    this.values.set(keyOf(name, labels), value);
  }
  /** Value of one series, or the sum over all label sets when `labels` is omitted. */
  get(name: CounterName | GaugeName, labels?: Labels): number {
    if (labels) return this.values.get(keyOf(name, labels)) ?? 0;
    let sum = 0;
    for (const [k, v] of this.values) if (k === name || k.startsWith(`${name}{`)) sum += v;
    return sum;
  }
}
