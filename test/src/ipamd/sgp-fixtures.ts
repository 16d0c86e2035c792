// SPDX-License-Identifier: Apache-2.0
/** Shared set-up of the SGP (ENABLE_POD_ENI) tests: trunk ENI in the simulator, pods in the stand-in, in-process ipamd. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { SdkEc2Api } from '@vpc-cni-ts/ipamd/adapters/ec2';
import { ImdsClient } from '@vpc-cni-ts/ipamd/adapters/imds';
import { MemoryCheckpoint } from '@vpc-cni-ts/ipamd/checkpoint';
import { loadConfig } from '@vpc-cni-ts/ipamd/config';
import { IpamdDaemon } from '@vpc-cni-ts/ipamd/daemon';
import { ClientNodeKubeApi } from '@vpc-cni-ts/ipamd/kube';
import { MemoryLogger, MemoryMetrics, NoopHostNetwork, SystemClock } from '@vpc-cni-ts/ipamd/ports';
import { POD_ENI_ANNOTATION, type TrunkLinkIndex, branchPodsFor } from '@vpc-cni-ts/ipamd/sgp';
import { IPAMD_API_CALLS, rulesFor } from '@vpc-cni-ts/manifests';

import { KubeStandin } from '../kube-standin/kube-standin';
import type { Simulator } from '../simulator';

export const SGP_NODE = 'ip-10-99-0-10.us-west-2.compute.internal';
export const SGP_TOKEN = 'vct-sgp-token';
export const SGP_NS = 'shop';

/** Creates and attaches a trunk ENI to the simulator's instance (what the VPC resource controller does). */
export function attachTrunk(sim: Simulator): { eniId: string; mac: string } {
  const inst = sim.world.getInstance(sim.instanceId);
  const primary = sim.world.getEni(inst.primaryEniId);
  const trunk = sim.world.createNetworkInterface({ subnetId: primary.subnetId, interfaceType: 'trunk' });
  sim.world.attachNetworkInterface(trunk.networkInterfaceId, sim.instanceId, 1);
  return { eniId: trunk.networkInterfaceId, mac: trunk.macAddress };
}

/** One element of the pod-eni annotation, as the VPC resource controller writes it. */
export const branchEni = (vlanID: number, privateIp: string) => ({
  eniId: `eni-branch${vlanID}`,
  ifAddress: `0a:00:00:00:00:${vlanID.toString(16).padStart(2, '0')}`,
  privateIp,
  ipv6Addr: '',
  vlanID,
  subnetCidr: '10.99.16.0/20',
  subnetV6Cidr: '',
});

/** A pod as the API server stores it: the first container's limits and, when given, the pod-eni annotation. */
export function putPod(api: KubeStandin, name: string, opts: { podEni: boolean; annotation?: string }): void {
  api.put('', 'pods', {
    metadata: {
      name,
      namespace: SGP_NS,
      annotations: opts.annotation !== undefined ? { [POD_ENI_ANNOTATION]: opts.annotation } : {},
    },
    spec: {
      nodeName: SGP_NODE,
      containers: [
        {
          name: 'app',
          image: 'busybox',
          resources: opts.podEni
            ? {
                limits: { 'vpc.amazonaws.com/pod-eni': '1', cpu: '100m' },
                requests: { 'vpc.amazonaws.com/pod-eni': '1' },
              }
            : { limits: { cpu: '100m' } },
        },
        // a second container's pod-eni limit does not count (upstream looks at the first container only)
        { name: 'sidecar', image: 'busybox', resources: { limits: { 'vpc.amazonaws.com/pod-eni': '1' } } },
      ],
    },
  });
}

/**
 * The stand-in with RBAC from ipamd's ClusterRole, the node, its CNINode and four pods: `cart` (branch, VLAN 7,
 * 10.99.16.7), `early` (asks for pod-eni, no annotation yet), `garbled` (bad JSON), `web` (no pod-eni on its first
 * container, though annotated and its sidecar asks).
 */
export async function startSgpStandin(): Promise<KubeStandin> {
  const api = await new KubeStandin({ token: SGP_TOKEN, rules: rulesFor(IPAMD_API_CALLS) as never }).start();
  api.put('', 'nodes', { metadata: { name: SGP_NODE, labels: {}, annotations: {} }, spec: {}, status: {} });
  api.put('vpcresources.k8s.aws', 'cninodes', { metadata: { name: SGP_NODE }, spec: { features: [] } });
  putPod(api, 'cart', { podEni: true, annotation: JSON.stringify([branchEni(7, '10.99.16.7')]) });
  putPod(api, 'early', { podEni: true });
  putPod(api, 'garbled', { podEni: true, annotation: '[{"vlanID": 3,' });
  putPod(api, 'web', { podEni: false, annotation: JSON.stringify([branchEni(9, '10.99.16.9')]) });
  return api;
}

/** An AddNetwork/DelNetwork request for a pod of the SGP namespace. */
export const sgpRequest = (name: string) => ({
  ContainerID: `c-${name}`,
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_NAME: name,
  K8S_POD_NAMESPACE: SGP_NS,
  Netns: '/var/run/netns/x',
});

/**
 * The real daemon in this process with ENABLE_POD_ENI: SDK EC2 and IMDS clients on the simulator, the real
 * Kubernetes client on the stand-in, no host networking, and the given trunk link index.
 */
export async function startInProcessIpamd(
  sim: Simulator,
  api: KubeStandin,
  links: () => TrunkLinkIndex,
): Promise<{ daemon: IpamdDaemon; socket: string; logger: MemoryLogger; stop(): Promise<void> }> {
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATOR0000000';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'simulator-secret';
  const dir = mkdtempSync(join(tmpdir(), 'vct-sgp-ipamd-'));
  const socket = join(dir, 'ipamd.sock');
  const clock = new SystemClock();
  const logger = new MemoryLogger();
  const metrics = new MemoryMetrics();
  const config = loadConfig({
    AWS_REGION: sim.region,
    IPAMD_SOCKET_PATH: socket,
    AWS_VPC_K8S_CNI_BACKING_STORE: join(dir, 'ipam.json'),
    VPC_CNI_TS_MANAGE_HOST_NETWORK: 'false',
    ENABLE_POD_ENI: 'true',
    MY_NODE_NAME: SGP_NODE,
    IPAMD_POOL_TICK_MS: '100',
  });
  const ec2 = new SdkEc2Api(
    { region: sim.region, endpoint: sim.ec2Endpoint, httpTimeoutMs: 10_000, maxAttempts: 3 },
    clock,
    metrics,
    logger,
  );
  const kube = new ClientNodeKubeApi({ kind: 'endpoint', server: api.url, token: SGP_TOKEN, insecure: true });
  const daemon = new IpamdDaemon({
    config,
    ec2,
    imds: new ImdsClient({ endpoint: sim.imdsEndpoint }, clock),
    clock,
    logger,
    metrics,
    checkpoint: new MemoryCheckpoint(),
    hostNetwork: new NoopHostNetwork(),
    branchPodsFor: branchPodsFor(config, kube, logger, links),
  });
  const stop = async () => {
    await daemon.stop();
    ec2.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await daemon.start();
  } catch (e) {
    ec2.destroy();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { daemon, socket, logger, stop };
}
