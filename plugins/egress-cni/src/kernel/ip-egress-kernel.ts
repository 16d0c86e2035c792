// SPDX-License-Identifier: Apache-2.0
import { readFile, writeFile } from 'node:fs/promises';

import { netnsFileExists, type ProcessRunner, SpawnRunner } from '@vpc-cni-ts/sdk/kernel';

import { type EgressPlan } from '../plan/egress-plan';
import { type EgressKernel } from './egress-kernel';

/** A failed kernel step, naming the operation and what the tool said. */
export class ToolError extends Error {
  constructor(
    readonly op: string,
    readonly detail: string,
  ) {
    super(`${op}: ${detail}`);
    this.name = 'ToolError';
  }
}

const NOT_FOUND = /does not exist|cannot find device|no such (file|device)|cannot open network namespace/i;
const trim = (s: string): string => s.trim().split('\n').slice(0, 4).join('; ');

/** {@link EgressKernel} over iproute2, nsenter and iptables-restore; one process per step. */
export class IpEgressKernel implements EgressKernel {
  constructor(
    private readonly runner: ProcessRunner = new SpawnRunner(),
    private readonly procSys = '/proc/sys',
  ) {}

  private async run(op: string, cmd: string, args: readonly string[], input?: string): Promise<string> {
    const r = await this.runner.run(cmd, args, { input, context: { op } });
    if (r.code !== 0) throw new ToolError(op, trim(r.stderr || r.stdout) || `exit code ${r.code}`);
    return r.stdout;
  }

  async setHostSysctl(path: string, value: string): Promise<void> {
    const file = `${this.procSys}/${path}`;
    const cur = await readFile(file, 'utf8').catch(() => '');
    if (cur.trim() !== value) await writeFile(file, value);
  }

  async createInterfaces(netns: string, plan: EgressPlan): Promise<void> {
    await this.run(`create veth ${plan.hostVeth}`, 'ip', plan.vethArgs);
    try {
      const script =
        plan.podSysctls
          .map((s) => `[ -e /proc/sys/${s.path} ] && printf %s ${s.value} > /proc/sys/${s.path}; `)
          .join('') + `exec ip -${plan.family} -batch -`;
      await this.run(
        `configure pod end in ${netns}`,
        'nsenter',
        [`--net=${netns}`, '--', 'sh', '-c', script],
        plan.podBatch.join('\n') + '\n',
      );
      await this.run(
        `configure host end ${plan.hostVeth}`,
        'ip',
        [`-${plan.family}`, '-batch', '-'],
        plan.hostBatch.join('\n') + '\n',
      );
    } catch (err) {
      await this.runner.run('ip', ['link', 'del', 'dev', plan.hostVeth]).catch(() => undefined);
      throw err;
    }
  }

  async deletePodInterface(netns: string, ifName: string): Promise<string[]> {
    if (!(await this.netnsExists(netns))) return [];
    const r = await this.runner.run('nsenter', [
      `--net=${netns}`,
      '--',
      'sh',
      '-c',
      'ip -j addr show dev "$1" && ip link del dev "$1"',
      'sh',
      ifName,
    ]);
    if (r.code !== 0) {
      const d = trim(r.stderr || r.stdout);
      if (NOT_FOUND.test(d)) return [];
      throw new ToolError(`delete ${ifName} in ${netns}`, d);
    }
    try {
      const j = JSON.parse(r.stdout.split('\n')[0] || '[]') as { addr_info?: { local?: string; scope?: string }[] }[];
      return (j[0]?.addr_info ?? [])
        .filter((a) => a.scope !== 'link' || a.local?.startsWith('169.254.'))
        .map((a) => a.local ?? '');
    } catch {
      return [];
    }
  }

  saveRules(family: 4 | 6, table?: 'nat' | 'filter'): Promise<string> {
    return this.run('iptables-save', family === 4 ? 'iptables-save' : 'ip6tables-save', table ? ['-t', table] : []);
  }

  async restoreRules(family: 4 | 6, input: string): Promise<void> {
    if (!input) return;
    await this.run(
      'iptables-restore',
      family === 4 ? 'iptables-restore' : 'ip6tables-restore',
      ['-w', '5', '--noflush'],
      input,
    );
  }

  /** A live namespace: the file exists and is an nsfs mount (the SDK's check; a deleted one may leave a file). */
  async netnsExists(netns: string): Promise<boolean> {
    return netns ? netnsFileExists({ kind: 'path', path: netns }) : false;
  }
}
