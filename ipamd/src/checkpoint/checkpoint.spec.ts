import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CheckpointWriter, FileCheckpoint, MemoryCheckpoint } from './checkpoint-store';
import { CheckpointError, decodeCheckpoint, encodeCheckpoint } from './format';

const rec = (c: string, ip: string, ts = '1700000000123456789') => ({
  key: { networkName: 'aws-cni', containerId: c, ifName: 'eth0' },
  ipv4: ip,
  allocationTimestampNs: ts,
  metadata: { k8sPodNamespace: 'default', k8sPodName: `pod-${c}` },
});

describe('checkpoint format', () => {
  it("writes upstream's exact layout with an exact nanosecond timestamp", () => {
    expect(encodeCheckpoint([rec('abc', '10.0.0.5')])).toBe(
      '{"version":"vpc-cni-ipam/1","allocations":[{"networkName":"aws-cni","containerID":"abc","ifName":"eth0","ipv4":"10.0.0.5","allocationTimestamp":1700000000123456789,"metadata":{"k8sPodNamespace":"default","k8sPodName":"pod-abc"}}]}',
    );
    expect(encodeCheckpoint([])).toBe('{"version":"vpc-cni-ipam/1","allocations":[]}');
  });
  it('round-trips, keeping timestamps exact', () => {
    const a = [rec('a', '10.0.0.5'), { ...rec('b', '10.0.0.6', '1'), metadata: { interfacesCount: 2 } }];
    expect(decodeCheckpoint('/x', encodeCheckpoint(a))).toEqual(a);
  });
  it('reads a file written by upstream (whitespace, null allocations, IPv6 entries)', () => {
    const up = `{ "version": "vpc-cni-ipam/1", "allocations": [
      {"networkName":"aws-cni","containerID":"c1","ifName":"eth0","ipv4":"192.168.1.2","allocationTimestamp": 1712345678901234567,"metadata":{"k8sPodNamespace":"kube-system","k8sPodName":"coredns-1"}},
      {"networkName":"aws-cni","containerID":"c2","ifName":"eth0","ipv6":"2001:db8::5","allocationTimestamp":1,"metadata":{}}]}`;
    expect(decodeCheckpoint('/x', up)).toEqual([
      {
        key: { networkName: 'aws-cni', containerId: 'c1', ifName: 'eth0' },
        ipv4: '192.168.1.2',
        allocationTimestampNs: '1712345678901234567',
        metadata: { k8sPodNamespace: 'kube-system', k8sPodName: 'coredns-1' },
      },
      {
        key: { networkName: 'aws-cni', containerId: 'c2', ifName: 'eth0' },
        ipv4: '',
        ipv6: '2001:db8::5',
        allocationTimestampNs: '1',
        metadata: {},
      },
    ]);
    expect(decodeCheckpoint('/x', '{"version":"vpc-cni-ipam/1","allocations":null}')).toEqual([]);
    // Written back in upstream's layout: ipv4 omitted when empty.
    expect(encodeCheckpoint(decodeCheckpoint('/x', up).slice(1))).toBe(
      '{"version":"vpc-cni-ipam/1","allocations":[{"networkName":"aws-cni","containerID":"c2","ifName":"eth0","ipv6":"2001:db8::5","allocationTimestamp":1,"metadata":{}}]}',
    );
  });
  it.each([
    ['{"version":"vpc-cni-ipam/2","allocations":[]}', /unknown version "vpc-cni-ipam\/2"/],
    ['{"allocations":[]}', /unknown version undefined/],
    ['{"version":"vpc-cni-ipam/1","allocations":[', /not valid JSON/],
    ['', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"version":"vpc-cni-ipam/1","allocations":{}}', /"allocations" is not an array/],
    [
      '{"version":"vpc-cni-ipam/1","allocations":[{"containerID":"a","ifName":"eth0","ipv4":"10.0.0.1"}]}',
      /"networkName" missing/,
    ],
  ])('rejects %s', (text, re) => {
    expect(() => decodeCheckpoint('/var/run/aws-node/ipam.json', text)).toThrow(CheckpointError);
    expect(() => decodeCheckpoint('/var/run/aws-node/ipam.json', text)).toThrow(re);
  });
});

describe('FileCheckpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vct-ipamd-ckpt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('a missing file is a fresh node', async () => {
    expect(await new FileCheckpoint(join(dir, 'none', 'ipam.json')).load()).toBeUndefined();
  });
  it('saves atomically (no temp files left) and loads back', async () => {
    const p = join(dir, 'sub', 'ipam.json');
    const c = new FileCheckpoint(p);
    await c.save([rec('a', '10.0.0.5')]);
    await c.save([rec('a', '10.0.0.5'), rec('b', '10.0.0.6')]);
    expect(await c.load()).toHaveLength(2);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['ipam.json']);
    expect(statSync(p).mode & 0o777).toBe(0o644);
  });
  it('an unknown version stops start-up and leaves the file untouched', async () => {
    const p = join(dir, 'bad.json');
    const text = '{"version":"vpc-cni-ipam/9","allocations":[]}';
    writeFileSync(p, text);
    await expect(new FileCheckpoint(p).load()).rejects.toThrow(/unknown version.*refusing to start.*left untouched/s);
    expect(readFileSync(p, 'utf8')).toBe(text);
  });
});

describe('CheckpointWriter (group commit)', () => {
  it('every commit resolves after a save that contains its mutation', async () => {
    const store = new MemoryCheckpoint();
    const state: ReturnType<typeof rec>[] = [];
    const w = new CheckpointWriter(store, () => [...state]);
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      state.push(rec(`c${i}`, `10.0.0.${i + 1}`));
      const n = state.length;
      waits.push(w.commit().then(() => expect(store.saved!.length).toBeGreaterThanOrEqual(n)));
    }
    await Promise.all(waits);
    expect(store.saved).toHaveLength(50);
    expect(store.saves).toBeLessThan(50);
  });
  it('a failed save rejects the callers of that batch; the next commit writes again', async () => {
    const store = new MemoryCheckpoint();
    const w = new CheckpointWriter(store, () => [rec('a', '10.0.0.1')]);
    store.failNext();
    await expect(w.commit()).rejects.toThrow(/ENOSPC/);
    await expect(w.commit()).resolves.toBeUndefined();
    expect(store.saved).toHaveLength(1);
  });
});
