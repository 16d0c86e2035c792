import type { Clock, Logger } from '../ports';
import { withFeatures, wantedFeatures } from './cninode-features';
import { eniConfigNameFor } from './eniconfig-name';
import { KubeError, type KubeApi } from './kube-api';

/**
 * Waits until the API server answers `/version` (every `pollMs`), as upstream does when a feature needs it. An
 * answer other than "unavailable" (unauthorized, forbidden...) will not get better: it rejects at once.
 */
export async function waitForApiServer(
  kube: KubeApi,
  clock: Clock,
  logger: Logger,
  why: readonly string[],
  signal: AbortSignal,
  pollMs = 2000,
): Promise<string | undefined> {
  for (let attempt = 1; !signal.aborted; attempt++) {
    try {
      const v = await kube.probe();
      logger.info({ version: v, needed: why }, 'API server reachable');
      return v;
    } catch (e) {
      if (!(e instanceof KubeError) || e.kind !== 'unavailable') throw e;
      if (attempt === 1 || attempt % 15 === 0)
        logger.warn({ err: e.message, needed: why }, 'waiting for the API server (needed by the features named)');
    }
    await clock.sleep(pollMs, signal);
  }
  return undefined;
}

/**
 * ENABLE_POD_ENI: ask the VPC resource controller for the features this node wants on its CNINode (optimistic
 * lock, retried on conflict). Returns the features written, or undefined when nothing had to change.
 */
export async function requestCniNodeFeatures(
  kube: KubeApi,
  nodeName: string,
  opts: { podEni: boolean; customNetwork: boolean; annotationKey: string; labelKey: string },
  attempts = 5,
): Promise<readonly { name: string; value?: string }[] | undefined> {
  const eniConfigName = opts.customNetwork
    ? eniConfigNameFor(await kube.getNode(nodeName), { annotationKey: opts.annotationKey, labelKey: opts.labelKey })
    : undefined;
  const wanted = wantedFeatures({ podEni: opts.podEni, eniConfigName });
  for (let i = 1; ; i++) {
    const cur = await kube.getCniNode(nodeName);
    if (!cur) throw new KubeError(`get cninode ${nodeName}`, 'not-found', 404, 'no CNINode for this node (yet)');
    const next = withFeatures(cur.features, wanted);
    if (!next) return undefined;
    try {
      await kube.patchCniNodeFeatures(nodeName, next, cur.resourceVersion);
      return next;
    } catch (e) {
      if (!(e instanceof KubeError && e.kind === 'conflict') || i >= attempts) throw e;
    }
  }
}
