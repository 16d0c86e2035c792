// SPDX-License-Identifier: Apache-2.0
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SystemClock } from '../../ports';
import { ImdsClient } from './imds-client';

/** A tiny IMDSv2 on loopback: tokens, 401 on a stale token, 404 for absent paths, injectable 500s. */
function fakeImds(): Promise<{
  url: string;
  server: Server;
  tokensIssued: () => number;
  fail500: (n: number) => void;
  expireTokens: () => void;
}> {
  let tokens = 0;
  let valid = new Set<string>();
  let fail = 0;
  const md: Record<string, string> = {
    'instance-id': 'i-0123',
    'instance-type': 'm5.large',
    'placement/availability-zone': 'us-west-2a',
    'local-ipv4': '10.0.0.10',
    mac: '02:00:00:00:00:01',
    'network/interfaces/macs/': '02:00:00:00:00:01/\n02:00:00:00:00:02/',
    'network/interfaces/macs/02:00:00:00:00:01/interface-id': 'eni-1',
    'network/interfaces/macs/02:00:00:00:00:01/device-number': '0',
    'network/interfaces/macs/02:00:00:00:00:01/subnet-id': 'subnet-1',
    'network/interfaces/macs/02:00:00:00:00:01/vpc-id': 'vpc-1',
    'network/interfaces/macs/02:00:00:00:00:01/security-group-ids': 'sg-1\nsg-2',
    'network/interfaces/macs/02:00:00:00:00:01/local-ipv4s': '10.0.0.10\n10.0.0.11',
    'network/interfaces/macs/02:00:00:00:00:01/subnet-ipv4-cidr-block': '10.0.0.0/24',
    'network/interfaces/macs/02:00:00:00:00:01/vpc-ipv4-cidr-blocks': '10.0.0.0/16',
    'network/interfaces/macs/02:00:00:00:00:02/interface-id': 'eni-2',
    'network/interfaces/macs/02:00:00:00:00:02/device-number': '1',
    'network/interfaces/macs/02:00:00:00:00:02/subnet-id': 'subnet-1',
    'network/interfaces/macs/02:00:00:00:00:02/vpc-id': 'vpc-1',
    'network/interfaces/macs/02:00:00:00:00:02/local-ipv4s': '10.0.0.20',
    'network/interfaces/macs/02:00:00:00:00:02/ipv4-prefix': '10.0.0.32/28',
  };
  const server = createServer((req, res) => {
    if (req.method === 'PUT' && req.url === '/latest/api/token') {
      const t = `tok-${++tokens}`;
      valid.add(t);
      res.end(t);
    } else if (!valid.has(String(req.headers['x-aws-ec2-metadata-token']))) {
      res.statusCode = 401;
      res.end();
    } else if (fail > 0) {
      fail--;
      res.statusCode = 500;
      res.end();
    } else {
      const v = md[(req.url ?? '').replace('/latest/meta-data/', '')];
      res.statusCode = v === undefined ? 404 : 200;
      res.end(v ?? '');
    }
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        server,
        tokensIssued: () => tokens,
        fail500: (n) => (fail = n),
        expireTokens: () => (valid = new Set()),
      }),
    ),
  );
}

describe('ImdsClient (IMDSv2 over loopback)', () => {
  it('reads identity and interfaces with the token flow, 404 as absent, primary forced to device 0', async () => {
    const f = await fakeImds();
    const c = new ImdsClient({ endpoint: f.url }, new SystemClock());
    try {
      expect(await c.identity()).toEqual({
        instanceId: 'i-0123',
        instanceType: 'm5.large',
        availabilityZone: 'us-west-2a',
        region: 'us-west-2',
        localIpv4: '10.0.0.10',
        primaryMac: '02:00:00:00:00:01',
      });
      const ifs = await c.interfaces();
      expect(ifs.map((i) => [i.eniId, i.deviceNumber, i.localIpv4s, i.ipv4Prefixes, i.networkCard])).toEqual([
        ['eni-1', 0, ['10.0.0.10', '10.0.0.11'], [], 0],
        ['eni-2', 1, ['10.0.0.20'], ['10.0.0.32/28'], 0],
      ]);
      expect(ifs[0]!.securityGroupIds).toEqual(['sg-1', 'sg-2']);
      expect(f.tokensIssued()).toBe(1);
    } finally {
      c.close();
      f.server.close();
    }
  });
  it('refreshes a rejected token and retries 5xx', async () => {
    const f = await fakeImds();
    const c = new ImdsClient({ endpoint: f.url }, new SystemClock());
    try {
      await c.get('instance-id');
      f.expireTokens();
      expect(await c.get('instance-id')).toBe('i-0123');
      expect(f.tokensIssued()).toBe(2);
      f.fail500(2);
      expect(await c.get('instance-type')).toBe('m5.large');
    } finally {
      c.close();
      f.server.close();
    }
  });
  it('fails clearly when IMDS is unreachable', async () => {
    const c = new ImdsClient({ endpoint: 'http://127.0.0.1:9', attempts: 2, timeoutMs: 500 }, new SystemClock());
    await expect(c.identity()).rejects.toThrow(/IMDS .* failed after 2 attempts/);
    c.close();
  });
});
