// SPDX-License-Identifier: Apache-2.0
import { ALL_VERSIONS, pluginMain } from '@vpc-cni-ts/sdk';
import { memoryIo } from '@vpc-cni-ts/sdk/testing';

import { STATIC_IP_INFO, staticIpHandlers } from './plugin';

const ENV = { CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/run/netns/x', CNI_IFNAME: 'eth0' };
const conf = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    cniVersion: '1.0.0',
    name: 'n',
    type: 'static-ip',
    addresses: [{ address: '10.99.1.5/24', gateway: '10.99.1.1' }],
    ...extra,
  });

async function run(env: Record<string, string>, stdin: string) {
  const io = memoryIo(env, stdin);
  await pluginMain(staticIpHandlers, STATIC_IP_INFO, io);
  return { exit: io.out.exitCode, json: io.out.stdout ? JSON.parse(io.out.stdout) : undefined };
}

describe('static-ip example plugin', () => {
  it.each(ALL_VERSIONS.filter((v) => v >= '0.3.0'))('ADD answers in %s', async (v) => {
    const r = await run(ENV, conf({ cniVersion: v }));
    expect(r.exit).toBe(0);
    expect(r.json.cniVersion).toBe(v);
    expect(r.json.ips[0].address).toBe('10.99.1.5/24');
  });

  it('prefers runtimeConfig.ips, then CNI_ARGS IP, then the config', async () => {
    expect((await run(ENV, conf({ runtimeConfig: { IPs: ['10.99.2.2/24'] } }))).json.ips).toEqual([
      { address: '10.99.2.2/24' },
    ]);
    expect((await run({ ...ENV, CNI_ARGS: 'IP=10.99.3.3/24,10.99.3.4/24' }, conf())).json.ips).toHaveLength(2);
  });

  it('appends to prevResult when chained, keeping its interfaces', async () => {
    const prev = {
      cniVersion: '1.0.0',
      interfaces: [{ name: 'eth0', sandbox: '/run/netns/x' }],
      ips: [{ address: '10.99.0.2/24', interface: 0 }],
    };
    const r = await run(ENV, conf({ prevResult: prev }));
    expect(r.json).toEqual({
      cniVersion: '1.0.0',
      interfaces: prev.interfaces,
      ips: [...prev.ips, { address: '10.99.1.5/24', gateway: '10.99.1.1' }],
    });
  });

  it.each([
    ['a bad address', { addresses: [{ address: 'nope' }] }, 7, /addresses.0.address: must match pattern/],
    [
      'an unknown address key',
      { addresses: [{ address: '10.0.0.1/32', mac: 'x' }] },
      7,
      /must NOT have additional properties "mac"/,
    ],
    ['no addresses', { addresses: [] }, 7, /no addresses/],
    ['a bad log level', { logLevel: 'loud' }, 7, /logLevel: must be equal to one of the allowed values/],
    ['logging to stdout', { logFile: 'stdout' }, 7, /stdout carries the CNI result/],
  ])('rejects %s', async (_n, extra, code, msg) => {
    const r = await run(ENV, conf(extra));
    expect(r.exit).toBe(1);
    expect(r.json.code).toBe(code);
    expect(r.json.msg).toMatch(msg);
  });

  it('CHECK passes when prevResult holds the addresses and fails with code 100 otherwise', async () => {
    const good = { cniVersion: '1.0.0', ips: [{ address: '10.99.1.5/24' }] };
    expect((await run({ ...ENV, CNI_COMMAND: 'CHECK' }, conf({ prevResult: good }))).exit).toBe(0);
    const bad = await run({ ...ENV, CNI_COMMAND: 'CHECK' }, conf({ prevResult: { cniVersion: '1.0.0', ips: [] } }));
    expect(bad.json).toMatchObject({ code: 100, msg: expect.stringContaining('10.99.1.5/24') });
  });
});
