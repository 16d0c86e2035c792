// SPDX-License-Identifier: Apache-2.0
import { readEntrypointConfig } from '../config';
import { defaultValidators } from '../generate';
import { MemoryLogger } from '../log';
import { FakeDaemon, FakeInstaller, FakeNodeMetadata, MemorySink } from '../testing/fakes';
import { Entrypoint } from './entrypoint';

const PLUGINS = ['aws-cni', 'egress-cni', 'bandwidth-shim', 'tuning-shim'];

function setup(
  env: Record<string, string> = {},
  imds: { localIpv4?: string; ipv6?: string } = {},
  validators = defaultValidators(),
) {
  const cfg = readEntrypointConfig({ HOST_CNI_BIN_PATH: '/bin', ...env }, '/app');
  const installer = new FakeInstaller();
  for (const n of PLUGINS) installer.addFile('/app', n);
  const daemon = new FakeDaemon();
  const sink = new MemorySink();
  const metadata = new FakeNodeMetadata(imds);
  const log = new MemoryLogger();
  const ep = new Entrypoint(cfg, installer, daemon, daemon, metadata, validators, sink, log);
  ep.waitOptions = { retryMs: 1 };
  return { ep, installer, daemon, sink, metadata, log };
}

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Entrypoint', () => {
  it('installs the plugins, writes the conflist only once ipamd serves, then returns ipamd exit code', async () => {
    const { ep, installer, daemon, sink } = setup();
    const done = ep.run();
    await tick(20);
    expect([...installer.dirs.get('/bin')!.keys()].sort()).toEqual([...PLUGINS].sort());
    expect(daemon.started).toBe(1);
    expect(daemon.checks).toBeGreaterThan(1);
    daemon.status = 'NOT_SERVING';
    await tick(20);
    expect(sink.written).toHaveLength(0);
    daemon.status = 'SERVING';
    await tick(20);
    expect(sink.written).toHaveLength(1);
    expect(sink.written[0].plugins[0]).toMatchObject({ type: 'aws-cni', mtu: '9001' });
    daemon.exitWith(3);
    await expect(done).resolves.toBe(3);
  });

  it('forwards SIGTERM to ipamd and exits with its code', async () => {
    const { ep, daemon } = setup();
    daemon.onStart = (d) => (d.status = 'SERVING');
    const done = ep.run();
    await tick(20);
    ep.stop('SIGTERM');
    await expect(done).resolves.toBe(143);
    expect(daemon.signals).toEqual(['SIGTERM']);
  });

  it('on SIGTERM before ipamd serves, writes nothing and exits with ipamd code', async () => {
    const { ep, daemon, sink } = setup();
    daemon.termCode = 0;
    const done = ep.run();
    await tick(10);
    ep.stop('SIGTERM');
    await expect(done).resolves.toBe(0);
    expect(daemon.signals).toEqual(['SIGTERM']);
    expect(sink.written).toEqual([]);
  });

  it('writes nothing when ipamd exits before serving', async () => {
    const { ep, daemon, sink, log } = setup();
    const done = ep.run();
    await tick(10);
    daemon.exitWith(2);
    await expect(done).resolves.toBe(2);
    expect(sink.written).toEqual([]);
    expect(log.lines.some((l) => l.level === 'error' && /before it served/.test(l.msg))).toBe(true);
  });

  it('asks IMDS only for what the conflist needs', async () => {
    const v4 = setup();
    v4.daemon.onStart = (d) => (d.status = 'SERVING');
    const d1 = v4.ep.run();
    await tick(20);
    v4.daemon.exitWith(0);
    await d1;
    expect(v4.metadata.asked).toEqual([]);

    const v6 = setup(
      { ENABLE_IPv6: 'true', ENABLE_PREFIX_DELEGATION: 'true', WARM_PREFIX_TARGET: '1' },
      { localIpv4: '10.0.0.5' },
    );
    v6.daemon.onStart = (d) => (d.status = 'SERVING');
    const d2 = v6.ep.run();
    await tick(20);
    v6.daemon.exitWith(0);
    await d2;
    expect(v6.metadata.asked).toEqual(['local-ipv4']);
    expect(v6.sink.written[0].plugins[1]).toMatchObject({ enabled: 'true', nodeIP: '10.0.0.5' });
  });

  it('stops ipamd and fails when the conflist cannot be built (IPv6 node without IPv4)', async () => {
    const { ep, daemon, sink } = setup({ ENABLE_IPv6: 'true' });
    daemon.onStart = (d) => (d.status = 'SERVING');
    await expect(ep.run()).resolves.toBe(1);
    expect(daemon.signals).toEqual(['SIGTERM']);
    expect(sink.written).toEqual([]);
  });

  it('refuses to write a conflist that a plugin schema rejects', async () => {
    const { ep, daemon, sink, log } = setup({}, {}, { ...defaultValidators(), 'aws-cni': () => ['mtu too big'] });
    daemon.onStart = (d) => (d.status = 'SERVING');
    await expect(ep.run()).resolves.toBe(1);
    expect(sink.written).toEqual([]);
    expect(log.lines.find((l) => l.level === 'error')?.fields).toEqual({
      error: expect.stringContaining('plugins[0] (aws-cni): mtu too big'),
    });
  });
});
