// SPDX-License-Identifier: Apache-2.0
import { CniError } from '../errors/cni-error';
import { memoryIo } from '../testing/memory-io';
import { pluginMain } from './dispatcher';
import { type CniHandlers, type CniRequest, requestPlugin } from './request-plugin';

const ENV = { CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0' };
const conf = (extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ cniVersion: '1.0.0', name: 'net', type: 'demo', ...extra });

/** Request handlers that remember what they saw and keep a set of attachments, like a tiny plugin. */
function recordingHandlers(versions: readonly string[] = ['0.3.1', '0.4.0', '1.0.0']) {
  const seen: CniRequest[] = [];
  const attached = new Set<string>();
  const h: CniHandlers = {
    supportedVersions: versions,
    add: async (req) => {
      seen.push(req);
      attached.add(`${req.containerId}/${req.ifName}`);
      return { cniVersion: '1.1.0', interfaces: [{ name: req.ifName }], ips: [{ address: '10.99.0.2/24' }] };
    },
    del: async (req) => {
      seen.push(req);
      attached.delete(`${req.containerId}/${req.ifName}`);
    },
    check: async (req) => {
      seen.push(req);
      if (!attached.has(`${req.containerId}/${req.ifName}`)) throw new CniError(11, `${req.ifName} not attached`);
    },
  };
  return { h, seen, attached };
}

async function run(h: CniHandlers, env: Record<string, string>, stdin: string, knownArgs: string[] = []) {
  const io = memoryIo(env, stdin);
  const code = await pluginMain(...requestPlugin(h, knownArgs), io);
  return { code, ...io.out, json: io.out.stdout ? (JSON.parse(io.out.stdout) as Record<string, unknown>) : undefined };
}

describe('requestPlugin', () => {
  it('hands ADD a request with the environment and the decoded config, and prints the result in its version', async () => {
    const p = recordingHandlers();
    const r = await run(p.h, { ...ENV, CNI_COMMAND: 'ADD', CNI_ARGS: 'IgnoreUnknown=1;FOO=bar' }, conf({ mtu: 1 }));
    expect(r.code).toBe(0);
    expect(p.seen[0]).toEqual({
      command: 'ADD',
      containerId: 'c1',
      netns: '/run/netns/x',
      ifName: 'eth0',
      args: 'IgnoreUnknown=1;FOO=bar',
      config: expect.objectContaining({ name: 'net', type: 'demo', mtu: 1 }),
    });
    expect(r.json).toMatchObject({ cniVersion: '1.0.0', interfaces: [{ name: 'eth0' }] });
  });

  it('converts the result down to an older configured version', async () => {
    const p = recordingHandlers();
    const r = await run(p.h, { ...ENV, CNI_COMMAND: 'ADD' }, conf({ cniVersion: '0.3.1' }));
    expect(r.json).toMatchObject({ cniVersion: '0.3.1', ips: [{ version: '4', address: '10.99.0.2/24' }] });
  });

  it('runs DEL without a namespace and CHECK against the state ADD left', async () => {
    const p = recordingHandlers();
    await run(p.h, { ...ENV, CNI_COMMAND: 'ADD' }, conf());
    expect((await run(p.h, { ...ENV, CNI_COMMAND: 'CHECK' }, conf())).code).toBe(0);
    const del = await run(p.h, { CNI_COMMAND: 'DEL', CNI_CONTAINERID: 'c1', CNI_IFNAME: 'eth0' }, conf());
    expect(del.code).toBe(0);
    expect(p.seen[2]).toMatchObject({ command: 'DEL', netns: '', args: '' });
    expect(p.attached.size).toBe(0);
    const check = await run(p.h, { ...ENV, CNI_COMMAND: 'CHECK' }, conf());
    expect(check.code).toBe(1);
    expect(check.json).toMatchObject({ code: 11, msg: 'eth0 not attached' });
  });

  it('leaves version rules and CNI_ARGS checks to the dispatcher', async () => {
    const p = recordingHandlers();
    const old = await run(p.h, { ...ENV, CNI_COMMAND: 'CHECK' }, conf({ cniVersion: '0.3.1' }));
    expect(old.json).toMatchObject({ code: 1 });
    const unsupported = await run(p.h, { ...ENV, CNI_COMMAND: 'ADD' }, conf({ cniVersion: '1.1.0' }));
    expect(unsupported.json).toMatchObject({ code: 1 });
    const unknownArg = await run(p.h, { ...ENV, CNI_COMMAND: 'ADD', CNI_ARGS: 'MAC=x' }, conf());
    expect(unknownArg.json).toMatchObject({ code: 4 });
    const known = await run(p.h, { ...ENV, CNI_COMMAND: 'ADD', CNI_ARGS: 'MAC=x' }, conf(), ['MAC']);
    expect(known.code).toBe(0);
    expect(p.seen.map((s) => s.command)).toEqual(['ADD']);
  });

  it('answers VERSION with the handlers supported versions', async () => {
    const r = await run(recordingHandlers(['0.4.0', '1.0.0']).h, { CNI_COMMAND: 'VERSION' }, '');
    expect(r.json).toMatchObject({ supportedVersions: ['0.4.0', '1.0.0'] });
  });
});
