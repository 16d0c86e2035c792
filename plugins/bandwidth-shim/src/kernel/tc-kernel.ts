// SPDX-License-Identifier: Apache-2.0
import { readFile } from 'node:fs/promises';

import {
  HOST_NETNS,
  type ProcessRunner,
  type Qdisc,
  SpawnRunner,
  TcTrafficControl,
  type TrafficControl,
} from '@vpc-cni-ts/sdk/kernel';

import { type ShapingPlan, ipBatch, queueShaping } from '../plan/shaping-plan';
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
function observedTbf(qdiscs: readonly Qdisc[] | undefined): ObservedTbf | undefined {
  const q = qdiscs?.find((x) => x.kind === 'tbf' && x.root);
  if (!q) return undefined;
  return { rateBytes: (q.rateBitsPerSec ?? 0) / 8, burstBytes: q.burstBytes ?? 0 };
}

/**
 * {@link ShapingKernel} over iproute2, one process per step: links through `ip -j` / `ip -batch` (the SDK's ifb
 * cannot be given the MAC and txqueuelen 0 the result and the reference need), qdiscs and filters through the SDK's
 * {@link TrafficControl} (`tc -batch`, `tc -j`).
 */
export class TcShapingKernel implements ShapingKernel {
  private readonly tc: TrafficControl;

  constructor(
    private readonly runner: ProcessRunner = new SpawnRunner(),
    private readonly pschedPath = '/proc/net/psched',
    tc?: TrafficControl,
  ) {
    this.tc = tc ?? new TcTrafficControl({ runner });
  }

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
    try {
      const tc = queueShaping(this.tc.batch(HOST_NETNS), plan);
      if (ip.length) await this.run('create ifb', 'ip', ['-batch', '-'], ip.join('\n') + '\n');
      if (tc.size) await tc.commit();
    } catch (err) {
      const gone = { missingOk: true };
      await this.tc
        .batch(HOST_NETNS)
        .deleteQdisc(plan.hostVeth, 'root', gone)
        .deleteQdisc(plan.hostVeth, 'ingress', gone)
        .commit()
        .catch(() => undefined);
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
    const [vethQdiscs, filters, ifbQdiscs] = await Promise.all([
      this.tc.listQdiscs(HOST_NETNS, hostVeth),
      this.tc.listFilters(HOST_NETNS, hostVeth, 'ingress'),
      this.tc.listQdiscs(HOST_NETNS, ifb).catch(() => undefined),
    ]);
    return {
      vethTbf: observedTbf(vethQdiscs),
      vethIngressQdisc: vethQdiscs.some((q) => q.kind === 'ingress'),
      redirectsTo: filters.flatMap((f) => (f.redirectTo ? [f.redirectTo] : [])),
      ifbExists: ifbQdiscs !== undefined,
      ifbTbf: observedTbf(ifbQdiscs),
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
