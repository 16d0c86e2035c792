/** Extended resource a pod requests to get a branch ENI (security groups for pods); names starting with it count. */
export const POD_ENI_RESOURCE = 'vpc.amazonaws.com/pod-eni';

/** True when a container's `resources.limits` names the pod-eni extended resource (prefix match, as upstream). */
export function requestsPodEni(limits: Readonly<Record<string, unknown>> | undefined): boolean {
  return Object.keys(limits ?? {}).some((k) => k.startsWith(POD_ENI_RESOURCE));
}
