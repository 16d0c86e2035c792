// SPDX-License-Identifier: Apache-2.0
import { readInitConfig } from '../config';
import { MemoryLogger } from '../log';
import { FakeHostLinks, FakeInstaller, FakeNodeMetadata, MemorySysctl } from '../testing/fakes';
import { InitStep, PrimaryInterfaceError } from './init-step';

const MAC = '0a:1b:2c:3d:4e:5f';

function setup(env: Record<string, string>, sysctls: Record<string, string>, mac = MAC) {
  const cfg = readInitConfig({ HOST_CNI_BIN_PATH: '/bin', ...env }, '/init');
  const installer = new FakeInstaller();
  for (const n of ['aws-vpc-cni-init', 'portmap', 'loopback', 'host-local']) installer.addFile('/init', n);
  const sysctl = new MemorySysctl(sysctls);
  const step = new InitStep(
    cfg,
    installer,
    new FakeNodeMetadata({ mac }),
    new FakeHostLinks({ [MAC]: 'ens5' }),
    sysctl,
    new MemoryLogger(),
  );
  return { step, installer, sysctl };
}

describe('InitStep', () => {
  it('installs everything but itself and sets rp_filter and early demux on the primary interface', async () => {
    const { step, installer, sysctl } = setup(
      {},
      { 'net/ipv4/conf/ens5/rp_filter': '1', 'net/ipv4/tcp_early_demux': '0' },
    );
    await step.run();
    expect([...installer.dirs.get('/bin')!.keys()].sort()).toEqual(['host-local', 'loopback', 'portmap']);
    expect(Object.fromEntries(sysctl.values)).toEqual({
      'net/ipv4/conf/ens5/rp_filter': '2',
      'net/ipv4/tcp_early_demux': '1',
    });
  });

  it('skips tcp_early_demux where the kernel lacks it and honours DISABLE_TCP_EARLY_DEMUX where it has it', async () => {
    const a = setup({ DISABLE_TCP_EARLY_DEMUX: 'true' }, { 'net/ipv4/conf/ens5/rp_filter': '1' });
    await a.step.run();
    expect(a.sysctl.values.has('net/ipv4/tcp_early_demux')).toBe(false);
    const b = setup(
      { DISABLE_TCP_EARLY_DEMUX: 'true' },
      { 'net/ipv4/conf/ens5/rp_filter': '1', 'net/ipv4/tcp_early_demux': '1' },
    );
    await b.step.run();
    expect(b.sysctl.values.get('net/ipv4/tcp_early_demux')).toBe('0');
  });

  it('sets the IPv6 sysctls for an IPv6 cluster', async () => {
    const { step, sysctl } = setup(
      { ENABLE_IPv6: 'true' },
      {
        'net/ipv4/conf/ens5/rp_filter': '1',
        'net/ipv6/conf/all/disable_ipv6': '1',
        'net/ipv6/conf/all/forwarding': '0',
        'net/ipv6/conf/ens5/accept_ra': '1',
      },
    );
    await step.run();
    expect(Object.fromEntries(sysctl.values)).toMatchObject({
      'net/ipv6/conf/all/disable_ipv6': '0',
      'net/ipv6/conf/all/forwarding': '1',
      'net/ipv6/conf/ens5/accept_ra': '2',
    });
  });

  it('fails, naming the MAC, when no link has the primary MAC', async () => {
    const { step } = setup({}, {}, '02:00:00:00:00:99');
    await expect(step.run()).rejects.toThrow(
      new PrimaryInterfaceError("no link has the primary ENI's MAC address 02:00:00:00:00:99"),
    );
  });
});
