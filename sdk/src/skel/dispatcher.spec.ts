// SPDX-License-Identifier: Apache-2.0
import { CniError } from '../errors/cni-error';
import { type AnyResult } from '../spec/types/result';
import { ALL_VERSIONS } from '../spec/versions';
import { memoryIo } from '../testing/memory-io';
import { validateContainerId } from './env';
import { type CmdContext, type GcContext, pluginMain, type PluginHandlers, type PluginInfo } from './dispatcher';

const ENV = {
  CNI_COMMAND: 'ADD',
  CNI_CONTAINERID: 'c1',
  CNI_NETNS: '/run/netns/x',
  CNI_IFNAME: 'eth0',
  CNI_PATH: '/opt/cni/bin',
};
const conf = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ cniVersion: '1.0.0', name: 'net', type: 'demo', ...extra });

/** A stateful fake plugin recording what it was called with. */
function fakePlugin(
  result: AnyResult = {
    cniVersion: '1.1.0',
    ips: [{ address: '10.99.0.2/24', interface: 0 }],
    interfaces: [{ name: 'eth0', mtu: 9001 }],
  },
) {
  const calls: { command: string; ctx: CmdContext | GcContext }[] = [];
  const handlers: PluginHandlers = {
    add: (ctx) => (calls.push({ command: 'ADD', ctx }), result),
    del: (ctx) => void calls.push({ command: 'DEL', ctx }),
    check: (ctx) => void calls.push({ command: 'CHECK', ctx }),
    gc: (ctx) => void calls.push({ command: 'GC', ctx }),
  };
  return { handlers, calls };
}

const info: PluginInfo = { supportedVersions: ALL_VERSIONS };

async function run(
  env: Record<string, string | undefined>,
  stdin: string | Error,
  h = fakePlugin(),
  i: PluginInfo = info,
) {
  const io = memoryIo(env, stdin);
  const code = await pluginMain(h.handlers, i, io);
  return { code, ...io.out, calls: h.calls, json: io.out.stdout ? JSON.parse(io.out.stdout) : undefined };
}

describe('pluginMain: bad input', () => {
  const cases: [string, Record<string, string | undefined>, string | Error, number, RegExp][] = [
    ['no stdin', ENV, '', 6, /stdin was empty/],
    ['whitespace stdin', ENV, '  \n', 6, /stdin was empty/],
    ['stdin read error', ENV, new Error('EIO boom'), 5, /reading from stdin: EIO boom/],
    ['malformed JSON', ENV, '{"name":', 6, /not valid JSON/],
    ['JSON array', ENV, '[]', 6, /must be a JSON object/],
    ['cniVersion a number', ENV, conf({ cniVersion: 1 }), 6, /"cniVersion" must be a string/],
    ['name missing', ENV, JSON.stringify({ cniVersion: '1.0.0', type: 'x' }), 7, /network name/],
    ['name a number', ENV, conf({ name: 5 }), 7, /network name/],
    ['name with bad chars', ENV, conf({ name: 'a b' }), 7, /invalid characters found in network name/],
    ['type missing', ENV, conf({ type: undefined }), 7, /"type" must be a non-empty string/],
    ['type an object', ENV, conf({ type: {} }), 7, /"type"/],
    ['unknown command', { ...ENV, CNI_COMMAND: 'FROB' }, conf(), 4, /unknown CNI_COMMAND: FROB/],
    ['lower-case command', { ...ENV, CNI_COMMAND: 'add' }, conf(), 4, /unknown CNI_COMMAND: add/],
    ['no command, no about', { ...ENV, CNI_COMMAND: undefined }, conf(), 4, /CNI_COMMAND missing/],
    ['ADD missing env', { CNI_COMMAND: 'ADD' }, conf(), 4, /\[CNI_CONTAINERID,CNI_NETNS,CNI_IFNAME\] missing/],
    ['DEL missing ifname', { ...ENV, CNI_COMMAND: 'DEL', CNI_IFNAME: '' }, conf(), 4, /\[CNI_IFNAME\] missing/],
    ['CHECK missing netns', { ...ENV, CNI_COMMAND: 'CHECK', CNI_NETNS: undefined }, conf(), 4, /\[CNI_NETNS\] missing/],
    ['bad container id', { ...ENV, CNI_CONTAINERID: '-bad' }, conf(), 4, /invalid characters in containerID/],
    ['ifname too long', { ...ENV, CNI_IFNAME: 'a234567890123456' }, conf(), 4, /longer than 15/],
    ['ifname with slash', { ...ENV, CNI_IFNAME: 'a/b' }, conf(), 4, /CNI_IFNAME/],
    ['unsupported version', ENV, conf({ cniVersion: '0.5.0' }), 1, /config is "0.5.0", plugin supports/],
    ['version not in plugin list', ENV, conf({ cniVersion: '1.1.0' }), 1, /config is "1.1.0"/],
    ['CHECK below 0.4.0', { ...ENV, CNI_COMMAND: 'CHECK' }, conf({ cniVersion: '0.3.1' }), 1, /does not allow CHECK/],
    ['GC below 1.1.0', { CNI_COMMAND: 'GC' }, conf({ cniVersion: '1.0.0' }), 1, /does not allow GC/],
    ['STATUS below 1.1.0', { CNI_COMMAND: 'STATUS' }, conf({ cniVersion: '0.4.0' }), 1, /does not allow STATUS/],
    [
      'prevResult of another family',
      ENV,
      conf({ prevResult: { cniVersion: '0.4.0', ips: [] } }),
      1,
      /prevResult.*supports \[1.0.0, 1.1.0\]/,
    ],
    ['prevResult of wrong shape', ENV, conf({ prevResult: { ips: 'x' } }), 6, /prevResult.*ips: expected an array/],
    ['unknown CNI_ARGS key', { ...ENV, CNI_ARGS: 'K8S_POD_NAME=a;FOO=1' }, conf(), 4, /unknown args \[FOO\]/],
    ['malformed CNI_ARGS', { ...ENV, CNI_ARGS: 'FOO' }, conf(), 4, /invalid pair "FOO"/],
  ];
  const oldOnly: PluginInfo = { supportedVersions: ['0.3.1', '0.4.0', '1.0.0'] };

  it.each(cases)('%s -> code %i', async (name, env, stdin, code, msg) => {
    const r = await run(env, stdin, fakePlugin(), name === 'version not in plugin list' ? oldOnly : info);
    expect(r.code).toBe(1);
    expect(r.exitCode).toBe(1);
    expect(r.json.code).toBe(code);
    expect(r.json.msg).toMatch(msg);
    expect(r.stdout.trim().split('\n')).toHaveLength(1); // only the JSON
    expect(r.stdout).not.toMatch(/\n\s+at /); // never a stack
    expect(r.stderr).toBe('');
    expect(r.calls).toHaveLength(0);
  });

  it('GC and STATUS need no container id, netns or ifname', async () => {
    const r = await run({ CNI_COMMAND: 'GC', CNI_CONTAINERID: '' }, conf({ cniVersion: '1.1.0' }));
    expect(r.code).toBe(0);
  });
  it('an empty container id is code 3, bad characters code 4 with the id in details', () => {
    expect(() => validateContainerId('')).toThrow(expect.objectContaining({ code: 3 }));
    expect(() => validateContainerId('a b')).toThrow(expect.objectContaining({ code: 4, details: 'a b' }));
  });
});

describe('pluginMain: verbs', () => {
  it('VERSION answers without reading stdin or needing env', async () => {
    const io = memoryIo({ CNI_COMMAND: 'VERSION' }, 'garbage');
    await pluginMain(fakePlugin().handlers, { supportedVersions: ['0.4.0', '1.0.0'] }, io);
    expect(JSON.parse(io.out.stdout)).toEqual({ cniVersion: '1.1.0', supportedVersions: ['0.4.0', '1.0.0'] });
    expect(io.out.stdinReads).toBe(0);
    expect(io.out.exitCode).toBe(0);
  });

  it('prints the about text on stderr when CNI_COMMAND is missing', async () => {
    const r = await run({}, '', fakePlugin(), { ...info, about: 'demo plugin v1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/demo plugin v1\nCNI protocol versions supported: 0.1.0/);
  });

  it.each(ALL_VERSIONS)('ADD prints the result in the config version %s', async (v) => {
    const r = await run(ENV, conf({ cniVersion: v }));
    expect(r.code).toBe(0);
    expect(r.json.cniVersion).toBe(v);
    if (v.startsWith('0.1') || v.startsWith('0.2')) expect(r.json.ip4.ip).toBe('10.99.0.2/24');
    else
      expect(r.json.ips[0]).toEqual(
        v.startsWith('1.')
          ? { address: '10.99.0.2/24', interface: 0 }
          : { version: '4', address: '10.99.0.2/24', interface: 0 },
      );
  });

  it('passes the decoded context to the handler', async () => {
    const h = fakePlugin();
    await run(
      { ...ENV, CNI_ARGS: 'IgnoreUnknown=1;K8S_POD_NAME=web;K8S_POD_NAMESPACE=ns;X=y', CNI_PATH: '/a::/b' },
      conf({ prevResult: { ips: [] } }),
      h,
    );
    const ctx = h.calls[0].ctx;
    expect(ctx).toMatchObject({
      command: 'ADD',
      containerId: 'c1',
      netns: '/run/netns/x',
      ifName: 'eth0',
      cniVersion: '1.0.0',
      path: ['/a', '/b'],
    });
    expect(ctx.args.K8S_POD_NAME).toBe('web');
    expect(ctx.conf.name).toBe('net');
  });

  it('accepts other casings of the spec keys, like Go', async () => {
    const h = fakePlugin();
    const r = await run(
      ENV,
      JSON.stringify({ CNIVersion: '0.4.0', Name: 'net', TYPE: 'demo', PrevResult: { ips: [] } }),
      h,
    );
    expect(r.code).toBe(0);
    expect(r.json.cniVersion).toBe('0.4.0');
    expect(h.calls[0].ctx.conf).toMatchObject({
      cniVersion: '0.4.0',
      name: 'net',
      type: 'demo',
      prevResult: { ips: [] },
    });
  });

  it('DEL without netns succeeds with empty stdout', async () => {
    const h = fakePlugin();
    const r = await run({ CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' }, conf(), h);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(h.calls.map((c) => c.command)).toEqual(['DEL']);
  });

  it('GC hands over valid attachments from either key', async () => {
    const h = fakePlugin();
    const att = [{ containerID: 'c1', ifname: 'eth0' }];
    await run({ CNI_COMMAND: 'GC' }, conf({ cniVersion: '1.1.0', 'cni.dev/attachments': att }), h);
    await run({ CNI_COMMAND: 'GC' }, conf({ cniVersion: '1.1.0' }), h);
    expect((h.calls[0].ctx as GcContext).validAttachments).toEqual(att);
    expect((h.calls[1].ctx as GcContext).validAttachments).toBeUndefined();
  });

  it('STATUS without a handler succeeds', async () => {
    const r = await run({ CNI_COMMAND: 'STATUS' }, conf({ cniVersion: '1.1.0' }));
    expect(r.code).toBe(0);
  });

  it('requirePath makes CNI_PATH mandatory like Go', async () => {
    const r = await run({ ...ENV, CNI_PATH: undefined }, conf(), fakePlugin(), { ...info, requirePath: true });
    expect(r.json).toMatchObject({ code: 4, msg: expect.stringContaining('CNI_PATH') });
  });
});

describe('pluginMain: handler errors', () => {
  const failing = (err: unknown): ReturnType<typeof fakePlugin> => ({
    calls: [],
    handlers: {
      add: () => {
        throw err;
      },
      del: () => undefined,
    },
  });

  it('a CniError passes through with its code and details', async () => {
    const seen: CniError[] = [];
    const r = await run(ENV, conf(), failing(new CniError(11, 'ipamd not ready', { details: 'dial failed' })), {
      ...info,
      onError: (e) => seen.push(e),
    });
    expect(r.json).toEqual({ cniVersion: '1.0.0', code: 11, msg: 'ipamd not ready', details: 'dial failed' });
    expect(seen[0].code).toBe(11);
  });

  it('anything else becomes 999 keeping the cause, without a stack on stdout', async () => {
    const boom = new TypeError('cannot read x of undefined');
    const seen: CniError[] = [];
    const r = await run(ENV, conf(), failing(boom), { ...info, onError: (e) => seen.push(e) });
    expect(r.json).toEqual({ cniVersion: '1.0.0', code: 999, msg: 'cannot read x of undefined' });
    expect(seen[0].cause).toBe(boom);
    expect(r.stdout).not.toContain('TypeError');
  });

  it('a handler returning nothing on ADD is an error', async () => {
    const r = await run(ENV, conf(), {
      calls: [],
      handlers: { add: () => undefined as unknown as AnyResult, del: () => undefined },
    });
    expect(r.json.code).toBe(999);
  });

  it('a result that cannot be expressed in 0.2.0 is code 1', async () => {
    const r = await run(
      ENV,
      conf({ cniVersion: '0.2.0' }),
      fakePlugin({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }] }),
    );
    expect(r.json).toMatchObject({ code: 1, msg: expect.stringContaining('no valid IP addresses') });
  });

  it('parseConfig errors are reported, and its output reaches the handler', async () => {
    const bad = await run(ENV, conf(), fakePlugin(), {
      ...info,
      parseConfig: () => {
        throw new CniError(7, 'mtu: must be integer');
      },
    });
    expect(bad.json).toMatchObject({ code: 7, msg: 'mtu: must be integer' });
    const h = fakePlugin();
    await run(ENV, conf(), h, { ...info, parseConfig: (raw) => ({ ...raw, name: 'parsed' }) });
    expect(h.calls[0].ctx.conf.name).toBe('parsed');
  });
});
