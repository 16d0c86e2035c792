// SPDX-License-Identifier: Apache-2.0
// Delegation to Debian's host-local IPAM plugin (no root needed: it only writes its dataDir).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { delegate, delegateAdd, delegateDel } from './delegate';

const HOST_LOCAL = '/usr/lib/cni/host-local';
const d = existsSync(HOST_LOCAL) ? describe : describe.skip;

d('delegate to host-local', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'vct-sdk-ipam-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const ctx = (cniVersion: string, subnet = '10.99.7.0/24') => ({
    cniVersion,
    path: ['/nonexistent', '/usr/lib/cni'],
    env: {
      PATH: '/usr/bin:/bin',
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'c1',
      CNI_NETNS: '/run/netns/none',
      CNI_IFNAME: 'eth0',
      CNI_PATH: '/usr/lib/cni',
    },
    stdinData: JSON.stringify({
      cniVersion,
      name: 'vct-deleg',
      type: 'x',
      ipam: { type: 'host-local', dataDir: dir, ranges: [[{ subnet }]] },
    }),
  });

  it('ADD returns the lease in the config version, DEL releases it', async () => {
    const r = await delegateAdd('host-local', ctx('0.4.0'));
    expect(r).toMatchObject({
      cniVersion: '0.4.0',
      ips: [{ version: '4', address: '10.99.7.2/24', gateway: '10.99.7.1' }],
    });
    expect(readdirSync(join(dir, 'vct-deleg'))).toContain('10.99.7.2');
    await delegateDel('host-local', ctx('0.4.0'));
    expect(readdirSync(join(dir, 'vct-deleg'))).not.toContain('10.99.7.2');
  });

  it("keeps the delegate's error code and names it", async () => {
    await expect(delegate('ADD', 'host-local', ctx('1.0.0', '10.99.7.5/24'))).rejects.toMatchObject({
      message: expect.stringMatching(/^delegate host-local failed \(add\): .*host bits/),
    });
    await expect(delegate('ADD', 'nope', ctx('1.0.0'))).rejects.toMatchObject({
      code: 7,
      message: expect.stringContaining('delegate nope failed (add): failed to find plugin "nope"'),
    });
  });
});
