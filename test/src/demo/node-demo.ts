import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { type Pod, VpcNode } from '../e2e/vpc-node';
import { type DemoOptions } from './demo-options';
import { type PoolRow, poolFromEc2, poolFromIntrospection } from './warm-pool';

export interface DemoIo {
  readonly print: (line: string) => void;
  /** True once the user asked to stop (Ctrl-C): the demo skips to tear-down. */
  readonly stopping: () => boolean;
}

const ms = (t0: number): string => `${Date.now() - t0} ms`;

/** Warm pool per ENI: ipamd's introspection (`/v1/enis`) when it answers, else EC2's view and ipamd's checkpoint. */
function warmPool(node: VpcNode): { source: string; rows: PoolRow[] } {
  const body = node.introspect('/v1/enis');
  const rows = body === undefined ? undefined : poolFromIntrospection(body);
  if (rows?.length) return { source: 'ipamd introspection (127.0.0.1:61679/v1/enis in the node namespace)', rows };
  return {
    source: 'EC2 (simulator) addresses per ENI + ipamd checkpoint (introspection not answering)',
    rows: poolFromEc2(node.vpcAddresses(), node.allocations()),
  };
}

function printPool(io: DemoIo, node: VpcNode, title: string): { total: number; assigned: number; enis: number } {
  const { source, rows } = warmPool(node);
  io.print(`  ${title} — from ${source}`);
  io.print(`    dev  ENI                    addresses  assigned  warm   prefixes`);
  for (const r of rows.sort((a, b) => a.device - b.device))
    io.print(
      `    ${String(r.device).padEnd(4)} ${r.eni.padEnd(22)} ${String(r.total).padStart(9)}  ${String(r.assigned).padStart(8)}  ${String(r.total - r.assigned).padStart(4)}   ${r.prefixes.join(' ') || '-'}`,
    );
  const total = rows.reduce((n, r) => n + r.total, 0);
  const assigned = rows.reduce((n, r) => n + r.assigned, 0);
  return { total, assigned, enis: rows.length };
}

function ping(netns: string, ip: string): { ok: boolean; rtt: string } {
  const r = spawnSync('nsenter', [`--net=${netns}`, 'ping', '-c1', '-W2', ip], { encoding: 'utf8' });
  return { ok: r.status === 0, rtt: /time=([\d.]+ ms)/.exec(r.stdout)?.[1] ?? '' };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/**
 * The demo: a simulated EC2 node (chosen instance type, small VPC 10.99.0.0/16), the aws-node entrypoint with ipamd,
 * containerd, N pods through the CRI, their VPC addresses and the warm pool, pings, deletion, tear-down.
 * Resolves true on success; every failure is printed with what failed.
 */
export async function runNodeDemo(opts: DemoOptions, io: DemoIo): Promise<boolean> {
  const t0 = Date.now();
  const step = (n: number, text: string): void => io.print(`\n[${n}/6] ${text}`);
  const summary: string[] = [];
  let node: VpcNode | undefined;
  let ok = false;
  const pods: Pod[] = [];
  try {
    step(1, `starting a simulated ${opts.instanceType} node${opts.prefixDelegation ? ' with prefix delegation' : ''}`);
    node = await VpcNode.start({
      instanceType: opts.instanceType,
      prefixDelegation: opts.prefixDelegation,
      plugins: opts.plugins,
      env: { ENABLE_BANDWIDTH_PLUGIN: 'true' },
      log: (l) => io.print(`  ${l}`),
    });
    await node.settle();
    const pool0 = printPool(io, node, 'warm pool before any pod');
    if (io.stopping()) return false;

    step(2, `creating ${opts.pods} pod(s) concurrently through the CRI (RunPodSandbox, as a kubelet does)`);
    const times: number[] = [];
    const started = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: opts.pods }, async (_, i) => {
        const t = Date.now();
        const p = await node!.runPod({ name: `demo-pod-${i}` });
        times.push(Date.now() - t);
        return p;
      }),
    );
    for (const r of results) if (r.status === 'fulfilled') pods.push(r.value);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    const eniOf = new Map(
      node.vpcAddresses().flatMap((e) => e.addresses.map((a) => [a, `${e.eni} (eth${e.device})`] as const)),
    );
    io.print(`  ${pods.length} pod(s) ready in ${ms(started)} (RunPodSandbox median ${median(times)} ms)`);
    io.print(`    pod          VPC address   ENI`);
    for (const p of pods)
      io.print(`    ${p.name.padEnd(12)} ${p.ip.padEnd(13)} ${eniOf.get(p.ip) ?? '(not an ENI address!)'}`);
    for (const f of failed) io.print(`  FAILED: ${(f.reason as Error).message}`);
    await node.settle();
    const pool1 = printPool(io, node, 'warm pool with the pods running');
    const addressesOk = pods.every((p) => eniOf.has(p.ip)) && new Set(pods.map((p) => p.ip)).size === pods.length;
    if (io.stopping()) return false;

    step(3, 'pinging: each pod -> the next pod, and each pod -> the node');
    let pings = 0;
    let pingOk = 0;
    for (const [i, p] of pods.entries()) {
      const targets = [
        ...(pods.length > 1 ? [[pods[(i + 1) % pods.length]!.name, pods[(i + 1) % pods.length]!.ip] as const] : []),
        ['node', node.primaryIp] as const,
      ];
      for (const [name, ip] of targets) {
        const r = ping(p.netns, ip);
        pings++;
        if (r.ok) pingOk++;
        io.print(`    ${p.name} -> ${name.padEnd(12)} ${ip.padEnd(13)} ${r.ok ? `ok ${r.rtt}` : 'FAILED'}`);
      }
    }
    if (io.stopping()) return false;

    step(4, 'deleting the pods (StopPodSandbox + RemovePodSandbox)');
    const delStart = Date.now();
    await Promise.all(pods.map((p) => node!.removePod(p.id)));
    io.print(
      `  ${pods.length} pod(s) deleted in ${ms(delStart)}; ipamd's checkpoint now holds ${node.allocations().length} allocation(s)`,
    );
    const pool2 = printPool(io, node, 'warm pool after the pods are gone');
    const returned = node.allocations().length === 0;
    const leftLinks = node
      .nsExec(['ip', '-o', 'link', 'show'])
      .split('\n')
      .filter((l) => /: eni[0-9a-f]+@/.test(l));

    step(5, 'tearing down: containerd, aws-node (ipamd), bridges, simulator, namespaces');
    const netns = node.nodeNetns;
    const workDir = node.workDir;
    await node.stop();
    node = undefined;
    const leftovers = [
      ...(existsSync(`/run/netns/${netns}`) ? [`netns ${netns}`] : []),
      ...(existsSync(workDir) ? [workDir] : []),
      ...pods.filter((p) => existsSync(p.netns)).map((p) => `pod netns ${p.netns}`),
    ];
    io.print(
      `  ${leftovers.length ? `LEFT BEHIND: ${leftovers.join(', ')}` : 'nothing left behind (namespaces and work dir gone)'}`,
    );

    step(6, 'summary');
    summary.push(
      `instance ${opts.instanceType}${opts.prefixDelegation ? ' (prefix delegation)' : ''}; ENIs ${pool0.enis} -> ${pool1.enis} -> ${pool2.enis}; addresses ${pool0.total} -> ${pool1.total} -> ${pool2.total}`,
      `pods: ${pods.length}/${opts.pods} created, distinct ENI addresses: ${addressesOk ? 'yes' : 'NO'}, RunPodSandbox median ${median(times)} ms`,
      `pings: ${pingOk}/${pings} ok`,
      `delete: every address returned to ipamd: ${returned ? 'yes' : 'NO'}; pod veths left: ${leftLinks.length}`,
      `teardown: ${leftovers.length ? 'LEFTOVERS' : 'clean'}; total ${ms(t0)}`,
    );
    for (const s of summary) io.print(`  ${s}`);
    ok =
      failed.length === 0 && addressesOk && pingOk === pings && returned && leftLinks.length === 0 && !leftovers.length;
    return ok;
  } catch (err) {
    io.print(`\nFAILED: ${(err as Error).message}`);
    if (node) io.print(node.logs(10));
    return false;
  } finally {
    if (node) {
      io.print('\ntearing down...');
      await node.stop().catch((e: Error) => io.print(`  teardown: ${e.message}`));
    }
  }
}
