// SPDX-License-Identifier: Apache-2.0
/**
 * The gRPC server with the SGP resolver in front of a stateful in-memory backend, over a real unix socket: what the
 * plugin receives for branch pods, normal pods and failures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { AddressGrant } from '../datastore';
import type { KubeApi, PodInfo } from '../kube/kube-api';
import { KubeError } from '../kube/kube-api';
import { MemoryLogger } from '../ports';
import { type CniBackend, IpamdGrpcServer, createIpamdClient } from '../server';
import { IpamError, type AddRequest } from '../service';
import { BranchPodResolver } from './branch-pods';
import { POD_ENI_ANNOTATION } from './pod-eni-annotation';
import { MemoryTrunkLinkIndex } from './trunk-link';

/** Pods by namespace/name, as the API server would return them; `down` makes every read fail. */
class MemoryPods implements Pick<KubeApi, 'getPod'> {
  readonly pods = new Map<string, PodInfo>();
  down = false;
  reads = 0;
  put(p: Omit<PodInfo, 'resourceVersion'>): void {
    this.pods.set(`${p.namespace}/${p.name}`, { ...p, resourceVersion: '1' });
  }
  async getPod(namespace: string, name: string): Promise<PodInfo | undefined> {
    this.reads++;
    if (this.down) throw new KubeError(`get pod ${namespace}/${name}`, 'unavailable', 503, '503: etcd is sad');
    return this.pods.get(`${namespace}/${name}`);
  }
}

/** A tiny datastore: one address per key from a fixed list. */
class MemoryBackend implements CniBackend {
  readonly held = new Map<string, AddressGrant>();
  private next = 10;
  private id = (k: { networkName: string; containerId: string; ifName: string }) =>
    `${k.networkName}/${k.containerId}/${k.ifName}`;
  async add(req: AddRequest): Promise<AddressGrant> {
    const have = this.held.get(this.id(req));
    if (have) return have;
    const g: AddressGrant = {
      address: `10.99.0.${this.next++}`,
      eniId: 'eni-primary',
      deviceNumber: 0,
      routeTableId: 254,
      assignedAtNs: '1',
      metadata: { k8sPodNamespace: req.podNamespace, k8sPodName: req.podName },
      key: { networkName: req.networkName, containerId: req.containerId, ifName: req.ifName },
    };
    this.held.set(this.id(req), g);
    return g;
  }
  async del(key: { networkName: string; containerId: string; ifName: string }): Promise<AddressGrant> {
    const g = this.held.get(this.id(key));
    if (!g) throw new IpamError('unknown-pod', `datastore: unknown pod ${key.containerId}`);
    this.held.delete(this.id(key));
    return g;
  }
}

const TRUNK = { eniId: 'eni-trunk', mac: '02:00:00:00:00:aa' };
const BRANCH = {
  eniId: 'eni-branch1',
  ifAddress: '0A:00:00:00:00:B1',
  privateIp: '10.99.16.7',
  ipv6Addr: '',
  vlanID: 7,
  subnetCidr: '10.99.16.0/20',
  subnetV6Cidr: '',
};
const req = (name: string, containerId = `c-${name}`) => ({
  ContainerID: containerId,
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_NAME: name,
  K8S_POD_NAMESPACE: 'shop',
});

describe('IpamdGrpcServer with branch-ENI pods (ENABLE_POD_ENI)', () => {
  let dir: string;
  let pods: MemoryPods;
  let backend: MemoryBackend;
  let links: MemoryTrunkLinkIndex;
  let trunk: typeof TRUNK | undefined;
  let server: IpamdGrpcServer;
  let client: ReturnType<typeof createIpamdClient>;

  async function start(withBranchPods = true): Promise<void> {
    const logger = new MemoryLogger();
    const resolver = new BranchPodResolver({ kube: pods, trunk: () => trunk, links, ipv6: false, logger });
    const socket = join(dir, 'ipamd.sock');
    server = new IpamdGrpcServer(
      backend,
      socket,
      logger,
      { vpcV4Cidrs: ['10.99.0.0/16'], useExternalSnat: false, networkPolicyMode: 'standard' },
      withBranchPods ? resolver : undefined,
    );
    await server.start();
    server.setServing(true);
    client = createIpamdClient(socket);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vct-sgp-'));
    pods = new MemoryPods();
    backend = new MemoryBackend();
    links = new MemoryTrunkLinkIndex({ [TRUNK.mac]: 5 });
    trunk = TRUNK;
    pods.put({
      namespace: 'shop',
      name: 'cart',
      podEniRequested: true,
      annotations: { [POD_ENI_ANNOTATION]: JSON.stringify([BRANCH]) },
    });
    pods.put({ namespace: 'shop', name: 'web', podEniRequested: false, annotations: {} });
    pods.put({ namespace: 'shop', name: 'early', podEniRequested: true, annotations: {} });
    pods.put({
      namespace: 'shop',
      name: 'garbled',
      podEniRequested: true,
      annotations: { [POD_ENI_ANNOTATION]: '[{"vlanID": ' },
    });
  });
  afterEach(async () => {
    client?.close();
    await server?.stop(100);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ADD of a branch pod: VLAN fields and one address, nothing taken from the datastore', async () => {
    await start();
    const r = await client.add(req('cart'));
    expect(r).toMatchObject({
      Success: true,
      PodVlanId: 7,
      PodENIMAC: '0a:00:00:00:00:b1',
      PodENISubnetGW: '10.99.16.1',
      ParentIfIndex: 5,
      IPAllocationMetadata: [{ IPv4Addr: '10.99.16.7', IPv6Addr: '', DeviceNumber: -1, RouteTableId: 0 }],
      NetworkPolicyMode: 'standard',
      VPCv4CIDRs: ['10.99.0.0/16'],
    });
    expect(backend.held.size).toBe(0);
  });

  it('ADD of a pod without pod-eni, or without a pod name: the datastore, with no VLAN fields', async () => {
    await start();
    const r = await client.add(req('web'));
    expect(r).toMatchObject({
      Success: true,
      PodVlanId: 0,
      PodENIMAC: '',
      ParentIfIndex: 0,
      IPAllocationMetadata: [{ IPv4Addr: '10.99.0.10', DeviceNumber: 0, RouteTableId: 254 }],
    });
    const reads = pods.reads;
    const anonymous = await client.add({ ContainerID: 'anon', IfName: 'eth0', NetworkName: 'aws-cni' });
    expect(anonymous.IPAllocationMetadata[0]!.IPv4Addr).toBe('10.99.0.11');
    expect(pods.reads).toBe(reads); // no pod name, no API read
    expect(backend.held.size).toBe(2);
  });

  it('ADD failures name the pod and what is missing; nothing is allocated', async () => {
    await start();
    await expect(client.add(req('early'))).rejects.toMatchObject({
      code: 14, // UNAVAILABLE: the plugin reports "try again later"
      details:
        'pod shop/early requests vpc.amazonaws.com/pod-eni but has no vpc.amazonaws.com/pod-eni annotation yet: the VPC resource controller has not attached its branch ENI',
    });
    await expect(client.add(req('garbled'))).rejects.toMatchObject({
      code: 13,
      details: expect.stringMatching(/^pod shop\/garbled: annotation vpc.amazonaws.com\/pod-eni is unusable: not JSON/),
    });
    await expect(client.add(req('ghost'))).rejects.toMatchObject({
      code: 14,
      details: expect.stringMatching(/pod shop\/ghost is not known to the API server/),
    });
    links = new MemoryTrunkLinkIndex();
    // the resolver holds the link index it was built with: rebuild the server around the empty one
    client.close();
    await server.stop(100);
    await start();
    await expect(client.add(req('cart'))).rejects.toMatchObject({
      code: 14,
      details: expect.stringMatching(/trunk ENI eni-trunk \(MAC 02:00:00:00:00:aa\) has no network interface/),
    });
    trunk = undefined;
    await expect(client.add(req('cart'))).rejects.toMatchObject({
      code: 14,
      details: expect.stringMatching(/ipamd has not seen a trunk ENI on this node yet/),
    });
    pods.down = true;
    await expect(client.add(req('cart'))).rejects.toMatchObject({
      code: 14,
      details: expect.stringMatching(
        /cannot read pod shop\/cart from the API server: kubernetes get pod shop\/cart: 503/,
      ),
    });
    expect(backend.held.size).toBe(0);
  });

  it('DEL: the datastore first; an unknown key of a branch pod answers its VLAN; a pod gone stays "unknown pod"', async () => {
    await start();
    await client.add(req('web'));
    const normal = await client.del(req('web'));
    expect(normal).toMatchObject({ Success: true, PodVlanId: 0, IPAllocationMetadata: [{ IPv4Addr: '10.99.0.10' }] });
    const branch = await client.del(req('cart'));
    expect(branch).toMatchObject({
      Success: true,
      PodVlanId: 7,
      IPAllocationMetadata: [{ IPv4Addr: '10.99.16.7', DeviceNumber: -1, RouteTableId: 0 }],
      NetworkPolicyMode: 'standard',
    });
    await expect(client.del(req('ghost'))).rejects.toMatchObject({
      code: 5,
      details: expect.stringMatching(/datastore: unknown pod/),
    });
    await expect(client.del(req('early'))).rejects.toMatchObject({ details: expect.stringMatching(/unknown pod/) });
    pods.down = true; // API server unreachable on DEL: still the datastore's answer, never a hang or a crash
    await expect(client.del(req('cart'))).rejects.toMatchObject({ details: expect.stringMatching(/unknown pod/) });
  });

  it('without the resolver (ENABLE_POD_ENI=false) a pod-eni pod is served from the datastore', async () => {
    await start(false);
    const r = await client.add(req('cart'));
    expect(r).toMatchObject({ Success: true, PodVlanId: 0, IPAllocationMetadata: [{ IPv4Addr: '10.99.0.10' }] });
    expect(pods.reads).toBe(0);
  });
});
