import {
  type CniNode,
  type CniNodeFeature,
  type EniConfig,
  type KubeApi,
  KubeError,
  kubeErrorKind,
  type NodeInfo,
  type PodInfo,
} from './kube-api';
import { requestsPodEni } from './pod-eni-request';

import type * as K8sModule from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

type K8s = typeof K8sModule;

/** Where the API server is and how to authenticate. */
export type KubeConnection =
  /** Service account of the pod (KUBERNETES_SERVICE_HOST, the mounted token and CA). */
  | { readonly kind: 'in-cluster' }
  /** An explicit endpoint (CLUSTER_ENDPOINT, or a test stand-in) with a bearer token. */
  | {
      readonly kind: 'endpoint';
      readonly server: string;
      readonly token?: string;
      readonly caData?: string;
      readonly insecure?: boolean;
    };

const CNINODE = { group: 'vpcresources.k8s.aws', version: 'v1alpha1', plural: 'cninodes' } as const;
const ENICONFIG = { group: 'crd.k8s.amazonaws.com', version: 'v1alpha1', plural: 'eniconfigs' } as const;

/**
 * `KubeApi` through the official client, `@kubernetes/client-node` (an ES module, loaded on first use so ipamd
 * starts without it when Kubernetes is not needed). Client errors become `KubeError`s naming the call.
 */
export class ClientNodeKubeApi implements KubeApi {
  private clients?: Promise<{
    k8s: K8s;
    core: InstanceType<K8s['CoreV1Api']>;
    custom: InstanceType<K8s['CustomObjectsApi']>;
    version: InstanceType<K8s['VersionApi']>;
  }>;

  constructor(private readonly conn: KubeConnection) {}

  private load(): NonNullable<typeof this.clients> {
    this.clients ??= import(/* webpackMode: "eager" */ '@kubernetes/client-node').then((k8s) => {
      const kc = new k8s.KubeConfig();
      if (this.conn.kind === 'in-cluster') kc.loadFromCluster();
      else {
        kc.loadFromOptions({
          clusters: [
            {
              name: 'c',
              server: this.conn.server,
              caData: this.conn.caData,
              skipTLSVerify: this.conn.insecure ?? false,
            },
          ],
          users: [{ name: 'u', token: this.conn.token }],
          contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
          currentContext: 'x',
        });
      }
      return {
        k8s,
        core: kc.makeApiClient(k8s.CoreV1Api),
        custom: kc.makeApiClient(k8s.CustomObjectsApi),
        version: kc.makeApiClient(k8s.VersionApi),
      };
    });
    return this.clients;
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const e = err as { code?: number; body?: unknown; message?: string };
      const status = typeof e.code === 'number' ? e.code : undefined;
      let detail = e.message ?? String(err);
      try {
        const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
        if (body && typeof body === 'object' && 'message' in body)
          detail = String((body as { message: unknown }).message);
      } catch {
        /* body not JSON: keep the client's message */
      }
      throw new KubeError(what, kubeErrorKind(status), status, status ? `${status}: ${detail}` : detail, {
        cause: err,
      });
    }
  }

  private async optional<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(what, fn);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') return undefined;
      throw err;
    }
  }

  async probe(): Promise<string> {
    const { version } = await this.load();
    const v = await this.call('get /version', () => version.getCode());
    return v.gitVersion;
  }

  async getNode(name: string): Promise<NodeInfo> {
    const { core } = await this.load();
    const n = await this.call(`get node ${name}`, () => core.readNode({ name }));
    const pods = n.status?.capacity?.pods;
    return {
      name,
      labels: { ...(n.metadata?.labels ?? {}) },
      annotations: { ...(n.metadata?.annotations ?? {}) },
      unschedulable: n.spec?.unschedulable === true,
      ...(pods !== undefined && Number.isFinite(Number(pods)) ? { maxPods: Number(pods) } : {}),
    };
  }

  async getEniConfig(name: string): Promise<EniConfig | undefined> {
    const { custom } = await this.load();
    const o = (await this.optional(`get eniconfig ${name}`, () =>
      custom.getClusterCustomObject({ ...ENICONFIG, name }),
    )) as { spec?: { subnet?: string; securityGroups?: string[] } } | undefined;
    if (!o) return undefined;
    if (!o.spec?.subnet)
      throw new KubeError(`get eniconfig ${name}`, 'invalid', undefined, 'ENIConfig has no spec.subnet');
    return { name, subnet: o.spec.subnet, securityGroups: o.spec.securityGroups ?? [] };
  }

  async getPod(namespace: string, name: string): Promise<PodInfo | undefined> {
    const { core } = await this.load();
    const p = await this.optional(`get pod ${namespace}/${name}`, () => core.readNamespacedPod({ namespace, name }));
    if (!p) return undefined;
    return {
      namespace,
      name,
      annotations: { ...(p.metadata?.annotations ?? {}) },
      resourceVersion: p.metadata?.resourceVersion ?? '',
      podEniRequested: requestsPodEni(p.spec?.containers?.[0]?.resources?.limits),
    };
  }

  async patchPodAnnotation(
    namespace: string,
    name: string,
    key: string,
    value: string | null,
    resourceVersion?: string,
  ): Promise<void> {
    const { core, k8s } = await this.load();
    const body = { metadata: { annotations: { [key]: value }, ...(resourceVersion ? { resourceVersion } : {}) } };
    await this.call(`patch pod ${namespace}/${name}`, () =>
      core.patchNamespacedPod(
        { namespace, name, body },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    );
  }

  async getCniNode(name: string): Promise<CniNode | undefined> {
    const { custom } = await this.load();
    const o = (await this.optional(`get cninode ${name}`, () =>
      custom.getClusterCustomObject({ ...CNINODE, name }),
    )) as { metadata?: { resourceVersion?: string }; spec?: { features?: CniNodeFeature[] } } | undefined;
    if (!o) return undefined;
    return { features: o.spec?.features ?? [], resourceVersion: o.metadata?.resourceVersion ?? '' };
  }

  async patchCniNodeFeatures(
    name: string,
    features: readonly CniNodeFeature[],
    resourceVersion: string,
  ): Promise<void> {
    const { custom, k8s } = await this.load();
    const body = { metadata: { resourceVersion }, spec: { features } };
    await this.call(`patch cninode ${name}`, () =>
      custom.patchClusterCustomObject(
        { ...CNINODE, name, body },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      ),
    );
  }

  async createPodEvent(
    namespace: string,
    pod: string,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): Promise<void> {
    const { core } = await this.load();
    const now = new Date();
    await this.call(`create event ${reason} on pod ${namespace}/${pod}`, () =>
      core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { generateName: `${pod}.`, namespace },
          involvedObject: { kind: 'Pod', namespace, name: pod, apiVersion: 'v1' },
          type,
          reason,
          message,
          source: { component: 'aws-node' },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      }),
    );
  }
}
