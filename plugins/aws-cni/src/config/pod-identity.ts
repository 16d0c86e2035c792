/** Who the pod is, from CNI_ARGS (K8S_POD_NAME, K8S_POD_NAMESPACE, K8S_POD_INFRA_CONTAINER_ID, K8S_POD_UID). */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly infraContainerId: string;
  readonly uid: string;
}

/**
 * Reads the pod identity from parsed CNI_ARGS (a key/value map; keys are case-sensitive). Missing keys become ''.
 */
export function podIdentityFromArgs(args: Readonly<Record<string, string>>): PodIdentity {
  return Object.freeze({
    namespace: args.K8S_POD_NAMESPACE ?? '',
    name: args.K8S_POD_NAME ?? '',
    infraContainerId: args.K8S_POD_INFRA_CONTAINER_ID ?? '',
    uid: args.K8S_POD_UID ?? '',
  });
}

/**
 * Parses a raw CNI_ARGS string (`K=V;K2=V2`, `=` allowed inside values). Used when the SDK hands the raw string.
 */
export function parseCniArgs(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const pair of raw.split(';')) {
    if (pair === '') continue;
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}
