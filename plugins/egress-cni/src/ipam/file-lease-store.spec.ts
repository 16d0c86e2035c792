import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { formatIp } from '@vpc-cni-ts/sdk/kernel';

import { parseEgressConfig } from '../config/egress-config';
import { FileLeaseStore } from './file-lease-store';

const range = parseEgressConfig({
  cniVersion: '0.4.0',
  name: 'n',
  ipam: { ranges: [[{ subnet: '169.254.172.0/22' }]] },
}).range;

describe('FileLeaseStore (host-local on-disk layout)', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'vct-lease-')), 'aws-cni');
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  it('writes one file per address with "id\\r\\nifname", last_reserved_ip.0 and lock', async () => {
    const s = new FileLeaseStore(dir);
    expect(formatIp(await s.acquire('ctr-1', 'v4if0', range))).toBe('169.254.172.2');
    expect(readFileSync(join(dir, '169.254.172.2'), 'utf8')).toBe('ctr-1\r\nv4if0');
    expect(readFileSync(join(dir, 'last_reserved_ip.0'), 'utf8')).toBe('169.254.172.2');
    expect(readdirSync(dir).sort()).toEqual(['169.254.172.2', 'last_reserved_ip.0', 'lock']);
  });

  it('is idempotent per (container, interface) and round-robins across containers', async () => {
    const s = new FileLeaseStore(dir);
    await s.acquire('a', 'v4if0', range);
    expect(formatIp(await s.acquire('a', 'v4if0', range))).toBe('169.254.172.2');
    expect(formatIp(await s.acquire('b', 'v4if0', range))).toBe('169.254.172.3');
    await s.release('a', 'v4if0');
    expect(formatIp(await s.acquire('c', 'v4if0', range))).toBe('169.254.172.4');
  });

  it('reads leases written by host-local (either line ending) and releases them', async () => {
    const s = new FileLeaseStore(dir);
    await s.acquire('x', 'v4if0', range);
    writeFileSync(join(dir, '169.254.172.9'), 'go-ctr\nv4if0');
    writeFileSync(join(dir, 'last_reserved_ip.0'), '169.254.172.9');
    expect((await s.find('go-ctr', 'v4if0')).map(formatIp)).toEqual(['169.254.172.9']);
    expect(formatIp(await s.acquire('y', 'v4if0', range))).toBe('169.254.172.10');
    expect((await s.release('go-ctr', 'v4if0')).map(formatIp)).toEqual(['169.254.172.9']);
    expect(await s.find('go-ctr', 'v4if0')).toEqual([]);
  });

  it('release of an unknown container or a missing directory is a no-op', async () => {
    expect(await new FileLeaseStore(join(dir, 'nope')).release('a', 'v4if0')).toEqual([]);
  });

  it('serialises concurrent acquisitions (no address handed out twice)', async () => {
    const s = new FileLeaseStore(dir);
    const ips = await Promise.all(Array.from({ length: 12 }, (_, i) => s.acquire(`c${i}`, 'v4if0', range)));
    expect(new Set(ips.map(formatIp)).size).toBe(12);
  });

  it('breaks a lock left by a dead process', async () => {
    const s = new FileLeaseStore(dir, 2000);
    await s.acquire('a', 'v4if0', range);
    writeFileSync(join(dir, '.vct-egress.lock'), '2147483646');
    expect(formatIp(await s.acquire('b', 'v4if0', range))).toBe('169.254.172.3');
  });
});
