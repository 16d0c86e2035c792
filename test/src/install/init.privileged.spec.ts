// SPDX-License-Identifier: Apache-2.0
/**
 * aws-vpc-cni-init on a real kernel: run inside a throwaway network namespace (`ip netns exec` gives it that
 * namespace's /proc/sys/net and /sys/class/net), whose "primary interface" is a veth carrying the MAC that the IMDS
 * stand-in (on the host end of the veth) reports. Checks the sysctls the kernel then holds. Root only.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import {
  childEnv,
  INIT_BUNDLE,
  makeTempRoot,
  requireBundle,
  spawnBundle,
  type TempRoot,
  writeStandInPlugins,
} from './harness';

const d = process.getuid?.() === 0 ? describe : describe.skip;
if (process.getuid?.() !== 0) console.log('init.privileged.spec: not root, skipped (needs network namespaces)');

const id = randomBytes(3).toString('hex');
const NS = `vct-conf-${id}`;
const HOST_IF = `vct-h-${id}`;
const POD_IF = `vct-p-${id}`;
const MAC = `02:99:${id.slice(0, 2)}:${id.slice(2, 4)}:${id.slice(4, 6)}:01`;
const HOST_IP = '10.99.77.1';

const ip = (...args: string[]): string => execFileSync('ip', args, { encoding: 'utf8' });
const nsSysctl = (key: string): string =>
  execFileSync('ip', ['netns', 'exec', NS, 'cat', `/proc/sys/${key}`], { encoding: 'utf8' }).trim();

d('aws-vpc-cni-init in a network namespace (real sysctls)', () => {
  let server: Server;
  let url: string;
  let t: TempRoot;
  beforeAll(async () => {
    requireBundle(INIT_BUNDLE);
    ip('netns', 'add', NS);
    ip('link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', POD_IF, 'netns', NS);
    ip('addr', 'add', `${HOST_IP}/30`, 'dev', HOST_IF);
    ip('link', 'set', HOST_IF, 'up');
    ip('-n', NS, 'link', 'set', POD_IF, 'address', MAC);
    ip('-n', NS, 'addr', 'add', '10.99.77.2/30', 'dev', POD_IF);
    ip('-n', NS, 'link', 'set', POD_IF, 'up');
    ip('-n', NS, 'link', 'set', 'lo', 'up');
    server = createServer((req, res) => {
      if (req.method === 'PUT' && req.url === '/latest/api/token') return void res.end('tok');
      if (req.url === '/latest/meta-data/mac' && req.headers['x-aws-ec2-metadata-token'] === 'tok')
        return void res.end(MAC);
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, HOST_IP, r));
    url = `http://${HOST_IP}:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server?.close();
    try {
      ip('link', 'del', HOST_IF);
    } catch {
      // already gone with the namespace
    }
    ip('netns', 'del', NS);
  });
  beforeEach(() => (t = makeTempRoot('vct-install-initp-')));
  afterEach(() => t.cleanup());

  it('sets rp_filter=2 on the primary interface, early demux off, and IPv6 forwarding/accept_ra for v6 egress', async () => {
    writeStandInPlugins(t.app, ['portmap', 'loopback']);
    const before = nsSysctl(`net/ipv4/conf/${POD_IF}/rp_filter`);
    expect(before).not.toBe('2');
    const env = childEnv({
      HOST_CNI_BIN_PATH: t.bin,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: url,
      DISABLE_TCP_EARLY_DEMUX: 'true',
      ENABLE_V6_EGRESS: 'true',
    });
    const r = await spawnBundle(INIT_BUNDLE, env, t.app, ['ip', 'netns', 'exec', NS]).exited;
    expect([r.code, r.stderr]).toEqual([0, expect.stringContaining('sysctl set')]);
    expect(readdirSync(t.bin).sort()).toEqual(['loopback', 'portmap']);
    expect(nsSysctl(`net/ipv4/conf/${POD_IF}/rp_filter`)).toBe('2');
    expect(nsSysctl('net/ipv4/tcp_early_demux')).toBe('0');
    expect(nsSysctl('net/ipv6/conf/all/forwarding')).toBe('1');
    expect(nsSysctl(`net/ipv6/conf/${POD_IF}/accept_ra`)).toBe('2');
  }, 60_000);
});
