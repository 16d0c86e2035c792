// SPDX-License-Identifier: Apache-2.0
import { KubeError, type KubeApi } from '../kube/kube-api';
import type { Logger } from '../ports';
import { IpamError } from '../service/ipam-errors';
import { type BranchAttachment, type BranchRelease, decideBranchAdd, decideBranchDel } from './branch-decision';
import type { TrunkLinkIndex } from './trunk-link';

/**
 * What the gRPC server asks before (ADD) and after (DEL of an unknown key) the datastore. Both take the pod's
 * namespace and name from the request.
 */
export interface BranchPods {
  /**
   * ADD: the branch ENI of a pod that requests `vpc.amazonaws.com/pod-eni`; undefined for any other pod (serve it
   * from the datastore). Throws `IpamError` when the pod is a branch pod that cannot be answered yet or at all.
   */
  add(namespace: string, name: string): Promise<BranchAttachment | undefined>;
  /** DEL of a key the datastore does not know: the branch pod's VLAN and address, or undefined (unknown pod). */
  del(namespace: string, name: string): Promise<BranchRelease | undefined>;
}

export interface BranchPodResolverDeps {
  readonly kube: Pick<KubeApi, 'getPod'>;
  /** The trunk ENI once ipamd saw it (PoolManager.trunk). */
  readonly trunk: () => { readonly eniId: string; readonly mac: string } | undefined;
  readonly links: TrunkLinkIndex;
  readonly ipv6: boolean;
  readonly logger: Logger;
}

/**
 * ENABLE_POD_ENI: answers branch-ENI pods from their annotation (upstream-notes 3.4) instead of the datastore. Reads
 * the pod from the API server on every ADD that names a pod, and on DEL only when the datastore does not know the key.
 */
export class BranchPodResolver implements BranchPods {
  private readonly log: Logger;

  constructor(private readonly d: BranchPodResolverDeps) {
    this.log = d.logger.child({ component: 'sgp' });
  }

  async add(namespace: string, name: string): Promise<BranchAttachment | undefined> {
    if (!namespace || !name) return undefined;
    let pod;
    try {
      pod = await this.d.kube.getPod(namespace, name);
    } catch (e) {
      throw new IpamError(
        'unavailable',
        `security groups for pods: cannot read pod ${namespace}/${name} from the API server: ${(e as Error).message}`,
        { cause: e },
      );
    }
    if (!pod)
      throw new IpamError(
        'unavailable',
        `security groups for pods: pod ${namespace}/${name} is not known to the API server; cannot tell whether it needs a branch ENI`,
      );
    if (!pod.podEniRequested) return undefined;
    const trunk = this.d.trunk();
    let trunkIfIndex: number | undefined;
    if (trunk) {
      try {
        trunkIfIndex = await this.d.links.indexOfMac(trunk.mac);
      } catch (e) {
        throw new IpamError(
          'internal',
          `cannot list the node's links to find the trunk ENI ${trunk.eniId}: ${(e as Error).message}`,
          {
            cause: e,
          },
        );
      }
    }
    const decision = decideBranchAdd({ pod, ipv6: this.d.ipv6, trunk, trunkIfIndex });
    switch (decision.kind) {
      case 'datastore':
        return undefined;
      case 'fail':
        throw new IpamError(decision.reason === 'bad-annotation' ? 'internal' : 'unavailable', decision.message);
      case 'branch':
        this.log.info(
          { pod: `${namespace}/${name}`, vlanId: decision.attachment.vlanId, address: decision.attachment.address },
          'branch ENI pod',
        );
        return decision.attachment;
    }
  }

  async del(namespace: string, name: string): Promise<BranchRelease | undefined> {
    if (!namespace || !name) return undefined;
    let pod;
    try {
      pod = await this.d.kube.getPod(namespace, name);
    } catch (e) {
      // Best effort: the plugin treats "unknown pod" as released and tears down from its prevResult.
      this.log.warn(
        { pod: `${namespace}/${name}`, err: (e as Error).message, kind: e instanceof KubeError ? e.kind : undefined },
        'DEL of an unknown key: cannot read the pod to check for a branch ENI',
      );
      return undefined;
    }
    return decideBranchDel(pod, this.d.ipv6);
  }
}

/**
 * The daemon's `branchPodsFor` when ENABLE_POD_ENI is on and the API server is configured; undefined otherwise (every
 * pod from the datastore). Start-up already refuses ENABLE_POD_ENI without an API server.
 */
export function branchPodsFor(
  cfg: { readonly ipv6: boolean; readonly hostNetwork: { readonly enablePodEni: boolean } },
  kube: Pick<KubeApi, 'getPod'> | undefined,
  logger: Logger,
  links: () => TrunkLinkIndex,
): ((pool: { trunk(): { readonly eniId: string; readonly mac: string } | undefined }) => BranchPods) | undefined {
  if (!cfg.hostNetwork.enablePodEni || !kube) return undefined;
  return (pool) => new BranchPodResolver({ kube, trunk: () => pool.trunk(), links: links(), ipv6: cfg.ipv6, logger });
}
