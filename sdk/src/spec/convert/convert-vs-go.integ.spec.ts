// SPDX-License-Identifier: Apache-2.0
// Differential check of the conversion table against Go: Debian's host-local prints the same allocation (fixed by
// runtimeConfig.ips) in every version; converting its 1.0.0 output with our table must give what Go printed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runPlugin } from '../../testing/run-plugin';
import { convertResult } from './convert';
import { parseResult } from './parse';

const HOST_LOCAL = '/usr/lib/cni/host-local';
const d = existsSync(HOST_LOCAL) ? describe : describe.skip;
const VERSIONS = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const; // Debian's build stops at 1.0.0

/** Go 0.x (and Debian's 1.x) print `"dns": {}` for empty DNS; we omit it. Both are valid; compare without it. */
function withoutEmptyDns(v: Record<string, unknown>): Record<string, unknown> {
  const { dns, ...rest } = v;
  return dns && Object.keys(dns as object).length ? v : rest;
}

d('conversion matches Go (host-local)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vct-sdk-conv-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function allocate(cniVersion: string): Promise<Record<string, unknown>> {
    const stdin = {
      cniVersion,
      name: 'vct-conv',
      type: 'x',
      capabilities: { ips: true },
      runtimeConfig: { ips: ['10.99.9.7/24', 'fd99:9::7/64'] },
      ipam: {
        type: 'host-local',
        dataDir: dir,
        ranges: [[{ subnet: '10.99.9.0/24' }], [{ subnet: 'fd99:9::/64' }]],
        routes: [{ dst: '0.0.0.0/0' }, { dst: '192.168.0.0/16', gw: '10.99.9.254' }, { dst: '::/0' }],
      },
    };
    const opts = {
      containerId: 'conv',
      netns: '/run/netns/none',
      ifName: 'eth0',
      cniPath: ['/usr/lib/cni'],
      stdin,
    };
    const add = await runPlugin(HOST_LOCAL, opts);
    const del = await runPlugin(HOST_LOCAL, { ...opts, command: 'DEL' });
    expect(add.exitCode).toBe(0);
    expect(del.exitCode).toBe(0);
    return add.json as Record<string, unknown>;
  }

  it.each(VERSIONS)('1.0.0 -> %s', async (v) => {
    const fromGo100 = parseResult(await allocate('1.0.0'));
    const goAtV = withoutEmptyDns(await allocate(v));
    expect(withoutEmptyDns(convertResult(fromGo100, v) as unknown as Record<string, unknown>)).toEqual(goAtV);
    // and back: parsing Go's output at v and converting to 1.0.0 gives Go's 1.0.0 output
    if (v.startsWith('0.3') || v === '0.4.0')
      expect(convertResult(parseResult(goAtV), '1.0.0')).toEqual(withoutEmptyDns(fromGo100 as never));
  });
});
