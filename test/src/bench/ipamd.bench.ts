// SPDX-License-Identifier: Apache-2.0
/**
 * ipamd over its unix-socket gRPC API with the checkpoint on (fsync per acknowledged change, group commit):
 * AddNetwork / DelNetwork latency at 1 and 100 concurrent callers, and ipamd's RSS after start-up and after
 * 1,000 cycles. Reference in the same run: Debian's host-local IPAM plugin (file-backed allocation, one exec per
 * call), the nearest stock "persisted IPAM assignment" there is on this machine.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

import { IPAMD_BUNDLE, addPod, ipamdFor, simulator, waitFor, eniState } from '../ipamd/harness';
import { benchEnv, stats, timedSpawn } from './stats';
import type { BenchRow, BenchSuite } from './suite';

const HOST_LOCAL = '/usr/lib/cni/host-local';

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU time (user + system) of a process so far, in ms (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

const key = (id: string) => ({
  ContainerID: id,
  IfName: 'eth0',
  NetworkName: 'aws-cni',
  K8S_POD_NAME: `pod-${id}`,
  K8S_POD_NAMESPACE: 'bench',
});
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** host-local ADD then DEL `n` times; returns the two samples. */
function hostLocal(n: number): { add: number[]; del: number[] } | undefined {
  if (!existsSync(HOST_LOCAL)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'vct-ipamd-bench-hl-'));
  const conf = JSON.stringify({
    cniVersion: '1.0.0',
    name: 'bench',
    type: 'host-local',
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.99.200.0/24' }]], dataDir: dir },
  });
  const add: number[] = [];
  const del: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const env = benchEnv({
        CNI_CONTAINERID: `c${i}`,
        CNI_NETNS: '/var/run/netns/bench',
        CNI_IFNAME: 'eth0',
        CNI_PATH: '/usr/lib/cni',
      });
      add.push(timedSpawn(HOST_LOCAL, [], { input: conf, env: { ...env, CNI_COMMAND: 'ADD' } }));
      del.push(timedSpawn(HOST_LOCAL, [], { input: conf, env: { ...env, CNI_COMMAND: 'DEL' } }));
    }
    return { add, del };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const suite: BenchSuite = {
  name: 'ipamd',
  async run() {
    if (!existsSync(IPAMD_BUNDLE)) return { skipped: 'ipamd bundle missing: run npm run bundle -w ipamd' };
    const sim = await simulator({ instances: [{ instanceType: 'm5.4xlarge' }] });
    // Enough warm addresses for 100 concurrent pods: 8 prefixes on the primary ENI.
    const p = ipamdFor(sim, {
      ENABLE_PREFIX_DELEGATION: 'true',
      MINIMUM_IP_TARGET: '128',
      WARM_IP_TARGET: '16',
      IP_COOLDOWN_PERIOD: '0',
      AWS_VPC_K8S_CNI_LOGLEVEL: 'INFO',
      ...(process.env.IPAMD_BENCH_STORE ? { AWS_VPC_K8S_CNI_BACKING_STORE: process.env.IPAMD_BENCH_STORE } : {}),
    });
    const rows: BenchRow[] = [];
    try {
      await p.start();
      await waitFor('warm pool of 128', () => eniState(sim).addresses >= 128);
      await new Promise((r) => setTimeout(r, 500));
      const rssStart = rssMiB(p.pid!);
      const c = p.client!;
      for (let i = 0; i < 20; i++) {
        await addPod(c, `warm-${i}`);
        await c.del(key(`warm-${i}`));
      }
      // One caller.
      const cpu0 = cpuMs(p.pid!);
      const add1: number[] = [];
      const del1: number[] = [];
      for (let i = 0; i < 500; i++) {
        let t0 = process.hrtime.bigint();
        await c.add(key(`s${i}`));
        add1.push(ms(t0));
        t0 = process.hrtime.bigint();
        await c.del(key(`s${i}`));
        del1.push(ms(t0));
      }
      const cpu1 = cpuMs(p.pid!);
      // 100 concurrent callers, 5 cycles each.
      const add100: number[] = [];
      const del100: number[] = [];
      await Promise.all(
        Array.from({ length: 100 }, async (_, w) => {
          for (let k = 0; k < 5; k++) {
            const id = `w${w}-${k}`;
            let t0 = process.hrtime.bigint();
            await c.add(key(id), 30_000);
            add100.push(ms(t0));
            t0 = process.hrtime.bigint();
            await c.del(key(id), 30_000);
            del100.push(ms(t0));
          }
        }),
      );
      const cpu2 = cpuMs(p.pid!);
      const rssAfter = rssMiB(p.pid!);
      const ec2Calls = Object.values(sim.calls()).reduce((a, b) => a + b, 0);
      const ref = hostLocal(100);
      const refRow = (s: number[] | undefined, label: string) => (s ? { reference: { ...stats(s), label } } : {});
      rows.push({
        name: 'AddNetwork, 1 caller',
        ours: stats(add1),
        unit: 'ms',
        ...refRow(ref?.add, 'host-local ADD (exec, file store)'),
      });
      rows.push({
        name: 'DelNetwork, 1 caller',
        ours: stats(del1),
        unit: 'ms',
        ...refRow(ref?.del, 'host-local DEL (exec, file store)'),
      });
      rows.push({
        name: 'AddNetwork, 100 concurrent callers',
        ours: stats(add100),
        unit: 'ms',
        note: `group commit: one fsync covers concurrent changes; EC2 calls during the whole run: ${ec2Calls}; load average ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`,
      });
      rows.push({ name: 'DelNetwork, 100 concurrent callers', ours: stats(del100), unit: 'ms' });
      rows.push({
        name: 'ipamd CPU per ADD+DEL cycle, 1 caller',
        ours: stats([(cpu1 - cpu0) / 500]),
        unit: 'ms',
        note: 'user+system time of the ipamd process / cycles: independent of machine load',
      });
      rows.push({ name: 'ipamd CPU per ADD+DEL cycle, 100 callers', ours: stats([(cpu2 - cpu1) / 500]), unit: 'ms' });
      rows.push({ name: 'ipamd RSS after start-up', ours: stats([rssStart]), unit: 'MiB' });
      rows.push({
        name: 'ipamd RSS after 1,020 ADD/DEL cycles',
        ours: stats([rssAfter]),
        unit: 'MiB',
        note: `growth ${(rssAfter - rssStart).toFixed(1)} MiB`,
      });
      return rows;
    } finally {
      await p.stop();
      p.cleanup();
      await sim.stop();
    }
  },
};
