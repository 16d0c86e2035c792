// SPDX-License-Identifier: Apache-2.0
// Bad input for each chained plugin bundle: the right CNI error code and a message naming what was wrong,
// never a crash, a hang or a stack trace. No root needed: every case fails before any kernel work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { bundle, type CniCall, runCni } from './harness';

type Name = 'bandwidth-shim' | 'tuning-shim' | 'egress-cni';

const prev10 = {
  cniVersion: '1.0.0',
  interfaces: [
    { name: 'veth1', mac: '02:00:00:00:00:01' },
    { name: 'eth0', mac: '02:00:00:00:00:02', sandbox: '/run/netns/x' },
  ],
  ips: [{ address: '10.99.40.2/24', interface: 1 }],
};
const bw = (extra: object) => ({
  cniVersion: '1.0.0',
  name: 'net',
  type: 'bandwidth-shim',
  prevResult: prev10,
  ...extra,
});
const tu = (extra: object) => ({ cniVersion: '1.0.0', name: 'net', type: 'tuning-shim', prevResult: prev10, ...extra });
const eg = (extra: object) => ({
  cniVersion: '1.0.0',
  name: 'aws-cni',
  type: 'egress-cni',
  enabled: 'true',
  nodeIP: '10.99.40.1',
  ipam: {
    type: 'host-local',
    ranges: [[{ subnet: '169.254.172.0/22' }]],
    routes: [{ dst: '0.0.0.0/0' }],
    dataDir: '/tmp/vct-egress-never',
  },
  prevResult: prev10,
  ...extra,
});

interface Case {
  readonly plugin: Name;
  readonly what: string;
  readonly call: Partial<CniCall> & { config: object | string };
  readonly code: number;
  readonly msg: RegExp;
}

const cases: Case[] = [
  // Common dispatcher behaviour, once per plugin.
  ...(['bandwidth-shim', 'tuning-shim', 'egress-cni'] as Name[]).flatMap((plugin): Case[] => [
    { plugin, what: 'no CNI_COMMAND', call: { command: '', config: {} }, code: 4, msg: /CNI_COMMAND/ },
    {
      plugin,
      what: 'unknown command',
      call: { command: 'FROB' as 'ADD', config: {} },
      code: 4,
      msg: /unknown CNI_COMMAND: FROB/,
    },
    {
      plugin,
      what: 'missing CNI_CONTAINERID',
      call: { command: 'ADD', config: {}, containerId: '' },
      code: 4,
      msg: /CNI_CONTAINERID/,
    },
    {
      plugin,
      what: 'stdin not JSON',
      call: { command: 'ADD', config: '{"cniVersion":' },
      code: 6,
      msg: /not valid JSON/,
    },
    {
      plugin,
      what: 'unsupported cniVersion',
      call: { command: 'ADD', config: { cniVersion: '9.9.9', name: 'n', type: plugin } },
      code: 1,
      msg: /incompatible CNI versions: config is "9.9.9"/,
    },
    {
      plugin,
      what: 'CHECK before 0.4.0',
      call: { command: 'CHECK', config: { cniVersion: '0.3.1', name: 'n', type: plugin } },
      code: 1,
      msg: /does not allow CHECK/,
    },
  ]),
  {
    plugin: 'bandwidth-shim',
    what: 'burst without rate',
    call: { command: 'ADD', config: bw({ ingressBurst: 1000 }) },
    code: 7,
    msg: /ingressBurst is 1000 but ingressRate is 0/,
  },
  {
    plugin: 'bandwidth-shim',
    what: 'rate without burst',
    call: { command: 'ADD', config: bw({ egressRate: 1e6 }) },
    code: 7,
    msg: /egressRate is 1000000 but egressBurst is missing or 0/,
  },
  {
    plugin: 'bandwidth-shim',
    what: 'absurd burst',
    call: { command: 'ADD', config: bw({ egressRate: 1e6, egressBurst: 8 * 2 ** 32 }) },
    code: 7,
    msg: /burst cannot be more than 4GB/,
  },
  {
    plugin: 'bandwidth-shim',
    what: 'negative rate',
    call: { command: 'ADD', config: bw({ ingressRate: -1, ingressBurst: 1 }) },
    code: 7,
    msg: /ingressRate must be a non-negative integer/,
  },
  {
    plugin: 'bandwidth-shim',
    what: 'rate as a string in runtimeConfig',
    call: { command: 'ADD', config: bw({ runtimeConfig: { bandwidth: { IngressRate: '8M', IngressBurst: 1 } } }) },
    code: 7,
    msg: /runtimeConfig\.bandwidth\.ingressRate must be a non-negative integer/,
  },
  {
    plugin: 'bandwidth-shim',
    what: 'limits but no prevResult',
    call: { command: 'ADD', config: bw({ prevResult: undefined, ingressRate: 1e6, ingressBurst: 1e6 }) },
    code: 7,
    msg: /must be called as a chained plugin/,
  },
  {
    plugin: 'bandwidth-shim',
    what: 'prevResult of another version family',
    call: { command: 'ADD', config: bw({ prevResult: { ...prev10, cniVersion: '0.4.0' } }) },
    code: 1,
    msg: /prevResult/,
  },
  {
    plugin: 'tuning-shim',
    what: 'no prevResult',
    call: { command: 'ADD', config: tu({ prevResult: undefined }) },
    code: 7,
    msg: /Required prevResult missing/,
  },
  {
    plugin: 'tuning-shim',
    what: 'sysctl outside net.',
    call: { command: 'ADD', config: tu({ sysctl: { 'kernel.panic': '1' } }) },
    code: 7,
    msg: /invalid net sysctl key: "kernel\.panic"/,
  },
  {
    plugin: 'tuning-shim',
    what: 'sysctl value as a number',
    call: { command: 'ADD', config: tu({ sysctl: { 'net.core.somaxconn': 512 } }) },
    code: 7,
    msg: /sysctl\["net\.core\.somaxconn"\] must be a string/,
  },
  {
    plugin: 'tuning-shim',
    what: 'bad MAC',
    call: { command: 'ADD', config: tu({ mac: '02:00:00:00:00' }) },
    code: 7,
    msg: /mac: invalid MAC address/,
  },
  {
    plugin: 'tuning-shim',
    what: 'multicast MAC from runtimeConfig',
    call: { command: 'ADD', config: tu({ runtimeConfig: { mac: '01:00:5e:00:00:01' } }) },
    code: 7,
    msg: /runtimeConfig\.mac: 01:00:5e:00:00:01 is a multicast MAC/,
  },
  {
    plugin: 'tuning-shim',
    what: 'MTU out of range',
    call: { command: 'ADD', config: tu({ mtu: 10 }) },
    code: 7,
    msg: /mtu must be an integer between 68 and 65535/,
  },
  {
    plugin: 'tuning-shim',
    what: 'promisc not a boolean',
    call: { command: 'ADD', config: tu({ promisc: 'yes' }) },
    code: 7,
    msg: /promisc must be true or false/,
  },
  {
    plugin: 'tuning-shim',
    what: 'unknown CNI_ARGS key',
    call: { command: 'ADD', config: tu({}), args: 'FOO=bar' },
    code: 4,
    msg: /unknown args \[FOO\]/,
  },
  {
    plugin: 'tuning-shim',
    what: 'bad MAC in CNI_ARGS',
    call: { command: 'ADD', config: tu({}), args: 'IgnoreUnknown=1;MAC=zz' },
    code: 7,
    msg: /CNI_ARGS MAC: invalid MAC address/,
  },
  {
    plugin: 'egress-cni',
    what: 'no prevResult',
    call: { command: 'ADD', config: eg({ prevResult: undefined }) },
    code: 7,
    msg: /must be called as a chained plugin after the main plugin: prevResult is missing/,
  },
  {
    plugin: 'egress-cni',
    what: 'no ipam',
    call: { command: 'ADD', config: eg({ ipam: undefined }) },
    code: 7,
    msg: /ipam section is missing/,
  },
  {
    plugin: 'egress-cni',
    what: 'subnet with host bits',
    call: { command: 'ADD', config: eg({ ipam: { ranges: [[{ subnet: '169.254.172.5/22' }]] } }) },
    code: 7,
    msg: /Network has host bits set/,
  },
  {
    plugin: 'egress-cni',
    what: 'nodeIP of the wrong family',
    call: { command: 'ADD', config: eg({ nodeIP: 'fd99::1' }) },
    code: 7,
    msg: /nodeIP fd99::1 is IPv6 but the egress range .* is IPv4/,
  },
  {
    plugin: 'egress-cni',
    what: 'nodeIP not an address',
    call: { command: 'ADD', config: eg({ nodeIP: '10.99.300.1' }) },
    code: 7,
    msg: /nodeIP "10\.99\.300\.1" is not an IP address/,
  },
  {
    plugin: 'egress-cni',
    what: 'bad randomizeSNAT',
    call: { command: 'ADD', config: eg({ randomizeSNAT: 'always' }) },
    code: 7,
    msg: /randomizeSNAT "always" is not one of prng, hashrandom, none/,
  },
  {
    plugin: 'egress-cni',
    what: 'another IPAM type',
    call: { command: 'ADD', config: eg({ ipam: { type: 'dhcp' } }) },
    code: 7,
    msg: /ipam\.type "dhcp" is not supported/,
  },
];

describe('chained plugins reject bad input with the right code (integ, bundles)', () => {
  const paths = {} as Record<Name, string>;
  beforeAll(() => {
    for (const n of ['bandwidth-shim', 'tuning-shim', 'egress-cni'] as Name[]) paths[n] = bundle(n);
  }, 120_000);

  it.each(cases.map((c) => [c.plugin, c.what, c] as const))('%s: %s', async (_p, _w, c) => {
    const r = await runCni(paths[c.plugin], {
      containerId: 'vct-bad-1',
      netns: '/run/netns/vct-none',
      ifName: 'eth0',
      ...c.call,
    } as CniCall);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ code: c.code });
    expect(String(r.json?.msg)).toMatch(c.msg);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each(['bandwidth-shim', 'tuning-shim', 'egress-cni'] as Name[])('%s answers VERSION', async (n) => {
    const r = await runCni(paths[n], { command: 'VERSION', config: '' });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ cniVersion: expect.stringMatching(/^1\.\d\.\d$/) });
    expect(r.json?.supportedVersions).toEqual(expect.arrayContaining(['0.3.1', '0.4.0', '1.0.0']));
  });

  it('tuning-shim refuses a sysctl the allowlist does not allow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vct-allow-'));
    try {
      writeFileSync(
        join(dir, 'allowlist.conf'),
        '^net\\.ipv6\\.conf\\.(all|default|lo)\\.disable_ipv6$\n\n^net\\.core\\.somaxconn$\n',
      );
      const r = await runCni(paths['tuning-shim'], {
        command: 'ADD',
        config: tu({ sysctl: { 'net.ipv4.conf.all.forwarding': '1' } }),
        containerId: 'c',
        netns: '/run/netns/vct-none',
        env: { TUNING_ALLOWLIST_FILE: join(dir, 'allowlist.conf') },
      });
      expect(r.json).toMatchObject({ code: 7 });
      expect(String(r.json?.msg)).toMatch(
        /sysctl "net\.ipv4\.conf\.all\.forwarding" is not allowed by the tuning allowlist/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bandwidth-shim with no limits passes prevResult through without touching the kernel', async () => {
    const r = await runCni(paths['bandwidth-shim'], {
      command: 'ADD',
      config: bw({}),
      containerId: 'c',
      netns: '/run/netns/vct-none',
    });
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ ...prev10 });
  });
});
