/**
 * The plugin's lean gRPC clients against a real @grpc/grpc-js server: the hand-written HTTP/2 transport (`h2`, what
 * the plugin uses) and the node:http2 one (`node-http2`, kept for comparison), both with the hand-written protobuf.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GrpcCallError, LeanIpamdClient } from '@vpc-cni-ts/aws-cni/ipamd';

import { StandInIpamd } from './stand-in-ipamd';

const req = (containerId: string, over: Record<string, unknown> = {}) => ({
  clientVersion: '',
  k8sPodName: 'nginx',
  k8sPodNamespace: 'default',
  k8sPodInfraContainerId: containerId,
  containerId,
  ifName: 'eth0',
  networkName: 'aws-cni',
  netns: '/var/run/netns/x',
  requiresMultiNicAttachment: false,
  ...over,
});
const delReq = (containerId: string) => ({
  clientVersion: '',
  k8sPodName: 'nginx',
  k8sPodNamespace: 'default',
  k8sPodInfraContainerId: containerId,
  k8sPodUid: 'uid-1',
  reason: 'PodDeleted',
  containerId,
  ifName: 'eth0',
  networkName: 'aws-cni',
});

describe.each([['h2'], ['node-http2']] as const)(
  'lean gRPC client (%s transport) against @grpc/grpc-js',
  (transport) => {
    const dir = mkdtempSync(join(tmpdir(), `vct-awscni-grpc-${transport}-`));
    const server = new StandInIpamd({
      socketPath: join(dir, 'ipamd.sock'),
      pool: ['10.99.1.5', '10.99.1.6'],
      deviceNumber: 2,
      routeTableId: 3,
    });
    let client: LeanIpamdClient;

    beforeAll(() => server.start());
    beforeEach(() => {
      server.behaviour = 'normal';
      client = new LeanIpamdClient({ socketPath: server.socketPath, transport });
    });
    afterEach(() => client.close());
    afterAll(async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('AddNetwork sends every field and decodes the reply; re-ADD of the same key is idempotent', async () => {
      const r = await client.addNetwork(req('c1', { requiresMultiNicAttachment: true, clientVersion: 'v9' }));
      expect(r).toMatchObject({
        success: true,
        ipAllocationMetadata: [{ ipv4Addr: '10.99.1.5', ipv6Addr: '', deviceNumber: 2, routeTableId: 3 }],
        vpcV4Cidrs: ['10.99.0.0/16'],
        reason: '',
      });
      expect(server.calls.at(-1)?.request).toMatchObject({
        ClientVersion: 'v9',
        K8S_POD_NAME: 'nginx',
        K8S_POD_NAMESPACE: 'default',
        K8S_POD_INFRA_CONTAINER_ID: 'c1',
        ContainerID: 'c1',
        IfName: 'eth0',
        NetworkName: 'aws-cni',
        Netns: '/var/run/netns/x',
        RequiresMultiNICAttachment: true,
      });
      expect((await client.addNetwork(req('c1'))).ipAllocationMetadata[0].ipv4Addr).toBe('10.99.1.5');
    });

    it('DelNetwork sends Reason and K8S_POD_UID and frees the address', async () => {
      await client.addNetwork(req('c2'));
      const r = await client.delNetwork(delReq('c2'));
      expect(r.success).toBe(true);
      expect(r.ipAllocationMetadata[0].ipv4Addr).toBe('10.99.1.6');
      expect(server.calls.at(-1)?.request).toMatchObject({
        Reason: 'PodDeleted',
        K8S_POD_UID: 'uid-1',
        ContainerID: 'c2',
      });
    });

    it('surfaces a gRPC error status with its message ("datastore: unknown pod")', async () => {
      const err = await client.delNetwork(delReq('never-added')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GrpcCallError);
      expect(err).toMatchObject({ code: 2, unavailable: false });
      expect((err as Error).message).toContain('datastore: unknown pod');
    });

    it('reads the reason of a Success=false reply from trailing metadata', async () => {
      server.behaviour = 'no-address';
      const r = await client.addNetwork(req('c3'));
      expect(r).toMatchObject({ success: false, reason: 'no available IP/Prefix addresses' });
    });

    it('keeps HPACK state across many calls on one connection (dynamic table) and decodes long messages', async () => {
      for (let i = 0; i < 20; i++) expect(await client.health()).toBe(1);
      const err = await client.delNetwork(delReq('x'.repeat(300))).catch((e: unknown) => e);
      expect((err as Error).message).toContain('datastore: unknown pod');
    });

    it('reconnects after ipamd restarts (GOAWAY, then a new server on the same socket)', async () => {
      expect(await client.health()).toBe(1);
      await server.stop();
      await server.start();
      expect(await client.health()).toBe(1);
    });

    it('answers the health check', async () => {
      expect(await client.health()).toBe(1);
    });

    it('runs concurrent calls over one session', async () => {
      const results = await Promise.all([1, 2, 3, 4, 5].map(() => client.health()));
      expect(results).toEqual([1, 1, 1, 1, 1]);
    });

    it('reports a missing socket as unavailable, naming the path', async () => {
      const c = new LeanIpamdClient({ socketPath: join(dir, 'nothing.sock'), transport });
      const err = await c.addNetwork(req('c4')).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 14, unavailable: true });
      expect((err as Error).message).toContain(join(dir, 'nothing.sock'));
    });

    it('preconnect to a missing socket reports nothing; the call after it still reports unavailable, naming the path', async () => {
      const c = new LeanIpamdClient({ socketPath: join(dir, 'nothing.sock'), transport });
      c.preconnect();
      await new Promise((r) => setTimeout(r, 50)); // let the early connect fail first
      const err = await c.health().catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 14, unavailable: true });
      expect((err as Error).message).toContain(join(dir, 'nothing.sock'));
    });

    it('preconnect, then calls succeed', async () => {
      client.preconnect();
      expect(await client.health()).toBe(1);
      const r = await client.addNetwork(req('c-pre'));
      expect(r.success).toBe(true);
      expect((await client.delNetwork(delReq('c-pre'))).success).toBe(true);
    });

    it('reports a socket nobody listens on (stale file) as unavailable', async () => {
      const stale = join(dir, 'stale.sock');
      writeFileSync(stale, '');
      const err = await new LeanIpamdClient({ socketPath: stale, transport }).health().catch((e: unknown) => e);
      expect(err).toMatchObject({ unavailable: true });
    });

    it('enforces the deadline against a server that never answers', async () => {
      const hang = join(dir, 'hang.sock');
      const sockets: net.Socket[] = [];
      const srv = net.createServer((s) => sockets.push(s)); // accepts, never speaks HTTP/2
      await new Promise<void>((r) => srv.listen(hang, r));
      try {
        const c = new LeanIpamdClient({ socketPath: hang, deadlineMs: 200, transport });
        const t0 = Date.now();
        const err = await c.health().catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 4 });
        expect(Date.now() - t0).toBeLessThan(2000);
        c.close();
      } finally {
        sockets.forEach((s) => s.destroy());
        await new Promise<void>((r) => srv.close(() => r()));
      }
    });
  },
);

describe('h2 transport preconnect', () => {
  it('opens the connection before the first call, which then uses it (one connection in all)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vct-awscni-pre-'));
    const path = join(dir, 'count.sock');
    const sockets: net.Socket[] = [];
    const srv = net.createServer((s) => sockets.push(s)); // accepts, never speaks HTTP/2
    await new Promise<void>((r) => srv.listen(path, r));
    try {
      const c = new LeanIpamdClient({ socketPath: path, deadlineMs: 200 });
      c.preconnect();
      for (let i = 0; i < 100 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(sockets).toHaveLength(1);
      expect(await c.health().catch((e: unknown) => e)).toMatchObject({ code: 4 }); // deadline: nobody answers
      expect(sockets).toHaveLength(1);
      c.close();
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => srv.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
