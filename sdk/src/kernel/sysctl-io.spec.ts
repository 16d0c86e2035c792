// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { IpRoute2Kernel } from './iproute2-kernel';
import { HOST_NETNS, describeNetns, netnsByName, netnsByPath } from './netns';
import { type ProcessRunner } from './process-runner';

// Host sysctls are plain file writes: point the adapter at a scratch tree instead of /proc/sys.
describe('host sysctls (in-process, no spawn)', () => {
  let dir: string;
  const noSpawn: ProcessRunner = { spawned: 0, run: () => Promise.reject(new Error('must not spawn')) };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vct-sysctl-'));
    mkdirSync(join(dir, 'net/ipv4'), { recursive: true });
    writeFileSync(join(dir, 'net/ipv4/ip_forward'), '0\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes and reads, tolerating optional missing keys', async () => {
    const k = new IpRoute2Kernel({ procSys: dir, runner: noSpawn });
    const r = await k
      .batch(HOST_NETNS)
      .setSysctl({ key: 'net.ipv4.ip_forward', value: 1 })
      .setSysctl({ key: 'net/ipv6/conf/eni1/accept_ra', value: 0, optional: true })
      .commit();
    expect(r).toEqual({ applied: 2, tolerated: 0, spawns: 0 });
    expect(readFileSync(join(dir, 'net/ipv4/ip_forward'), 'utf8')).toBe('1');
    expect(await k.readSysctl(HOST_NETNS, 'net/ipv4/ip_forward')).toBe('1');
    expect(await k.readSysctl(HOST_NETNS, 'net/ipv6/conf/eni1/accept_ra')).toBeUndefined();
    await expect(k.setSysctls(HOST_NETNS, [{ key: 'net/ipv6/conf/eni1/accept_ra', value: 0 }])).rejects.toMatchObject({
      kind: 'not-found',
      op: 'set sysctl',
      object: 'net/ipv6/conf/eni1/accept_ra=0',
      opIndex: 0,
    });
  });
});

describe('netns references', () => {
  it('paths under /run/netns become names (ip -n, no nsenter); others stay paths', () => {
    expect(netnsByPath('/var/run/netns/cni-1234')).toEqual({ kind: 'name', name: 'cni-1234' });
    expect(netnsByPath('/proc/42/ns/net')).toEqual({ kind: 'path', path: '/proc/42/ns/net' });
    expect(describeNetns(netnsByPath('/proc/42/ns/net'))).toBe('netns /proc/42/ns/net');
    expect(describeNetns(HOST_NETNS)).toBe('host netns');
    expect(() => netnsByName('a/b')).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
    expect(() => netnsByPath('relative/x')).toThrow(expect.objectContaining({ kind: 'invalid-argument' }));
  });
});
