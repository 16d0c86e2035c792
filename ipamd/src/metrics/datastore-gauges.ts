// SPDX-License-Identifier: Apache-2.0
import type { DatastoreView } from '../introspection/datastore-view';
import { cidrSize } from '../introspection/datastore-view';
import type { CatalogGauge } from './catalog';
import type { PromMetrics } from './prom-metrics';

/** ENI and address ceilings (upstream `awscni_eni_max` / `awscni_ip_max`); `PoolTargets` satisfies it. */
export interface GaugeLimits {
  /** ENIs ipamd may use: max ENI minus unmanaged ones. */
  readonly maxEnis: number;
  /** Secondary slots per ENI (IPv4-per-ENI minus the primary). */
  readonly slotsPerEni: number;
  readonly prefixDelegation: boolean;
}

/** One gauge sample. */
export interface GaugeSample {
  readonly name: CatalogGauge;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The datastore gauges for a view, as samples (pure). Totals sum over every network card (upstream lets the last
 * card's datastore overwrite them); ENIs excluded for pod IPs do not count towards totals, as upstream's stats.
 * Cooling addresses: released less than `cooldownMs` before `now`, or the ENI's `coolingCount` when given.
 */
export function datastoreGauges(
  view: DatastoreView,
  opts: { readonly limits?: GaugeLimits; readonly now?: number; readonly cooldownMs?: number } = {},
): GaugeSample[] {
  let total = 0,
    assigned = 0,
    prefixes = 0,
    cooling = 0,
    enis = 0;
  const perCidr: GaugeSample[] = [];
  const perEni: GaugeSample[] = [];
  for (const card of view.cards) {
    for (const eni of card.enis) {
      enis++;
      let eniAssigned = 0;
      let eniCooling = 0;
      for (const c of [...eni.ipv4Cidrs, ...(eni.ipv6Cidrs ?? [])]) {
        const a = c.addresses.filter((x) => x.key).length;
        eniAssigned += a;
        if (opts.now !== undefined && opts.cooldownMs !== undefined)
          eniCooling += c.addresses.filter(
            (x) => !x.key && x.unassignedAtMs !== undefined && opts.now! - x.unassignedAtMs < opts.cooldownMs!,
          ).length;
        perCidr.push({ name: 'awscni_assigned_ip_per_cidr', labels: { cidr: c.cidr }, value: a });
        if (eni.excludedForPodIps) continue;
        total += cidrSize(c.cidr);
        if (c.isPrefix && !c.cidr.includes(':')) prefixes++;
      }
      perEni.push({ name: 'awscni_assigned_ip_per_eni', labels: { eni: eni.id }, value: eniAssigned });
      if (!eni.excludedForPodIps) {
        assigned += eniAssigned;
        cooling += eni.coolingCount ?? eniCooling;
      }
    }
  }
  const out: GaugeSample[] = [
    { name: 'awscni_total_ip_addresses', value: total },
    { name: 'awscni_assigned_ip_addresses', value: assigned },
    { name: 'awscni_total_ipv4_prefixes', value: prefixes },
    { name: 'awscni_cooldown_ip_addresses', value: cooling },
    { name: 'awscni_eni_allocated', value: enis },
    ...perCidr,
    ...perEni,
  ];
  if (opts.limits) {
    const l = opts.limits;
    out.push({ name: 'awscni_eni_max', value: l.maxEnis });
    out.push({ name: 'awscni_ip_max', value: l.maxEnis * l.slotsPerEni * (l.prefixDelegation ? 16 : 1) });
  }
  return out;
}

/**
 * Set the datastore gauges of `metrics` from a view. Per-CIDR and per-ENI series are reset first, so CIDRs and
 * ENIs that left the datastore disappear from the exposition.
 */
export function refreshDatastoreGauges(
  metrics: PromMetrics,
  view: DatastoreView,
  opts: { readonly limits?: GaugeLimits; readonly now?: number; readonly cooldownMs?: number } = {},
): void {
  metrics.resetGauge('awscni_assigned_ip_per_cidr');
  metrics.resetGauge('awscni_assigned_ip_per_eni');
  for (const s of datastoreGauges(view, opts)) metrics.set(s.name, s.value, s.labels);
}
