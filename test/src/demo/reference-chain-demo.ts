// SPDX-License-Identifier: Apache-2.0
/**
 * The initial demo (until ipamd exists): a pod namespace networked by Debian's reference plugins (ptp +
 * host-local, tuning, bandwidth) through the SDK chain executor: ADD, show, ping, CHECK, DEL, clean up.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { toCurrentResult, type Result100 } from '@vpc-cni-ts/sdk';
import { ChainExecutor, parseConflist, type RuntimeConf } from '@vpc-cni-ts/sdk/chain';
import { createTempNetns, type TempNetns } from '@vpc-cni-ts/sdk/testing';

export interface DemoOptions {
  readonly print: (line: string) => void;
  /** Where the reference plugins live. */
  readonly binDir?: string;
}

const run = (cmd: string, args: string[]): { ok: boolean; out: string } => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
};

/** Human-readable lines for a result. */
export function describeResult(r: Result100): string[] {
  const lines = ['  interfaces:'];
  (r.interfaces ?? []).forEach((i, n) =>
    lines.push(`    [${n}] ${i.name.padEnd(16)} mac ${i.mac ?? '-'}${i.sandbox ? `  (in ${i.sandbox})` : '  (host)'}`),
  );
  lines.push('  ips:');
  for (const ip of r.ips ?? [])
    lines.push(`    ${ip.address.padEnd(18)} gateway ${ip.gateway ?? '-'}  on interface [${ip.interface ?? '?'}]`);
  lines.push('  routes:');
  for (const rt of r.routes ?? []) lines.push(`    ${rt.dst} via ${rt.gw ?? '(interface gateway)'}`);
  return lines;
}

/** Runs the demo; resolves true when every step worked. Always cleans up (netns, ip_forward, cache). */
export async function runReferenceChainDemo(opts: DemoOptions): Promise<boolean> {
  const { print } = opts;
  const binDir = opts.binDir ?? '/usr/lib/cni';
  const forward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const work = mkdtempSync(join(tmpdir(), 'vct-demo-'));
  const octet = 100 + Math.floor(Math.random() * 50);
  const list = parseConflist({
    cniVersion: '1.0.0',
    name: 'vct-demo',
    plugins: [
      {
        type: 'ptp',
        ipMasq: false,
        ipam: {
          type: 'host-local',
          dataDir: join(work, 'ipam'),
          ranges: [[{ subnet: `10.99.${octet}.0/24` }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'tuning', capabilities: { mac: true }, mtu: 1400, dataDir: join(work, 'tuning') },
      { type: 'bandwidth', capabilities: { bandwidth: true } },
    ],
  });
  const chain = new ChainExecutor({ binDirs: [binDir], cacheDir: join(work, 'cache') });
  let ns: TempNetns | undefined;
  let rt: RuntimeConf | undefined;
  let ok = true;
  try {
    ns = await createTempNetns({ prefix: 'vct-demo' });
    print(`pod namespace ${ns.name} created`);
    rt = {
      containerId: `demo-${ns.name}`,
      netns: ns.path,
      ifName: 'eth0',
      args: [
        ['IgnoreUnknown', '1'],
        ['K8S_POD_NAMESPACE', 'default'],
        ['K8S_POD_NAME', 'demo'],
      ],
      capabilityArgs: {
        mac: '0a:58:0a:63:00:42',
        bandwidth: { ingressRate: 10_000_000, ingressBurst: 200_000, egressRate: 10_000_000, egressBurst: 200_000 },
      },
    };
    print(`\nADD (chain: ${list.plugins.map((p) => p.type).join(' -> ')}, cniVersion ${list.cniVersion})`);
    const result = toCurrentResult(await chain.add(list, rt));
    for (const l of describeResult(result)) print(l);
    const podIp = (result.ips?.[0]?.address ?? '').split('/')[0];
    print(`\ninside the pod: ${run('ip', ['-n', ns.name, '-br', 'addr', 'show', 'eth0']).out}`);
    print(
      `host veth shaping: ${run('tc', ['qdisc', 'show', 'dev', result.interfaces?.[0]?.name ?? '']).out.split('\n')[0]}`,
    );
    const ping = run('ping', ['-c', '3', '-i', '0.2', '-W', '2', podIp]);
    ok &&= ping.ok;
    print(
      `\nping ${podIp} from the host: ${ping.ok ? 'OK' : 'FAILED'}\n  ${ping.out.split('\n').slice(-2).join('\n  ')}`,
    );
    await chain.check(list, rt);
    print('\nCHECK: OK');
  } catch (e) {
    ok = false;
    print(`\nFAILED: ${(e as Error).message}`);
  } finally {
    if (rt) {
      try {
        await chain.del(list, rt);
        await chain.del(list, rt);
        print('DEL: OK (twice, idempotent)');
      } catch (e) {
        ok = false;
        print(`DEL FAILED: ${(e as Error).message}`);
      }
    }
    await ns?.destroy().catch(() => undefined);
    writeFileSync('/proc/sys/net/ipv4/ip_forward', forward);
    rmSync(work, { recursive: true, force: true });
    print(`cleaned up: namespace deleted, ip_forward restored to ${forward}`);
  }
  return ok;
}
