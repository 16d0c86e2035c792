/** A ClusterRole rule, as rbac.authorization.k8s.io/v1 writes it. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

/** One request, as the API server's authorizer sees it. */
export type RequestAttributes =
  | { readonly kind: 'resource'; readonly group: string; readonly resource: string; readonly verb: string }
  | { readonly kind: 'non-resource'; readonly path: string; readonly verb: string };

/** RBAC's allow decision: some rule names the verb and the group/resource (or the non-resource URL). */
export function allowed(rules: readonly PolicyRule[], a: RequestAttributes): boolean {
  return rules.some((r) => {
    if (!r.verbs.includes(a.verb) && !r.verbs.includes('*')) return false;
    if (a.kind === 'non-resource') return (r.nonResourceURLs ?? []).some((u) => u === a.path || u === '*');
    const groups = r.apiGroups ?? [];
    const resources = r.resources ?? [];
    return (
      (groups.includes(a.group) || groups.includes('*')) && (resources.includes(a.resource) || resources.includes('*'))
    );
  });
}
