import type { KubeApi } from '@vpc-cni-ts/ipamd/kube';

/** Kubernetes API verbs ipamd may use. */
export type ApiVerb = 'get' | 'list' | 'watch' | 'create' | 'patch' | 'update' | 'delete';

/** A call on a resource (`group` '' is the core group). */
export interface ResourceCall {
  readonly kind: 'resource';
  readonly group: string;
  readonly resource: string;
  readonly namespaced: boolean;
}

/** A call on a non-resource URL such as /version. */
export interface NonResourceCall {
  readonly kind: 'non-resource';
  readonly path: string;
}

/**
 * One Kubernetes API call ipamd (aws-k8s-agent) makes. `when` lists boolean variables of which at least one must be
 * true for ipamd to make the call; an empty list means always.
 */
export type ApiCall = (ResourceCall | NonResourceCall) & {
  readonly id: string;
  readonly verb: ApiVerb;
  readonly when: readonly string[];
  readonly purpose: string;
};

/**
 * The exact list of Kubernetes API calls ipamd makes: the contract between ipamd's Kubernetes adapter and the
 * ClusterRole, which is derived from this table (see `rbac/rbac-rules.ts`). ipamd reads single objects by name with
 * GET (no informers, no list/watch), so the ClusterRole needs no list or watch at all. Mirrors the `KubeApi` port in
 * `ipamd/src/kube/kube-api.ts` (probe, getNode, getEniConfig, getPod, patchPodAnnotation, getCniNode,
 * patchCniNodeFeatures, createPodEvent). Facts from upstream-notes
 * 4.1, 4.7, 4.9 and 3.4. Adding a call to ipamd means adding a row here.
 */
export const IPAMD_API_CALLS: readonly ApiCall[] = Object.freeze([
  {
    id: 'probe-api-server',
    kind: 'non-resource',
    path: '/version',
    verb: 'get',
    when: [],
    purpose: 'wait for the API server at start-up (blocking when SGP, custom networking or ANNOTATE_POD_IP is on)',
  },
  {
    id: 'read-own-node',
    kind: 'resource',
    group: '',
    resource: 'nodes',
    namespaced: false,
    verb: 'get',
    when: [],
    purpose:
      'GET the node named MY_NODE_NAME: status.capacity.pods (maxPods), the unschedulable taint, and the ENIConfig annotation/label',
  },
  {
    id: 'record-event',
    kind: 'resource',
    group: '',
    resource: 'events',
    namespaced: true,
    verb: 'create',
    when: [],
    purpose:
      'POST events on the aws-node pod (MY_POD_NAME), e.g. Warning MissingIAMPermissions naming the EC2 API; each is a new Event (no count patching)',
  },
  {
    id: 'read-pod',
    kind: 'resource',
    group: '',
    resource: 'pods',
    namespaced: true,
    verb: 'get',
    when: ['ENABLE_POD_ENI', 'ANNOTATE_POD_IP'],
    purpose:
      'GET the pod of an AddNetwork/DelNetwork request: its vpc.amazonaws.com/pod-eni annotation and pod-eni limit (SGP), or its vpc.amazonaws.com/pod-ips annotation before patching',
  },
  {
    id: 'annotate-pod-ip',
    kind: 'resource',
    group: '',
    resource: 'pods',
    namespaced: true,
    verb: 'patch',
    when: ['ANNOTATE_POD_IP'],
    purpose: 'PATCH vpc.amazonaws.com/pod-ips on ADD, clear it on DEL',
  },
  {
    id: 'read-eniconfig',
    kind: 'resource',
    group: 'crd.k8s.amazonaws.com',
    resource: 'eniconfigs',
    namespaced: false,
    verb: 'get',
    when: ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG'],
    purpose: "GET the node's ENIConfig (subnet, security groups) before each ENI allocation",
  },
  {
    id: 'read-cninode',
    kind: 'resource',
    group: 'vpcresources.k8s.aws',
    resource: 'cninodes',
    namespaced: false,
    verb: 'get',
    when: ['ENABLE_POD_ENI'],
    purpose: 'GET the CNINode named after the node to see which features are already requested',
  },
  {
    id: 'request-cninode-feature',
    kind: 'resource',
    group: 'vpcresources.k8s.aws',
    resource: 'cninodes',
    namespaced: false,
    verb: 'patch',
    when: ['ENABLE_POD_ENI'],
    purpose: 'merge-PATCH spec.features with SecurityGroupsForPods (and CustomNetworking=<ENIConfig>), optimistic lock',
  },
] satisfies ApiCall[]);

/**
 * Which rows of {@link IPAMD_API_CALLS} each method of ipamd's `KubeApi` port uses. Typed over `keyof KubeApi`, so
 * a method added to the port fails to compile here until its calls (and thereby its RBAC) are listed.
 */
export const KUBE_API_METHOD_CALLS: Readonly<Record<keyof KubeApi, readonly string[]>> = Object.freeze({
  probe: ['probe-api-server'],
  getNode: ['read-own-node'],
  getEniConfig: ['read-eniconfig'],
  getPod: ['read-pod'],
  patchPodAnnotation: ['annotate-pod-ip'],
  getCniNode: ['read-cninode'],
  patchCniNodeFeatures: ['request-cninode-feature'],
  createPodEvent: ['record-event'],
});
