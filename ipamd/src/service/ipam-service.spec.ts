import { MemoryCheckpoint, CheckpointWriter } from '../checkpoint';
import { Datastore } from '../datastore';
import { MemoryLogger, MemoryMetrics } from '../ports';
import { FakeClock } from '../testing';
import { IpamError } from './ipam-errors';
import { IpamService, type PoolStatusSource } from './ipam-service';

function rig(block?: ReturnType<PoolStatusSource['blockReason']>, maxPods = 110) {
  const clock = new FakeClock();
  const ds = new Datastore({ prefixMode: false, cooldownMs: 30_000 });
  ds.addEni({ id: 'eni-0', deviceNumber: 0, isPrimary: true, subnetId: 's', primaryIp: '10.0.0.10', createdAt: 0 });
  ds.addEni({ id: 'eni-1', deviceNumber: 2, isPrimary: false, subnetId: 's', primaryIp: '10.0.0.20', createdAt: 0 });
  ds.addCidr('eni-1', '10.0.0.21', false);
  const store = new MemoryCheckpoint();
  const writer = new CheckpointWriter(store, () => ds.allocations());
  let nudges = 0;
  const pool: PoolStatusSource = {
    blockReason: () => block,
    nudge: () => void nudges++,
    currentTargets: () => ({ maxPods }),
  };
  const metrics = new MemoryMetrics();
  const svc = new IpamService(ds, () => writer.commit(), pool, clock, metrics, new MemoryLogger(), 30);
  return { clock, ds, store, svc, metrics, nudges: () => nudges };
}
const key = { networkName: 'aws-cni', containerId: 'c1', ifName: 'eth0' };

describe('IpamService', () => {
  it('acknowledges ADD only after the checkpoint holds it; route table is device+1 on secondary ENIs', async () => {
    const r = rig();
    const g = await r.svc.add({ ...key, podName: 'p', podNamespace: 'ns' });
    expect(g).toMatchObject({ address: '10.0.0.21', deviceNumber: 2, routeTableId: 3 });
    expect(r.store.saved).toEqual([
      expect.objectContaining({ ipv4: '10.0.0.21', metadata: { k8sPodName: 'p', k8sPodNamespace: 'ns' } }),
    ]);
    expect((await r.svc.add(key)).address).toBe('10.0.0.21');
  });
  it('a failed checkpoint write fails the ADD and leaves nothing assigned', async () => {
    const r = rig();
    r.store.failNext();
    await expect(r.svc.add(key)).rejects.toMatchObject({
      kind: 'internal',
      message: expect.stringMatching(/could not persist.*nothing was assigned/),
    });
    expect(r.ds.lookup(key)).toBeUndefined();
    expect((await r.svc.add(key)).address).toBe('10.0.0.21');
  });
  it('a failed checkpoint write fails the DEL and keeps the assignment', async () => {
    const r = rig();
    await r.svc.add(key);
    r.store.failNext();
    await expect(r.svc.del(key)).rejects.toMatchObject({ kind: 'internal' });
    expect(r.ds.lookup(key)?.address).toBe('10.0.0.21');
    await r.svc.del(key, 'p', 'PodDeleted');
    expect(r.store.saved).toEqual([]);
    expect(r.metrics.get('awscni_add_ip_req_count')).toBe(1);
    expect(r.metrics.get('awscni_del_ip_req_count', { reason: '' })).toBe(1);
    expect(r.metrics.get('awscni_del_ip_req_count', { reason: 'PodDeleted' })).toBe(1);
    expect(r.metrics.get('awscni_ipamd_error_count', { fn: 'DelNetwork' })).toBe(1);
  });
  it.each([
    [{ ...key, containerId: '' }, /ContainerID is empty/],
    [{ ...key, ifName: '' }, /IfName is empty/],
    [{ ...key, networkName: '' }, /NetworkName is empty/],
    [{ ...key, containerId: 'a'.repeat(257) }, /ContainerID is 257 characters; at most 256/],
    [{ ...key, ifName: 'eth\n0' }, /IfName contains control characters/],
    [{ ...key, podName: 'x'.repeat(300) }, /K8S_POD_NAME is 300 characters/],
  ])('rejects bad input %#', async (req, re) => {
    const r = rig();
    await expect(r.svc.add(req)).rejects.toThrow(IpamError);
    await expect(r.svc.add(req)).rejects.toThrow(re);
  });
  it('DEL of an unknown pod says "datastore: unknown pod"', async () => {
    await expect(rig().svc.del(key)).rejects.toMatchObject({
      kind: 'unknown-pod',
      message: expect.stringMatching(/datastore: unknown pod/),
    });
  });
  it.each([
    [
      { reason: 'subnet-full', detail: 'subnet s-1 has no free IP addresses', retryInMs: 90_000 },
      /subnet full: subnet s-1 has no free IP addresses; ipamd retries in 90s/,
    ],
    [{ reason: 'eni-limit', detail: 'all 3 ENIs are attached and full' }, /ENI limit reached/],
    [
      { reason: 'throttled', detail: 'x', retryInMs: 2000 },
      /EC2 is throttling requests; ipamd is retrying with backoff; ipamd retries in 2s/,
    ],
    [{ reason: 'no-contiguous-cidr', detail: 'no /28', retryInMs: 1000 }, /prefix delegation needs a free \/28/],
  ])('explains an empty pool: %j', async (block, re) => {
    const r = rig(block);
    await r.svc.add({ ...key, containerId: 'first' });
    await expect(r.svc.add(key)).rejects.toMatchObject({ kind: 'no-address', message: expect.stringMatching(re) });
    expect(r.metrics.get('awscni_no_available_ip_addresses')).toBe(1);
    expect(r.nudges()).toBe(1);
  });
  it('explains cooling and max-pods', async () => {
    const r = rig();
    await r.svc.add({ ...key, containerId: 'a' });
    await r.svc.del({ ...key, containerId: 'a' });
    await r.clock.advance(10_000);
    await expect(r.svc.add(key)).rejects.toThrow(
      /all free addresses are cooling down \(IP_COOLDOWN_PERIOD=30s\); the next frees in 20s/,
    );
    const m = rig(undefined, 1);
    await m.svc.add({ ...key, containerId: 'a' });
    await expect(m.svc.add(key)).rejects.toThrow(/max-pods reached \(1\)/);
  });

  it('counts pods waiting for an address until served, deleted, or a minute old', async () => {
    const r = rig();
    await r.svc.add({ ...key, containerId: 'a' }); // takes the only address
    for (const c of ['w1', 'w2', 'w3']) await expect(r.svc.add({ ...key, containerId: c })).rejects.toThrow();
    await expect(r.svc.add({ ...key, containerId: 'w1' })).rejects.toThrow(); // a retry is the same pod
    expect(r.svc.waitingPods()).toBe(3);
    await expect(r.svc.del({ ...key, containerId: 'w2' })).rejects.toMatchObject({ kind: 'unknown-pod' });
    expect(r.svc.waitingPods()).toBe(2);
    r.ds.addCidr('eni-1', '10.0.0.22', false);
    await r.svc.add({ ...key, containerId: 'w1' });
    expect(r.svc.waitingPods()).toBe(1);
    await r.clock.advance(61_000);
    expect(r.svc.waitingPods()).toBe(0);
  });
});
