// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CniError } from '../errors/cni-error';
import { ChainExecutor, type RuntimeConf } from './chain-executor';
import { parseConflist } from './conflist';
import { type ExecOutput, type PluginExec, type PluginFinder } from './plugin-exec';
import { buildPluginConfig } from './request-config';

interface Call {
  type: string;
  command: string;
  conf: Record<string, unknown>;
  env: Record<string, string>;
}

/** A stateful fake of plugin executables: each type appends itself to prevResult.interfaces on ADD. */
class FakePlugins implements PluginExec, PluginFinder {
  calls: Call[] = [];
  failures = new Map<string, ExecOutput>();
  async find(type: string): Promise<string> {
    if (type === 'missing') throw new CniError(7, `failed to find plugin "${type}" in path [/fake]`);
    return `/fake/${type}`;
  }
  async exec(path: string, env: Readonly<Record<string, string>>, stdin: string): Promise<ExecOutput> {
    const type = path.split('/').pop() as string;
    const conf = JSON.parse(stdin) as Record<string, unknown>;
    this.calls.push({ type, command: env.CNI_COMMAND, conf, env: { ...env } });
    const fail = this.failures.get(`${type}:${env.CNI_COMMAND}`);
    if (fail) return fail;
    if (env.CNI_COMMAND === 'VERSION')
      return { stdout: JSON.stringify({ cniVersion: '1.1.0', supportedVersions: ['1.0.0'] }), stderr: '', code: 0 };
    if (env.CNI_COMMAND !== 'ADD') return { stdout: '', stderr: '', code: 0 };
    const prev = (conf.prevResult as { interfaces?: unknown[]; ips?: unknown[] }) ?? {
      ips: [{ address: '10.99.0.2/24' }],
    };
    const result = { ...prev, cniVersion: conf.cniVersion, interfaces: [...(prev.interfaces ?? []), { name: type }] };
    return { stdout: JSON.stringify(result), stderr: 'logs go here', code: 0 };
  }
  commands(): string[] {
    return this.calls.map((c) => `${c.type}:${c.command}`);
  }
}

const LIST = parseConflist({
  cniVersion: '1.1.0',
  name: 'vct-net',
  plugins: [
    { type: 'main', capabilities: { portMappings: true }, mtu: 9001 },
    { type: 'shaper', capabilities: { bandwidth: true, mac: false } },
    { type: 'static', runtimeConfig: { bandWidth: { ingressRate: 1 } } },
  ],
});
const RT: RuntimeConf = {
  containerId: 'ctr1',
  netns: '/run/netns/vct',
  ifName: 'eth0',
  args: [
    ['IgnoreUnknown', '1'],
    ['K8S_POD_NAME', 'web'],
  ],
  capabilityArgs: { portMappings: [{ hostPort: 80, containerPort: 8080 }], bandwidth: { ingressRate: 8 }, mac: 'x' },
};

describe('ChainExecutor', () => {
  let dir: string;
  let fake: FakePlugins;
  let chain: ChainExecutor;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vct-sdk-chain-'));
    fake = new FakePlugins();
    chain = new ChainExecutor({
      binDirs: ['/fake', '/other'],
      cacheDir: dir,
      exec: fake,
      finder: fake,
      baseEnv: { PATH: '/bin', HOME: undefined },
    });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('ADD runs in order, threads prevResult, injects name/version/runtimeConfig, caches the final result', async () => {
    const result = await chain.add(LIST, RT);
    expect(fake.commands()).toEqual(['main:ADD', 'shaper:ADD', 'static:ADD']);
    expect(result).toEqual({
      cniVersion: '1.1.0',
      ips: [{ address: '10.99.0.2/24' }],
      interfaces: [{ name: 'main' }, { name: 'shaper' }, { name: 'static' }],
    });
    const [a, b, c] = fake.calls;
    expect(a.conf).toEqual({
      type: 'main',
      capabilities: { portMappings: true },
      mtu: 9001,
      name: 'vct-net',
      cniVersion: '1.1.0',
      runtimeConfig: { portMappings: [{ hostPort: 80, containerPort: 8080 }] },
    });
    expect(b.conf.runtimeConfig).toEqual({ bandwidth: { ingressRate: 8 } });
    expect((b.conf.prevResult as { interfaces: unknown[] }).interfaces).toEqual([{ name: 'main' }]);
    expect(c.conf.runtimeConfig).toEqual({ bandWidth: { ingressRate: 1 } }); // static passes through
    expect(a.env).toEqual({
      PATH: '/bin',
      CNI_COMMAND: 'ADD',
      CNI_CONTAINERID: 'ctr1',
      CNI_NETNS: '/run/netns/vct',
      CNI_IFNAME: 'eth0',
      CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web',
      CNI_PATH: '/fake:/other',
    });
    const file = join(dir, 'results', 'vct-net-ctr1-eth0');
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    expect(cached).toMatchObject({
      kind: 'cniCacheV1',
      containerId: 'ctr1',
      ifName: 'eth0',
      networkName: 'vct-net',
      netns: '/run/netns/vct',
      cniArgs: [
        ['IgnoreUnknown', '1'],
        ['K8S_POD_NAME', 'web'],
      ],
    });
    expect(JSON.parse(Buffer.from(cached.config, 'base64').toString())).toMatchObject({ name: 'vct-net' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await chain.cachedResult(LIST, RT)).toEqual(result);
  });

  it('CHECK runs forward with the cached result; DEL runs in reverse then drops the cache; a second DEL has no prevResult', async () => {
    await chain.add(LIST, RT);
    fake.calls = [];
    await chain.check(LIST, RT);
    await chain.del(LIST, RT);
    expect(fake.commands()).toEqual([
      'main:CHECK',
      'shaper:CHECK',
      'static:CHECK',
      'static:DEL',
      'shaper:DEL',
      'main:DEL',
    ]);
    for (const c of fake.calls) expect((c.conf.prevResult as { interfaces: unknown[] }).interfaces).toHaveLength(3);
    expect(await chain.cachedResult(LIST, RT)).toBeUndefined();
    fake.calls = [];
    await chain.del(LIST, RT);
    expect(fake.calls.every((c) => c.conf.prevResult === undefined)).toBe(true);
  });

  it('a failing plugin is named, keeps its code, and nothing is cached', async () => {
    fake.failures.set('shaper:ADD', {
      stdout: JSON.stringify({ code: 11, msg: 'try later', details: 'd' }),
      stderr: '',
      code: 1,
    });
    await expect(chain.add(LIST, RT)).rejects.toMatchObject({
      code: 11,
      message: 'plugin 1:shaper failed (add): try later',
      details: 'd',
    });
    expect(fake.commands()).toEqual(['main:ADD', 'shaper:ADD']);
    expect(await chain.cachedResult(LIST, RT)).toBeUndefined();
  });

  it('a plugin crashing without JSON gives its stderr; a missing plugin is named', async () => {
    fake.failures.set('main:ADD', { stdout: '', stderr: 'segfault\n', code: 2 });
    await expect(chain.add(LIST, RT)).rejects.toMatchObject({
      code: 999,
      message: expect.stringMatching(/plugin 0:main failed \(add\): netplugin failed with exit code 2: segfault/),
    });
    const bad = parseConflist({ cniVersion: '1.0.0', name: 'n', plugins: [{ type: 'missing' }] });
    await expect(chain.add(bad, RT)).rejects.toThrow(
      /plugin 0:missing failed \(add\): failed to find plugin "missing"/,
    );
  });

  it('refuses invalid attachment identifiers before running anything', async () => {
    await expect(chain.add(LIST, { ...RT, ifName: 'way-too-long-ifname' })).rejects.toMatchObject({ code: 4 });
    await expect(chain.add(LIST, { ...RT, containerId: '' })).rejects.toMatchObject({ code: 3 });
    expect(fake.calls).toHaveLength(0);
  });

  it('CHECK: error below 0.4.0, no-op with disableCheck; DEL below 0.4.0 sends no prevResult', async () => {
    const old = parseConflist({ cniVersion: '0.3.1', name: 'n', plugins: [{ type: 'main' }] });
    await expect(chain.check(old, RT)).rejects.toMatchObject({ code: 1 });
    await chain.add(old, RT);
    await chain.del(old, RT);
    expect(fake.calls[1].conf.prevResult).toBeUndefined();
    const off = parseConflist({ cniVersion: '1.0.0', name: 'n', disableCheck: 'true', plugins: [{ type: 'main' }] });
    fake.calls = [];
    await chain.check(off, RT);
    expect(fake.calls).toHaveLength(0);
  });

  it('STATUS keeps the plugin code (50) and is a no-op before 1.1.0', async () => {
    fake.failures.set('shaper:STATUS', { stdout: JSON.stringify({ code: 50, msg: 'not ready' }), stderr: '', code: 1 });
    await expect(chain.status(LIST)).rejects.toMatchObject({
      code: 50,
      message: expect.stringContaining('plugin 1:shaper'),
    });
    fake.calls = [];
    await chain.status(parseConflist({ cniVersion: '1.0.0', name: 'n', plugins: [{ type: 'shaper' }] }));
    expect(fake.calls).toHaveLength(0);
  });

  it('GC DELs stale cached attachments only, then sends GC with the valid list to every plugin, collecting errors', async () => {
    await chain.add(LIST, RT);
    await chain.add(LIST, { ...RT, containerId: 'ctr2' });
    fake.calls = [];
    fake.failures.set('static:GC', { stdout: JSON.stringify({ code: 999, msg: 'gc broke' }), stderr: '', code: 1 });
    const valid = [{ containerID: 'ctr1', ifname: 'eth0' }];
    await expect(chain.gc(LIST, { validAttachments: valid })).rejects.toThrow(/gc broke/);
    expect(fake.commands()).toEqual(['static:DEL', 'shaper:DEL', 'main:DEL', 'main:GC', 'shaper:GC', 'static:GC']);
    expect(fake.calls[0].env.CNI_CONTAINERID).toBe('ctr2');
    const gc = fake.calls[3];
    expect(gc.conf['cni.dev/valid-attachments']).toEqual(valid);
    expect(gc.conf['cni.dev/attachments']).toEqual(valid);
    expect(gc.env).toMatchObject({ CNI_CONTAINERID: '', CNI_NETNS: '', CNI_IFNAME: '', CNI_ARGS: '' });
    expect(await chain.cachedResult(LIST, RT)).toBeDefined();
    expect(await chain.cachedResult(LIST, { ...RT, containerId: 'ctr2' })).toBeUndefined();
  });

  it('validate: plugins found, version supported, capabilities unioned', async () => {
    const ok = parseConflist({
      cniVersion: '1.0.0',
      name: 'n',
      plugins: [
        { type: 'a', capabilities: { mac: true, ips: false } },
        { type: 'b', capabilities: { bandwidth: true } },
      ],
    });
    expect(await chain.validate(ok)).toEqual(['bandwidth', 'mac']);
    await expect(chain.validate(LIST)).rejects.toMatchObject({
      code: 1,
      message: expect.stringContaining('plugin 0:main does not support config version "1.1.0"'),
    });
    const missing = parseConflist({ cniVersion: '1.0.0', name: 'n', plugins: [{ type: 'missing' }] });
    await expect(chain.validate(missing)).rejects.toThrow(/plugin 0:missing failed \(validate\)/);
  });

  it('VERSION probe', async () => {
    expect(await chain.version('main')).toEqual({ cniVersion: '1.1.0', supportedVersions: ['1.0.0'] });
    expect(fake.calls[0].env).toMatchObject({ CNI_NETNS: 'dummy', CNI_IFNAME: 'dummy' });
  });
});

describe('parseConflist', () => {
  it('picks the highest usable version from cniVersions', () => {
    expect(
      parseConflist({ name: 'n', cniVersion: '0.4.0', cniVersions: ['1.0.0', '9.0.0'], plugins: [{ type: 'x' }] })
        .cniVersion,
    ).toBe('1.0.0');
    expect(parseConflist({ name: 'n', plugins: [{ type: 'x' }] }).cniVersion).toBe('0.1.0');
  });
  it('up-converts a single-plugin config', () => {
    const l = parseConflist('{"cniVersion":"0.4.0","name":"n","type":"ptp","ipam":{}}');
    expect(l.plugins).toEqual([{ type: 'ptp', ipam: {} }]);
  });
  it.each([
    ['{', 6, /not valid JSON/],
    ['{"name":"n","plugins":[]}', 7, /plugins: must NOT have fewer than 1 items/],
    ['{"plugins":[{"type":"x"}]}', 7, /must have required property 'name'/],
    ['{"name":"n","cniVersion":"0.9.0","plugins":[{"type":"x"}]}', 1, /unsupported cniVersion/],
  ])('rejects %s', (text, code, msg) => {
    expect(() => parseConflist(text)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(msg) }));
  });
});

describe('buildPluginConfig', () => {
  it('replaces a static runtimeConfig only when capabilities intersect', () => {
    const list = { name: 'n', cniVersion: '1.0.0' };
    const p = { type: 't', capabilities: { mac: true }, runtimeConfig: { static: 1 }, name: 'ignored' };
    expect(buildPluginConfig(list, p, { capabilityArgs: { mac: 'aa' } }).runtimeConfig).toEqual({ mac: 'aa' });
    expect(buildPluginConfig(list, p, { capabilityArgs: { ips: [] } })).toMatchObject({
      name: 'n',
      runtimeConfig: { static: 1 },
    });
  });
});
