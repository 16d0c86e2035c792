import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { IpRoute2Kernel, netnsByName } from '@vpc-cni-ts/sdk/kernel';

import { KernelEniNetwork } from './eni-network';

// A namespace plays the node; a veth end with the ENI's MAC plays the attached ENI (this kernel has no dummy links).
const isRoot = process.getuid?.() === 0;
const d = isRoot ? describe : describe.skip;
if (!isRoot) console.warn('ENI link privileged tests skipped: need root');

const inNs = (ns: string, args: string[]): string =>
  execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });

d('secondary ENI links on a namespace playing the node', () => {
  const tag = randomBytes(3).toString('hex');
  const node = `vct-eni-node-${tag}`;
  const vpc = `vct-eni-vpc-${tag}`;
  const mac = '02:99:00:00:00:02';
  const spec = { eniId: 'eni-0123', mac, deviceNumber: 2, primaryIp: '10.99.33.4', subnetCidr: '10.99.32.0/19' };
  const kernel = new IpRoute2Kernel();
  const eni = new KernelEniNetwork(kernel, netnsByName(node), { mtu: 9001, findAttempts: 3, findIntervalMs: 50 });

  beforeAll(() => {
    for (const ns of [node, vpc]) execFileSync('ip', ['netns', 'add', ns]);
    execFileSync('ip', [
      '-n',
      node,
      'link',
      'add',
      'ens6',
      'address',
      mac,
      'type',
      'veth',
      'peer',
      'name',
      'vpc0',
      'netns',
      vpc,
    ]);
    // a stale address from an earlier life of the link
    inNs(node, ['ip', 'addr', 'add', '10.99.200.9/24', 'dev', 'ens6']);
  });
  afterAll(() => {
    for (const ns of [node, vpc]) spawnSync('ip', ['netns', 'del', ns]);
  });

  it('sets MTU, the primary address, the ENI table, the 32765 rule, and removes the connected route from main', async () => {
    await eni.setupEni(spec);
    const link = JSON.parse(inNs(node, ['ip', '-j', 'link', 'show', 'ens6']))[0];
    expect(link.mtu).toBe(9001);
    expect(link.flags).toContain('UP');
    expect(inNs(node, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'ens6'])).toMatch(/inet 10\.99\.33\.4\/19/);
    expect(inNs(node, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'ens6'])).not.toContain('10.99.200.9');
    const table = inNs(node, ['ip', 'route', 'show', 'table', '3']);
    expect(table).toContain('default via 10.99.32.1 dev ens6');
    expect(table).toContain('10.99.32.1 dev ens6 scope link');
    expect(inNs(node, ['ip', 'route', 'show', 'table', 'main'])).not.toContain('10.99.32.0/19');
    expect(inNs(node, ['ip', 'rule'])).toMatch(/32765:\s+from 10\.99\.33\.4 lookup 3/);
  });

  it('is idempotent: a second set-up leaves one rule and the same routes', async () => {
    await eni.setupEni(spec);
    expect(inNs(node, ['ip', 'rule']).match(/from 10\.99\.33\.4 lookup 3/g)).toHaveLength(1);
  });

  it('tears down rules and table routes when the ENI is freed', async () => {
    await eni.teardownEni(spec);
    expect(inNs(node, ['ip', 'rule'])).not.toContain('10.99.33.4');
    expect(inNs(node, ['ip', 'route', 'show', 'table', '3']).trim()).toBe('');
  });

  it('says clearly when no link carries the MAC', async () => {
    await expect(eni.setupEni({ ...spec, mac: '02:99:00:00:00:ff' })).rejects.toThrow(
      /no link with MAC 02:99:00:00:00:ff/,
    );
  });
});
