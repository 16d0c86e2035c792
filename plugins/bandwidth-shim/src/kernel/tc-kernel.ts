// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';

import { type ProcessRunner, SpawnRunner } from '@vpc-cni-ts/sdk/kernel';

import { type ShapingPlan, ipBatch, tcBatch } from '../plan/shaping-plan';
import { DEFAULT_TICKS_PER_USEC, ticksPerUsecFromPsched } from '../plan/tbf';
import { type HostLink, type ObservedShaping, type ObservedTbf, type ShapingKernel } from './shaping-kernel';

/** Error from a kernel tool, naming the operation and what the tool said. */
export class ToolError extends Error {
  constructor(
    readonly op: string,
    readonly detail: string,
    readonly notFound: boolean,
  ) {
    super(`${op}: ${detail}`);
    this.name = 'ToolError';
  }
}

const NOT_FOUND = /does not exist|cannot find device|no such (file|device)|not found|cannot open network namespace/i;

interface LinkJson {
  ifindex: number;
  ifname: string;
  mtu: number;
  address?: string;
  link_index?: number;
  linkinfo?: { info_kind?: string };
}
interface QdiscJson {
  kind: string;
  handle?: string;
  root?: boolean;
  options?: { rate?: number; burst?: number | string };
}
interface FilterJson {
  options?: { actions?: { kind?: string; to_dev?: string }[] };
}

function parseTbf(q: QdiscJson | undefined): ObservedTbf | undefined {
  if (!q || q.kind !== 'tbf' || !q.options) return undefined;
  if (typeof q.options.burst === 'number') return { rateBytes: q.options.rate ?? 0, burstBytes: q.options.burst };
  const burst = /^(\d+(?:\.\d+)?)([KMG]?)b/i.exec(q.options.burst ?? '');
  const mult = { '': 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 }[(burst?.[2] ?? '').toUpperCase()] ?? 1;
  return { rateBytes: q.options.rate ?? 0, burstBytes: burst ? Math.round(Number(burst[1]) * mult) : 0 };
}

/** {@link ShapingKernel} over iproute2 (`ip -j`, `ip -batch`, `tc -batch`), one process per step. */
export class TcShapingKernel implements ShapingKernel {
  constructor(
    private readonly runner: ProcessRunner = new SpawnRunner(),
    private readonly pschedPath = '/proc/net/psched',
  ) {}

  private async run(op: string, cmd: string, args: readonly string[], input?: string): Promise<string> {
    const r = await this.runner.run(cmd, args, { input, context: { op } });
    if (r.code !== 0) {
      const detail = (r.stderr || r.stdout).trim().split('\n').slice(0, 4).join('; ') || `exit code ${r.code}`;
      throw new ToolError(op, detail, NOT_FOUND.test(detail));
    }
    return r.stdout;
  }

  async containerPeerIndex(netns: string, ifName: string): Promise<number | undefined> {
    const args = [`--net=${netns}`, '--', 'ip', '-d', '-j', 'link', 'show', 'dev', ifName];
    const links = JSON.parse(await this.run(`look up ${ifName} in ${netns}`, 'nsenter', args)) as LinkJson[];
    const l = links[0];
    if (!l || l.linkinfo?.info_kind !== 'veth' || l.link_index === undefined) return undefined;
    return l.link_index;
  }

  async hostLinks(): Promise<readonly HostLink[]> {
    const links = JSON.parse(await this.run('list host links', 'ip', ['-j', 'link', 'show'])) as LinkJson[];
    return links.map((l) => ({ index: l.ifindex, name: l.ifname, mtu: l.mtu, mac: l.address ?? '' }));
  }

  async apply(plan: ShapingPlan): Promise<void> {
    const ip = ipBatch(plan);
    const tc = tcBatch(plan);
    try {
      if (ip.length) await this.run('create ifb', 'ip', ['-batch', '-'], ip.join('\n') + '\n');
      if (tc.length) await this.run(`add qdiscs on ${plan.hostVeth}`, 'tc', ['-batch', '-'], tc.join('\n') + '\n');
    } catch (err) {
      await this.bestEffort('tc', ['qdisc', 'del', 'dev', plan.hostVeth, 'root']);
      await this.bestEffort('tc', ['qdisc', 'del', 'dev', plan.hostVeth, 'ingress']);
      if (plan.egress) await this.bestEffort('ip', ['link', 'del', 'dev', plan.egress.ifb]);
      throw err;
    }
  }

  /** Runs a clean-up step whose failure (even a missing tool) must not hide the error being handled. */
  private async bestEffort(cmd: string, args: readonly string[]): Promise<void> {
    await this.runner.run(cmd, args).catch(() => undefined);
  }

  async deleteLink(name: string): Promise<void> {
    try {
      await this.run(`delete link ${name}`, 'ip', ['link', 'del', 'dev', name]);
    } catch (err) {
      if (err instanceof ToolError && err.notFound) return;
      throw err;
    }
  }

  async observe(hostVeth: string, ifb: string): Promise<ObservedShaping> {
    const [vq, vf, iq] = await Promise.all([
      this.run(`list qdiscs of ${hostVeth}`, 'tc', ['-j', 'qdisc', 'show', 'dev', hostVeth]),
      this.run(`list filters of ${hostVeth}`, 'tc', ['-j', 'filter', 'show', 'dev', hostVeth, 'ingress']),
      this.runner.run('tc', ['-j', 'qdisc', 'show', 'dev', ifb]),
    ]);
    const vethQdiscs = JSON.parse(vq || '[]') as QdiscJson[];
    const filters = JSON.parse(vf || '[]') as FilterJson[];
    const ifbQdiscs = iq.code === 0 ? (JSON.parse(iq.stdout || '[]') as QdiscJson[]) : [];
    return {
      vethTbf: parseTbf(vethQdiscs.find((q) => q.kind === 'tbf' && q.root)),
      vethIngressQdisc: vethQdiscs.some((q) => q.kind === 'ingress'),
      redirectsTo: filters.flatMap((f) =>
        (f.options?.actions ?? []).filter((a) => a.kind === 'mirred' && a.to_dev).map((a) => a.to_dev as string),
      ),
      ifbExists: iq.code === 0,
      ifbTbf: parseTbf(ifbQdiscs.find((q) => q.kind === 'tbf' && q.root)),
    };
  }

  async ticksPerUsec(): Promise<number> {
    try {
      return ticksPerUsecFromPsched(await readFile(this.pschedPath, 'utf8'));
    } catch {
      return DEFAULT_TICKS_PER_USEC;
    }
  }
}
