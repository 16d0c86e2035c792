import { type CniNodeFeature } from './kube-api';

export const SGP_FEATURE = 'SecurityGroupsForPods';
export const CUSTOM_NETWORKING_FEATURE = 'CustomNetworking';

/**
 * The CNINode feature list with `wanted` requested: a stale entry of the same name is replaced, others kept in
 * order. Returns undefined when the list already says exactly that (no write needed).
 */
export function withFeatures(
  current: readonly CniNodeFeature[],
  wanted: readonly CniNodeFeature[],
): CniNodeFeature[] | undefined {
  const norm = (f: CniNodeFeature): string => `${f.name}=${f.value ?? ''}`;
  const next = current.filter((f) => !wanted.some((w) => w.name === f.name));
  next.push(...wanted.map((w) => (w.value ? { name: w.name, value: w.value } : { name: w.name })));
  const before = new Set(current.map(norm));
  const same = next.length === current.length && next.every((f) => before.has(norm(f)));
  return same ? undefined : next;
}

/** What ipamd asks the VPC resource controller for (upstream 4.7, 4.9). */
export function wantedFeatures(opts: { podEni: boolean; eniConfigName?: string }): CniNodeFeature[] {
  const out: CniNodeFeature[] = [];
  if (opts.podEni) {
    out.push({ name: SGP_FEATURE });
    if (opts.eniConfigName && opts.eniConfigName !== 'default')
      out.push({ name: CUSTOM_NETWORKING_FEATURE, value: opts.eniConfigName });
  }
  return out;
}
