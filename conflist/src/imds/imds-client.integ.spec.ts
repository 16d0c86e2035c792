// SPDX-License-Identifier: Apache-2.0
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { ImdsClient } from './imds-client';

/** A loopback IMDSv2 stand-in: token required, configurable paths, optional failures before answering. */
function imdsServer(
  paths: Record<string, string>,
  opts: { fail5xx?: number } = {},
): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  let failures = opts.fail5xx ?? 0;
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('tok-1');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'tok-1') return void res.writeHead(401).end();
    if (failures-- > 0) return void res.writeHead(503).end();
    const key = req.url?.replace('/latest/meta-data/', '') ?? '';
    if (key in paths) return void res.end(paths[key]);
    res.writeHead(404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits }),
    ),
  );
}

describe('ImdsClient (IMDSv2 over loopback)', () => {
  it('gets values with a session token, undefined for 404, and retries 5xx', async () => {
    const { server, url, hits } = await imdsServer(
      { 'local-ipv4': '10.0.0.7', mac: '0A:1B:2C:3D:4E:5F' },
      { fail5xx: 2 },
    );
    try {
      const c = new ImdsClient({ endpoint: url, backoffMs: () => 1 });
      expect(await c.localIpv4()).toBe('10.0.0.7');
      expect(await c.primaryIpv6()).toBeUndefined();
      expect(await c.primaryMac()).toBe('0a:1b:2c:3d:4e:5f');
      expect(hits.filter((h) => h.startsWith('PUT'))).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('gives up after the configured attempts with a clear error', async () => {
    const { server, url } = await imdsServer({}, { fail5xx: 100 });
    try {
      await expect(new ImdsClient({ endpoint: url, attempts: 3, backoffMs: () => 1 }).localIpv4()).rejects.toThrow(
        /local-ipv4: HTTP 503/,
      );
    } finally {
      server.close();
    }
  });

  it('reports an unreachable endpoint as a network error', async () => {
    await expect(
      new ImdsClient({ endpoint: 'http://127.0.0.1:9', attempts: 2, backoffMs: () => 1 }).localIpv4(),
    ).rejects.toThrow(/network error/);
  });
});
