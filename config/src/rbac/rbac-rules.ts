import type { IPolicyRule } from 'kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule';
import type { ApiCall } from '../api-calls';
import { envFlag } from '../env/resolve-env';

/** Which conditional calls to grant. */
export type RbacScope =
  /** Only calls the rendered settings make (least privilege). */
  | { readonly mode: 'settings'; readonly env: Readonly<Record<string, string>> }
  /** Every call in the table, for clusters that toggle features later with `kubectl set env`. */
  | { readonly mode: 'all-features' };

/** The calls ipamd makes under `scope`, in table order. */
export function enabledCalls(calls: readonly ApiCall[], scope: RbacScope): ApiCall[] {
  if (scope.mode === 'all-features') return [...calls];
  return calls.filter((c) => c.when.length === 0 || c.when.some((flag) => envFlag(scope.env, flag)));
}

/**
 * ClusterRole rules granting exactly `calls`: one rule per (group, resource) or non-resource path, verbs in the
 * order of first use. Nothing is granted that no call needs. Pure.
 */
export function rulesFor(calls: readonly ApiCall[]): IPolicyRule[] {
  const rules = new Map<string, IPolicyRule & { verbs: string[] }>();
  for (const c of calls) {
    const key = c.kind === 'resource' ? `r:${c.group}/${c.resource}` : `n:${c.path}`;
    let rule = rules.get(key);
    if (!rule) {
      rule =
        c.kind === 'resource'
          ? { apiGroups: [c.group], resources: [c.resource], verbs: [] }
          : { nonResourceURLs: [c.path], verbs: [] };
      rules.set(key, rule);
    }
    if (!rule.verbs.includes(c.verb)) rule.verbs.push(c.verb);
  }
  return [...rules.values()];
}

/** One permission a rule set grants, for comparing RBAC with the calls table. */
export type Grant = string;

/** Expands rules into "group/resource:verb" and "url:/path:verb" grants, sorted and de-duplicated. */
export function grantsOf(rules: readonly IPolicyRule[]): Grant[] {
  const out = new Set<Grant>();
  for (const r of rules) {
    for (const verb of r.verbs) {
      for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) out.add(`${g}/${res}:${verb}`);
      for (const p of r.nonResourceURLs ?? []) out.add(`url:${p}:${verb}`);
    }
  }
  return [...out].sort();
}

/** The grants `calls` need, in the same form as {@link grantsOf}. */
export function grantsNeeded(calls: readonly ApiCall[]): Grant[] {
  return [
    ...new Set(
      calls.map((c) => (c.kind === 'resource' ? `${c.group}/${c.resource}:${c.verb}` : `url:${c.path}:${c.verb}`)),
    ),
  ].sort();
}
