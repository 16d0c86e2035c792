// SPDX-License-Identifier: Apache-2.0
/** The /metrics and introspection HTTP servers, scraped over loopback TCP and a unix socket. */
import { createServer, request } from 'node:http';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Datastore, loadConfig, silentLogger } from '@vpc-cni-ts/ipamd';
import { IntrospectionServer, viewOfDatastore, UPSTREAM_INTROSPECTION_PATHS } from '@vpc-cni-ts/ipamd/introspection';
import {
  MetricsServer,
  PromMetrics,
  parseExposition,
  refreshDatastoreGauges,
  METRIC_CATALOG,
} from '@vpc-cni-ts/ipamd/metrics';

function get(target: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const opts = target.startsWith('unix:')
    ? { socketPath: target.slice(5), path }
    : { host: target.split(':')[0], port: Number(target.split(':')[1]), path };
  return new Promise((resolve, reject) => {
    const req = request({ ...opts, method: 'GET', timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function datastore(): Datastore {
  const ds = new Datastore({ prefixMode: true, cooldownMs: 30_000 });
  ds.addEni({ id: 'eni-0aaa', deviceNumber: 0, isPrimary: true, subnetId: 's', primaryIp: '10.99.0.10', createdAt: 0 });
  ds.addEni({
    id: 'eni-0bbb',
    deviceNumber: 1,
    isPrimary: false,
    subnetId: 's',
    primaryIp: '10.99.0.20',
    createdAt: 0,
  });
  ds.addCidr('eni-0aaa', '10.99.16.0/28', true);
  ds.addCidr('eni-0bbb', '10.99.16.16/28', true);
  const md = { k8sPodNamespace: 'default', k8sPodName: 'web' };
  ds.assign({ networkName: 'aws-cni', containerId: 'secret-container', ifName: 'eth0' }, md, Date.now());
  return ds;
}

describe('metrics server', () => {
  it('serves every catalog metric over HTTP with the right types; other paths 404', async () => {
    const metrics = new PromMetrics();
    const ds = datastore();
    refreshDatastoreGauges(metrics, viewOfDatastore(ds, Date.now()), {
      limits: { maxEnis: 3, slotsPerEni: 9, prefixDelegation: true },
    });
    metrics.setBuildInfo('v0.1.0', 'node');
    metrics.observe('awscni_aws_api_latency_ms', 12, { api: 'DescribeSubnets', error: 'false', status: '200' });
    const server = new MetricsServer({ metrics, bindAddress: '127.0.0.1:0', logger: silentLogger });
    const addr = (await server.start())!;
    try {
      const r = await get(addr, '/metrics');
      expect(r.status).toBe(200);
      expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const fams = parseExposition(r.body);
      for (const spec of METRIC_CATALOG)
        expect({ name: spec.name, type: fams.get(spec.name)?.type }).toEqual({ name: spec.name, type: spec.type });
      expect(fams.get('awscni_total_ip_addresses')!.samples[0]!.value).toBe(32);
      expect(fams.get('awscni_assigned_ip_addresses')!.samples[0]!.value).toBe(1);
      expect(fams.get('awscni_ip_max')!.samples[0]!.value).toBe(3 * 9 * 16);
      expect(
        fams.get('awscni_assigned_ip_per_cidr')!.samples.find((s) => s.labels.cidr === '10.99.16.0/28')!.value,
      ).toBe(1);
      expect(
        fams.get('awscni_aws_api_latency_ms')!.samples.some((s) => s.name === 'awscni_aws_api_latency_ms_count'),
      ).toBe(true);
      expect(fams.has('process_resident_memory_bytes')).toBe(true);
      expect((await get(addr, '/')).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('DISABLE_METRICS: start does not listen', async () => {
    const server = new MetricsServer({ metrics: new PromMetrics(), disabled: true, logger: silentLogger });
    expect(await server.start()).toBeUndefined();
    await server.stop();
  });

  it('a bad bind address is a clear error', () => {
    expect(() => new MetricsServer({ metrics: new PromMetrics(), bindAddress: 'nope', logger: silentLogger })).toThrow(
      /bind address "nope" is invalid/,
    );
  });
});

describe('introspection server', () => {
  const config = loadConfig({ AWS_VPC_K8S_CNI_RANDOMIZESNAT: 'hashrandom', WARM_IP_TARGET: '3' });
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vct-introspect-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const transport of ['tcp', 'unix'] as const) {
    it(`answers every path over ${transport}`, async () => {
      const ds = datastore();
      const bindAddress = transport === 'tcp' ? '127.0.0.1:0' : `unix:${join(dir, 'introspect.sock')}`;
      const server = new IntrospectionServer({
        bindAddress,
        logger: silentLogger,
        config,
        datastore: () => viewOfDatastore(ds, Date.now(), { subnetOf: () => 'subnet-0123' }),
        eniConfigName: async () => 'us-west-2a',
        pool: {
          currentTargets: () => ({ warmIpTarget: 3 }),
          stats: () => ({ total: 32 }),
          blockReason: () => undefined,
        },
      });
      const addr = (await server.start())!;
      try {
        const enis = await get(addr, '/v1/enis');
        expect(enis.status).toBe(200);
        expect(enis.type).toBe('application/json');
        const e = JSON.parse(enis.body);
        expect(e['0'].TotalIPs).toBe(32);
        expect(e['0'].AssignedIPs).toBe(1);
        const cidr = e['0'].ENIs['eni-0aaa'].AvailableIPv4Cidrs['10.99.16.0/28'];
        expect(cidr.Cidr).toEqual({ IP: '10.99.16.0', Mask: '////8A==' });
        expect(cidr.IPAddresses['10.99.16.0'].IPAMKey).toEqual({ networkName: 'aws-cni', containerID: '', ifName: '' });
        expect(cidr.IPAddresses['10.99.16.0'].AssignedTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
        expect(cidr.IPAddresses['10.99.16.0'].UnassignedTime).toBe('0001-01-01T00:00:00Z');
        expect(enis.body).not.toContain('secret-container');
        expect(e['0'].ENIs['eni-0bbb'].SubnetID).toBe('subnet-0123');

        const pods = JSON.parse((await get(addr, '/v1/pods')).body);
        expect(pods['10.99.16.0']).toMatchObject({ K8SPodName: 'web', ENI: 'eni-0aaa' });

        expect(JSON.parse((await get(addr, '/v1/eni-configs')).body)).toBe('us-west-2a');
        const net = JSON.parse((await get(addr, '/v1/networkutils-env-settings')).body);
        expect(net).toEqual({
          AWS_EXTERNAL_SERVICE_CIDRS: null,
          AWS_VPC_CNI_NODE_PORT_SUPPORT: true,
          AWS_VPC_ENI_MTU: 9001,
          AWS_VPC_K8S_CNI_CONNMARK: 128,
          AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: null,
          AWS_VPC_K8S_CNI_EXTERNALSNAT: false,
          AWS_VPC_K8S_CNI_RANDOMIZESNAT: 1,
          AWS_VPC_K8S_CNI_VETHPREFIX: 'eni',
        });
        expect(JSON.parse((await get(addr, '/v1/ipamd-env-settings')).body)).toEqual({
          AWS_MANAGE_ENIS_NON_SCHEDULABLE: false,
          AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: false,
          ENABLE_SUBNET_DISCOVERY: true,
          WARM_ENI_TARGET: 1,
          WARM_IP_TARGET: 3,
        });
        expect(JSON.parse((await get(addr, '/v1/pool')).body)).toEqual({
          targets: { warmIpTarget: 3 },
          stats: { total: 32 },
          blocked: null,
        });
        for (const p of ['/', '/v2/whatever']) {
          const r = await get(addr, p);
          expect(r.status).toBe(200);
          const cmds = JSON.parse(r.body).AvailableCommands as string[];
          for (const u of UPSTREAM_INTROSPECTION_PATHS) expect(cmds).toContain(u);
        }
      } finally {
        await server.stop();
      }
      if (transport === 'unix') expect(existsSync(join(dir, 'introspect.sock'))).toBe(false);
    });
  }

  it('replaces a stale unix socket file left by a crash', async () => {
    const path = join(dir, 'stale.sock');
    const mk = () =>
      new IntrospectionServer({
        bindAddress: `unix:${path}`,
        logger: silentLogger,
        config,
        datastore: () => ({ cards: [] }),
      });
    const a = mk();
    await a.start();
    // Simulate a crash: a new server starts while the old socket file still exists.
    const b = mk();
    const addr = (await b.start())!;
    expect((await get(addr, '/v1/enis')).body).toBe('{}');
    await b.stop();
    await a.stop();
  });

  it('a busy port: start() fails clearly, startInBackground retries until the port is free', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const mk = () =>
      new IntrospectionServer({
        bindAddress: `127.0.0.1:${port}`,
        logger: silentLogger,
        config,
        datastore: () => ({ cards: [] }),
      });
    await expect(mk().start()).rejects.toThrow(
      new RegExp(`introspection: cannot listen on 127.0.0.1:${port}: .*EADDRINUSE`),
    );
    let sleeps = 0;
    const clock = {
      now: () => Date.now(),
      random: () => 0,
      sleep: async () => {
        if (++sleeps === 2) await new Promise<void>((r) => blocker.close(() => r()));
      },
    };
    const s = mk();
    expect(await s.startInBackground(clock)).toBe(`127.0.0.1:${port}`);
    expect(sleeps).toBe(2);
    expect((await get(`127.0.0.1:${port}`, '/v1/enis')).body).toBe('{}');
    await s.stop();
  });

  it('DISABLE_INTROSPECTION: start does not listen', async () => {
    const s = new IntrospectionServer({
      disabled: true,
      logger: silentLogger,
      config,
      datastore: () => ({ cards: [] }),
    });
    expect(await s.start()).toBeUndefined();
  });
});
