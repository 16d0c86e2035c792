import { existsSync, readFileSync } from 'node:fs';

import type { IpamdConfig } from '../config';
import type { KubeConnection } from './client-node-kube-api';

/** Why ipamd talks to the API server: which features need it (start-up waits for it) or only want it. */
export interface KubeNeeds {
  /** Features that cannot work without the API server (upstream blocks start-up until `/version` answers). */
  readonly required: readonly string[];
  /** Reading the node (cordon) helps but is not worth waiting for. */
  readonly nodeName: string | undefined;
}

/** What in the configuration needs Kubernetes. Pure. */
export function kubeNeeds(cfg: IpamdConfig): KubeNeeds {
  const h = cfg.hostNetwork;
  const required = [
    ...(h.customNetwork ? ['AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG'] : []),
    ...(h.enablePodEni ? ['ENABLE_POD_ENI'] : []),
    ...(h.annotatePodIp ? ['ANNOTATE_POD_IP'] : []),
  ];
  return { required, nodeName: h.nodeName };
}

/**
 * Where the API server is: CLUSTER_ENDPOINT with the token (and CA, when present) of `kube.tokenFile`'s directory,
 * or the pod's in-cluster service account, or undefined when neither is available. A plain `http:` endpoint (a
 * test stand-in) is used without TLS verification.
 */
export function kubeConnectionFor(cfg: IpamdConfig): KubeConnection | undefined {
  const k = cfg.kube;
  if (cfg.hostNetwork.clusterEndpoint) {
    const server = cfg.hostNetwork.clusterEndpoint;
    const token = existsSync(k.tokenFile) ? readFileSync(k.tokenFile, 'utf8').trim() : undefined;
    const caFile = k.tokenFile.replace(/[^/]*$/, 'ca.crt');
    const caData = existsSync(caFile) ? readFileSync(caFile).toString('base64') : undefined;
    return { kind: 'endpoint', server, token, caData, insecure: server.startsWith('http:') };
  }
  if (k.inCluster) return { kind: 'in-cluster' };
  return undefined;
}
