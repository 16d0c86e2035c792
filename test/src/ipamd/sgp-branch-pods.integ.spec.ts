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
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { LeanIpamdClient } from '@vpc-cni-ts/aws-cni/ipamd';
import type { IpamdDaemon } from '@vpc-cni-ts/ipamd/daemon';
import { createIpamdClient } from '@vpc-cni-ts/ipamd/server';
import { MemoryTrunkLinkIndex } from '@vpc-cni-ts/ipamd/sgp';

import type { KubeStandin } from '../kube-standin/kube-standin';
import type { Simulator } from '../simulator';
import { IpamdProcess, ensureBundle, ipamdFor, simulator, waitFor } from './harness';
import {
  SGP_NODE as NODE,
  SGP_NS as NS,
  SGP_TOKEN as TOKEN,
  attachTrunk,
  sgpRequest as req,
  startInProcessIpamd,
  startSgpStandin,
} from './sgp-fixtures';

jest.setTimeout(90_000);

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
    api = await startSgpStandin();
  });
  afterEach(async () => {
    await api.stop();
    await sim.stop();
  });

  describe('in process, with an in-memory trunk link', () => {
    let daemon: IpamdDaemon;
    let socket: string;
    let stop: () => Promise<void>;

    beforeEach(async () => {
      ({ daemon, socket, stop } = await startInProcessIpamd(
        sim,
        api,
        () => new MemoryTrunkLinkIndex({ [trunk.mac]: 42 }),
      ));
    });
    afterEach(() => stop());

    it('answers a branch pod from its annotation, the trunk and its link; the datastore is untouched', async () => {
      expect(daemon.poolManager!.trunk()).toEqual(trunk);
      const c = createIpamdClient(socket);
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
      const plugin = new LeanIpamdClient({ socketPath: socket, transport: 'h2' });
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
