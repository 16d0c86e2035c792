/**
 * The bundled aws-cni spawned like a runtime would, for bad input and ipamd failures (no kernel changes: every case
 * fails before the plugin touches a namespace). A @grpc/grpc-js stand-in plays ipamd.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type PluginRun, runPlugin } from '@vpc-cni-ts/sdk/testing';

import { ensureAwsCniBundle } from './bundle';
import { StandInIpamd } from './stand-in-ipamd';

const dir = mkdtempSync(join(tmpdir(), 'vct-awscni-integ-'));
const socket = join(dir, 'ipamd.sock');
const logFile = join(dir, 'plugin.log');
const baseConf = {
  cniVersion: '0.4.0',
  name: 'aws-cni',
  type: 'aws-cni',
  vethPrefix: 'eni',
  mtu: '9001',
  podSGEnforcingMode: 'strict',
  pluginLogFile: logFile,
  pluginLogLevel: 'Debug',
  capabilities: { 'io.kubernetes.cri.pod-annotations': true },
};
// /proc/self/ns/net resolves to the plugin's own namespace: a live nsfs file that lets ADD reach the ipamd call.
const ENV = {
  containerId: 'ctr-1',
  netns: '/proc/self/ns/net',
  ifName: 'eth0',
  args: 'IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=nginx;K8S_POD_INFRA_CONTAINER_ID=ctr-1',
};
let bundle = '';

function expectCleanError(r: PluginRun, code: number, msg: RegExp): void {
  expect(r.exitCode).not.toBe(0);
  expect(r.error?.code).toBe(code);
  expect(r.error?.msg).toMatch(msg);
  // exactly one JSON object on stdout, never a stack trace
  expect(r.stdout.trim().split('\n')).toHaveLength(1);
  expect(r.stdout).not.toMatch(/\n\s+at |Error: .*\n/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  bundle = ensureAwsCniBundle();
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aws-cni bundle: VERSION and about', () => {
  it('supports every spec version', async () => {
    const r = await runPlugin(bundle, { command: 'VERSION' });
    expect(r.exitCode).toBe(0);
    expect(r.json).toEqual({
      cniVersion: '1.1.0',
      supportedVersions: ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'],
    });
  });
});

describe('aws-cni bundle: invalid config, each field', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['vethPrefix too long', { vethPrefix: 'abcde' }, /vethPrefix "abcde" is longer than 4/],
    ['vethPrefix eth', { vethPrefix: 'eth' }, /vethPrefix "eth" is reserved/],
    ['vethPrefix lo', { vethPrefix: 'lo' }, /vethPrefix "lo" is reserved/],
    ['vethPrefix vlan', { vethPrefix: 'vlan' }, /vethPrefix "vlan" is reserved/],
    ['mtu below 576', { mtu: '575' }, /mtu 575 is outside 576..9001/],
    ['mtu above 9001', { mtu: 9002 }, /mtu 9002 is outside 576..9001/],
    ['mtu not a number', { mtu: 'big' }, /mtu "big" is not an integer/],
    [
      'podSGEnforcingMode',
      { podSGEnforcingMode: 'relaxed' },
      /podSGEnforcingMode "relaxed" must be "strict" or "standard"/,
    ],
    ['pluginLogFile stdout', { pluginLogFile: 'stdout' }, /pluginLogFile must not be stdout/],
    ['pluginLogFile relative', { pluginLogFile: 'x.log' }, /pluginLogFile "x.log" must be an absolute path/],
    ['pluginLogLevel', { pluginLogLevel: 'loud' }, /pluginLogLevel "loud" must be one of/],
    ['runtimeConfig', { runtimeConfig: 5 }, /runtimeConfig must be an object/],
  ])('%s -> code 7 naming the field', async (_l, over, msg) => {
    const r = await runPlugin(bundle, { ...ENV, stdin: { ...baseConf, ...over }, env: { IPAMD_SOCKET_PATH: socket } });
    expectCleanError(r, 7, msg);
  });
  it('missing name -> code 7 from the SDK', async () => {
    const noName: Record<string, unknown> = { ...baseConf };
    delete noName.name;
    expectCleanError(await runPlugin(bundle, { ...ENV, stdin: noName }), 7, /name/);
  });
  it('truncated JSON -> code 6', async () => {
    expectCleanError(await runPlugin(bundle, { ...ENV, stdin: '{"cniVersion":"0.4.0",' }), 6, /not valid JSON/);
  });
  it('unsupported version -> code 1', async () => {
    expectCleanError(
      await runPlugin(bundle, { ...ENV, stdin: { ...baseConf, cniVersion: '9.9.9' } }),
      1,
      /incompatible CNI versions/,
    );
  });
});

describe('aws-cni bundle: environment', () => {
  it('ADD without CNI_NETNS -> code 4', async () => {
    const r = await runPlugin(bundle, {
      ...ENV,
      netns: undefined,
      stdin: baseConf,
      env: { IPAMD_SOCKET_PATH: socket },
    });
    expectCleanError(r, 4, /CNI_NETNS/);
  });
  it('ADD with a CNI_NETNS that is not a namespace -> code 4, ipamd never asked', async () => {
    const r = await runPlugin(bundle, {
      ...ENV,
      netns: join(dir, 'nope'),
      stdin: baseConf,
      env: { IPAMD_SOCKET_PATH: socket },
    });
    expectCleanError(r, 4, /is not a network namespace/);
  });
});

describe('aws-cni bundle: ipamd failures on ADD', () => {
  it('unreachable ipamd -> code 11 saying ipamd is not answering on its socket path', async () => {
    const r = await runPlugin(bundle, {
      ...ENV,
      stdin: baseConf,
      env: { IPAMD_SOCKET_PATH: join(dir, 'absent.sock') },
    });
    expectCleanError(r, 11, new RegExp(`ipamd is not answering on its socket ${join(dir, 'absent.sock')}`));
  });

  describe('with a stand-in ipamd', () => {
    const server = new StandInIpamd({ socketPath: socket, pool: [] });
    beforeAll(() => server.start());
    afterAll(() => server.stop());

    it('Success=false with a reason -> code 11, reason in the message', async () => {
      server.behaviour = 'no-address';
      const r = await runPlugin(bundle, { ...ENV, stdin: baseConf, env: { IPAMD_SOCKET_PATH: socket } });
      expectCleanError(
        r,
        11,
        /ipamd could not assign an IP address to pod default\/nginx: no available IP\/Prefix addresses/,
      );
      expect(server.calls.at(-1)?.request).toMatchObject({
        NetworkName: 'aws-cni',
        ContainerID: 'ctr-1',
        IfName: 'eth0',
        K8S_POD_NAME: 'nginx',
      });
    });
    it('gRPC RESOURCE_EXHAUSTED (what ipamd sends when it has no address) -> code 11, message kept', async () => {
      server.behaviour = 'grpc-error';
      const r = await runPlugin(bundle, { ...ENV, stdin: baseConf, env: { IPAMD_SOCKET_PATH: socket } });
      expectCleanError(r, 11, /no available IP\/Prefix addresses/);
    });
    it('empty pool -> Success=false -> reason reaches the error', async () => {
      server.behaviour = 'normal';
      const r = await runPlugin(bundle, { ...ENV, stdin: baseConf, env: { IPAMD_SOCKET_PATH: socket } });
      expectCleanError(r, 11, /no available IP/);
    });
    it('logs to pluginLogFile, not stdout', () => {
      const log = readFileSync(logFile, 'utf8');
      expect(log).toMatch(/"msg":"ipamd refused to assign an address"/);
      for (const line of log.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    });
  });
});

describe('aws-cni bundle: DEL without ipamd', () => {
  it('succeeds with no prevResult, no netns and nothing listening (nothing to do)', async () => {
    const r = await runPlugin(bundle, {
      ...ENV,
      command: 'DEL',
      netns: undefined,
      stdin: { ...baseConf, vethPrefix: 'tst' },
      env: { IPAMD_SOCKET_PATH: join(dir, 'absent.sock') },
    });
    expect(r.stdout).toBe('');
    expect(r.exitCode).toBe(0);
  });
});
