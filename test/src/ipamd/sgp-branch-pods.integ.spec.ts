// SPDX-License-Identifier: Apache-2.0
/**
 * ENABLE_POD_ENI (security groups for pods) against the AWS simulator, with a trunk ENI attached the way the VPC
 * resource controller does (InterfaceType trunk), and pods served by the kube-apiserver stand-in with the
 * `vpc.amazonaws.com/pod-eni` limit and annotation.
 *
 * - In process: the real daemon (SDK EC2 and IMDS clients on the simulator, the real Kubernetes client on the
 *   stand-in) with an in-memory trunk link index, since the simulated trunk's MAC is not a link in this namespace:
 *   the full AddNetwork reply of a branch pod.
 * - The bundled executable (as shipped): its real kernel lookup finds no link with the trunk's MAC here, which it
 *   must say; failures for a pod without its annotation; normal pods from the datastore; DEL of a branch pod.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LeanIpamdClient } from '@vpc-cni-ts/aws-cni/ipamd';
import { SdkEc2Api } from '@vpc-cni-ts/ipamd/adapters/ec2';
import { ImdsClient } from '@vpc-cni-ts/ipamd/adapters/imds';
import { MemoryCheckpoint } from '@vpc-cni-ts/ipamd/checkpoint';
import { loadConfig } from '@vpc-cni-ts/ipamd/config';
import { IpamdDaemon } from '@vpc-cni-ts/ipamd/daemon';
import { ClientNodeKubeApi } from '@vpc-cni-ts/ipamd/kube';
import { MemoryLogger, MemoryMetrics, NoopHostNetwork, SystemClock } from '@vpc-cni-ts/ipamd/ports';
import { createIpamdClient } from '@vpc-cni-ts/ipamd/server';
import { MemoryTrunkLinkIndex, POD_ENI_ANNOTATION, branchPodsFor } from '@vpc-cni-ts/ipamd/sgp';
import { IPAMD_API_CALLS, rulesFor } from '@vpc-cni-ts/manifests';

import { KubeStandin } from '../kube-standin/kube-standin';
import type { Simulator } from '../simulator';
import { IpamdProcess, ensureBundle, ipamdFor, simulator, waitFor } from './harness';

jest.setTimeout(90_000);

const NODE = 'ip-10-99-0-10.us-west-2.compute.internal';
const TOKEN = 'vct-sgp-token';
const NS = 'shop';

/** Creates and attaches a trunk ENI to the simulator's instance (what the VPC resource controller does). */
function attachTrunk(sim: Simulator): { eniId: string; mac: string } {
  const inst = sim.world.getInstance(sim.instanceId);
  const primary = sim.world.getEni(inst.primaryEniId);
  const trunk = sim.world.createNetworkInterface({ subnetId: primary.subnetId, interfaceType: 'trunk' });
  sim.world.attachNetworkInterface(trunk.networkInterfaceId, sim.instanceId, 1);
  return { eniId: trunk.networkInterfaceId, mac: trunk.macAddress };
}

const branchEni = (vlanID: number, privateIp: string) => ({
  eniId: `eni-branch${vlanID}`,
  ifAddress: `0a:00:00:00:00:${vlanID.toString(16).padStart(2, '0')}`,
  privateIp,
  ipv6Addr: '',
  vlanID,
  subnetCidr: '10.99.16.0/20',
  subnetV6Cidr: '',
});

/** A pod as the API server stores it: the first container's limits and, when given, the pod-eni annotation. */
function putPod(api: KubeStandin, name: string, opts: { podEni: boolean; annotation?: string }): void {
  api.put('', 'pods', {
    metadata: {
      name,
      namespace: NS,
      annotations: opts.annotation !== undefined ? { [POD_ENI_ANNOTATION]: opts.annotation } : {},
    },
    spec: {
      nodeName: NODE,
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

const req = (name: string) => ({
  ContainerID: `c-${name}`,
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_NAME: name,
  K8S_POD_NAMESPACE: NS,
  Netns: '/var/run/netns/x',
});

describe('ENABLE_POD_ENI: branch-ENI pods (simulator, API-server stand-in)', () => {
  let sim: Simulator;
  let api: KubeStandin;
  let trunk: { eniId: string; mac: string };

  beforeAll(() => ensureBundle());
  beforeEach(async () => {
    sim = await simulator();
    sim.setTiming({ attachDelayMs: 0, imdsLagMs: 0 });
    trunk = attachTrunk(sim);
    sim.world.settle();
    api = await new KubeStandin({ token: TOKEN, rules: rulesFor(IPAMD_API_CALLS) as never }).start();
    api.put('', 'nodes', { metadata: { name: NODE, labels: {}, annotations: {} }, spec: {}, status: {} });
    api.put('vpcresources.k8s.aws', 'cninodes', { metadata: { name: NODE }, spec: { features: [] } });
    putPod(api, 'cart', { podEni: true, annotation: JSON.stringify([branchEni(7, '10.99.16.7')]) });
    putPod(api, 'early', { podEni: true });
    putPod(api, 'garbled', { podEni: true, annotation: '[{"vlanID": 3,' });
    putPod(api, 'web', { podEni: false, annotation: JSON.stringify([branchEni(9, '10.99.16.9')]) });
  });
  afterEach(async () => {
    await api.stop();
    await sim.stop();
  });

  describe('in process, with an in-memory trunk link', () => {
    let daemon: IpamdDaemon;
    let dir: string;
    let ec2: SdkEc2Api;

    beforeEach(async () => {
      process.env.AWS_ACCESS_KEY_ID ??= 'AKIASIMULATOR0000000';
      process.env.AWS_SECRET_ACCESS_KEY ??= 'simulator-secret';
      const p = ipamdFor(sim); // only for its private temp dir
      dir = p.dir;
      const clock = new SystemClock();
      const logger = new MemoryLogger();
      const metrics = new MemoryMetrics();
      const config = loadConfig({ ...p.env, ENABLE_POD_ENI: 'true', MY_NODE_NAME: NODE, IPAMD_POOL_TICK_MS: '100' });
      ec2 = new SdkEc2Api(
        { region: sim.region, endpoint: sim.ec2Endpoint, httpTimeoutMs: 10_000, maxAttempts: 3 },
        clock,
        metrics,
        logger,
      );
      const kube = new ClientNodeKubeApi({ kind: 'endpoint', server: api.url, token: TOKEN, insecure: true });
      daemon = new IpamdDaemon({
        config,
        ec2,
        imds: new ImdsClient({ endpoint: sim.imdsEndpoint }, clock),
        clock,
        logger,
        metrics,
        checkpoint: new MemoryCheckpoint(),
        hostNetwork: new NoopHostNetwork(),
        branchPodsFor: branchPodsFor(config, kube, logger, () => new MemoryTrunkLinkIndex({ [trunk.mac]: 42 })),
      });
      await daemon.start();
    });
    afterEach(async () => {
      await daemon.stop();
      ec2.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers a branch pod from its annotation, the trunk and its link; the datastore is untouched', async () => {
      expect(daemon.poolManager!.trunk()).toEqual(trunk);
      const c = createIpamdClient(join(dir, 'ipamd.sock'));
      try {
        const assignedBefore = daemon.store!.allocations().length;
        const r = await c.add(req('cart'));
        expect(r).toMatchObject({
          Success: true,
          PodVlanId: 7,
          PodENIMAC: '0a:00:00:00:00:07',
          PodENISubnetGW: '10.99.16.1',
          ParentIfIndex: 42,
          IPAllocationMetadata: [{ IPv4Addr: '10.99.16.7', IPv6Addr: '', DeviceNumber: -1, RouteTableId: 0 }],
        });
        expect(r.IPAllocationMetadata).toHaveLength(1);
        expect(daemon.store!.allocations()).toHaveLength(assignedBefore);

        // the pod whose sidecar (not its first container) asks for pod-eni: a datastore address
        const web = await c.add(req('web'));
        expect(web).toMatchObject({ Success: true, PodVlanId: 0, ParentIfIndex: 0 });
        expect(web.IPAllocationMetadata[0]!.IPv4Addr).toMatch(/^10\.99\.0\./);
        expect(daemon.store!.allocations().map((a) => a.ipv4)).toContain(web.IPAllocationMetadata[0]!.IPv4Addr);

        const del = await c.del({ ...req('cart'), Reason: 'PodDeleted' });
        expect(del).toMatchObject({ Success: true, PodVlanId: 7, IPAllocationMetadata: [{ IPv4Addr: '10.99.16.7' }] });
        expect(daemon.store!.allocations()).toHaveLength(assignedBefore + 1);
      } finally {
        c.close();
      }
    });

    it("the plugin's own client decodes the branch fields it wires the VLAN link from", async () => {
      const plugin = new LeanIpamdClient({ socketPath: join(dir, 'ipamd.sock'), transport: 'h2' });
      try {
        const pod = {
          k8sPodName: 'cart',
          k8sPodNamespace: NS,
          k8sPodInfraContainerId: 'c-cart',
          containerId: 'c-cart',
        };
        const add = await plugin.addNetwork({
          ...pod,
          clientVersion: '',
          ifName: 'eth0',
          networkName: 'aws-cni',
          netns: '/var/run/netns/x',
          requiresMultiNicAttachment: false,
        });
        expect(add).toMatchObject({
          success: true,
          podVlanId: 7,
          podEniMac: '0a:00:00:00:00:07',
          podEniSubnetGw: '10.99.16.1',
          parentIfIndex: 42,
          ipAllocationMetadata: [{ ipv4Addr: '10.99.16.7', ipv6Addr: '', deviceNumber: -1, routeTableId: 0 }],
        });
        const del = await plugin.delNetwork({
          ...pod,
          clientVersion: '',
          k8sPodUid: 'uid-cart',
          reason: 'PodDeleted',
          ifName: 'eth0',
          networkName: 'aws-cni',
        });
        expect(del).toMatchObject({ success: true, podVlanId: 7, ipAllocationMetadata: [{ ipv4Addr: '10.99.16.7' }] });
      } finally {
        plugin.close();
      }
    });
  });

  describe('the bundled ipamd', () => {
    let p: IpamdProcess;

    beforeEach(async () => {
      const base = ipamdFor(sim, {
        CLUSTER_ENDPOINT: api.url,
        MY_NODE_NAME: NODE,
        ENABLE_POD_ENI: 'true',
      });
      const tokenFile = join(base.dir, 'token');
      writeFileSync(tokenFile, `${TOKEN}\n`);
      p = new IpamdProcess(base.dir, { ...base.env, VPC_CNI_TS_KUBE_TOKEN_FILE: tokenFile });
      await p.start();
    });
    afterEach(async () => {
      await p.stop();
      p.cleanup();
    });

    it('failures an operator can act on; normal pods from the datastore; DEL of a branch pod answers its VLAN', async () => {
      const c = p.client!;
      await expect(c.add(req('early'))).rejects.toMatchObject({
        details:
          'pod shop/early requests vpc.amazonaws.com/pod-eni but has no vpc.amazonaws.com/pod-eni annotation yet: the VPC resource controller has not attached its branch ENI',
      });
      await expect(c.add(req('garbled'))).rejects.toMatchObject({
        details: expect.stringMatching(
          /^pod shop\/garbled: annotation vpc.amazonaws.com\/pod-eni is unusable: not JSON/,
        ),
      });
      // The trunk is known from EC2, but this test's namespace has no link with its MAC (the real kernel lookup).
      await expect(c.add(req('cart'))).rejects.toMatchObject({
        details: `pod shop/cart: the trunk ENI ${trunk.eniId} (MAC ${trunk.mac}) has no network interface on this node yet`,
      });
      const web = await c.add(req('web'));
      expect(web).toMatchObject({ Success: true, PodVlanId: 0 });
      expect(web.IPAllocationMetadata[0]!.IPv4Addr).toMatch(/^10\.99\.0\./);
      await waitFor('checkpoint with the normal pod', () =>
        p.readCheckpoint().allocations.some((a) => a.containerID === 'c-web'),
      );
      expect(p.readCheckpoint().allocations.map((a) => a.containerID)).toEqual(['c-web']);

      const del = await c.del({ ...req('cart'), Reason: 'PodDeleted' });
      expect(del).toMatchObject({ Success: true, PodVlanId: 7, IPAllocationMetadata: [{ IPv4Addr: '10.99.16.7' }] });
      // a pod the API server no longer has: the datastore's answer, which the plugin treats as already released
      await expect(c.del({ ...req('gone'), Reason: 'PodDeleted' })).rejects.toMatchObject({
        details: expect.stringMatching(/datastore: unknown pod/),
      });
      expect(p.log()).toMatch(/ENI not managed by ipamd; skipped/);
    });
  });
});
