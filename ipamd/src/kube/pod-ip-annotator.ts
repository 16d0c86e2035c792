import { type KubeApi, KubeError } from './kube-api';

export const POD_IPS_ANNOTATION = 'vpc.amazonaws.com/pod-ips';

/**
 * ANNOTATE_POD_IP: writes the pod's address into an annotation on ADD (so Calico and others need not wait for the
 * pod status) and clears it on DEL, under optimistic locking with a few retries on conflict.
 */
export class PodIpAnnotator {
  constructor(
    private readonly kube: KubeApi,
    private readonly attempts = 5,
  ) {}

  /** On ADD: set the annotation unless it already holds `ip`. */
  async annotate(namespace: string, name: string, ip: string): Promise<void> {
    await this.withRetry(async () => {
      const pod = await this.kube.getPod(namespace, name);
      if (!pod) throw new KubeError(`annotate pod ${namespace}/${name}`, 'not-found', 404, 'pod not found');
      if (pod.annotations[POD_IPS_ANNOTATION] === ip) return;
      await this.kube.patchPodAnnotation(namespace, name, POD_IPS_ANNOTATION, ip, pod.resourceVersion);
    });
  }

  /** On DEL: clear the annotation only if it still names the released address; a pod already gone is fine. */
  async clear(namespace: string, name: string, releasedIp: string): Promise<void> {
    await this.withRetry(async () => {
      const pod = await this.kube.getPod(namespace, name);
      if (!pod || pod.annotations[POD_IPS_ANNOTATION] !== releasedIp) return;
      await this.kube.patchPodAnnotation(namespace, name, POD_IPS_ANNOTATION, '', pod.resourceVersion);
    });
  }

  private async withRetry(fn: () => Promise<void>): Promise<void> {
    for (let i = 1; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!(err instanceof KubeError && err.kind === 'conflict') || i >= this.attempts) throw err;
      }
    }
  }
}
