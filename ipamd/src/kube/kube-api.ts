/** The node ipamd runs on, as ipamd reads it. */
export interface NodeInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** spec.unschedulable (cordoned). */
  readonly unschedulable: boolean;
  /** status.capacity.pods, when reported. */
  readonly maxPods?: number;
}

/** An ENIConfig (crd.k8s.amazonaws.com/v1alpha1, cluster-scoped): where new ENIs go under custom networking. */
export interface EniConfig {
  readonly name: string;
  readonly subnet: string;
  readonly securityGroups: readonly string[];
}

export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly resourceVersion: string;
  /**
   * The pod's first container has a `resources.limits` entry named `vpc.amazonaws.com/pod-eni...`: it wants a
   * branch ENI (security groups for pods).
   */
  readonly podEniRequested: boolean;
}

/** A CNINode feature (vpcresources.k8s.aws/v1alpha1): what ipamd asks the VPC resource controller for. */
export interface CniNodeFeature {
  readonly name: string;
  readonly value?: string;
}

export interface CniNode {
  readonly features: readonly CniNodeFeature[];
  readonly resourceVersion: string;
}

export type KubeErrorKind =
  'not-found' | 'forbidden' | 'unauthorized' | 'conflict' | 'unavailable' | 'invalid' | 'other';

/** The one error the Kubernetes port throws: which call, what the API server said, and what kind of failure. */
export class KubeError extends Error {
  override readonly name = 'KubeError';
  constructor(
    readonly call: string,
    readonly kind: KubeErrorKind,
    readonly status: number | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`kubernetes ${call}: ${detail}`, options);
  }
}

export function kubeErrorKind(status: number | undefined): KubeErrorKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 400:
    case 422:
      return 'invalid';
    case undefined:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return 'other';
  }
}

/**
 * The Kubernetes calls ipamd makes, and only those (the ClusterRole in config/ is derived from the same list): single
 * objects by name, no list or watch. Every method throws `KubeError`.
 */
export interface KubeApi {
  /** GET /version: is the API server reachable and are we allowed in. */
  probe(): Promise<string>;
  getNode(name: string): Promise<NodeInfo>;
  /** undefined when there is no such ENIConfig. */
  getEniConfig(name: string): Promise<EniConfig | undefined>;
  /** undefined when the pod does not exist (any more). */
  getPod(namespace: string, name: string): Promise<PodInfo | undefined>;
  /**
   * Merge-patches one annotation (null removes it). With `resourceVersion`, the write fails with `conflict` when
   * the pod changed since it was read (optimistic lock).
   */
  patchPodAnnotation(
    namespace: string,
    name: string,
    key: string,
    value: string | null,
    resourceVersion?: string,
  ): Promise<void>;
  getCniNode(name: string): Promise<CniNode | undefined>;
  /** Merge-patches spec.features under the optimistic lock of `resourceVersion`. */
  patchCniNodeFeatures(name: string, features: readonly CniNodeFeature[], resourceVersion: string): Promise<void>;
  /** Records an event on the aws-node pod. */
  createPodEvent(
    namespace: string,
    pod: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void>;
}
