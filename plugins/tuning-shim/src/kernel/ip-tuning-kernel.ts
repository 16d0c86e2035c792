// SPDX-License-Identifier: Apache-2.0
import { netnsFileExists, type ProcessRunner, SpawnRunner } from '@vpc-cni-ts/sdk/kernel';

import { type LinkSettings, type SysctlEntry } from '../config/tuning-config';
import { type LinkState, type TuningKernel } from './tuning-kernel';

/** A failed kernel step, naming the operation and what the tool said. */
export class ToolError extends Error {
  constructor(op: string, detail: string) {
    super(`${op}: ${detail}`);
    this.name = 'ToolError';
  }
}

interface LinkJson {
  address?: string;
  mtu: number;
  flags?: string[];
  txqlen?: number;
}

// Writes "$path" "$value" pairs under /proc/sys, then dumps the link; one process per namespace visit.
const WRITE_SCRIPT =
  'ifn=$1; shift; while [ $# -gt 1 ]; do printf %s "$2" > "/proc/sys/$1" || { echo "sysctl $1: write failed" >&2; exit 3; }; shift 2; done; exec ip -d -j link show dev "$ifn"';
const READ_SCRIPT =
  'ifn=$1; shift; for p in "$@"; do printf "%s\\0" "$(cat "/proc/sys/$p")" || exit 3; done; printf "\\n"; exec ip -d -j link show dev "$ifn"';

function toState(text: string, ifName: string): LinkState {
  const l = (JSON.parse(text) as LinkJson[])[0];
  if (!l) throw new ToolError(`read ${ifName}`, 'no such interface');
  const flags = l.flags ?? [];
  return {
    mac: (l.address ?? '').toLowerCase(),
    mtu: l.mtu,
    promisc: flags.includes('PROMISC'),
    allmulti: flags.includes('ALLMULTI'),
    txQLen: l.txqlen ?? 0,
  };
}

/** `ip link set` arguments for the defined settings, in the reference's order (mac, promisc, mtu, allmulti, txqlen). */
export function linkSetArgs(ifName: string, s: LinkSettings): string[] {
  const a = ['link', 'set', 'dev', ifName];
  if (s.mac !== undefined) a.push('address', s.mac);
  if (s.promisc !== undefined) a.push('promisc', s.promisc ? 'on' : 'off');
  if (s.mtu !== undefined) a.push('mtu', String(s.mtu));
  if (s.allmulti !== undefined) a.push('allmulticast', s.allmulti ? 'on' : 'off');
  if (s.txQLen !== undefined) a.push('txqueuelen', String(s.txQLen));
  return a;
}

/** {@link TuningKernel} over `nsenter`, `sh` and iproute2. */
export class IpTuningKernel implements TuningKernel {
  constructor(private readonly runner: ProcessRunner = new SpawnRunner()) {}

  private async ns(op: string, netns: string, args: string[]): Promise<string> {
    const r = await this.runner.run('nsenter', [`--net=${netns}`, '--', ...args], { context: { op, netns } });
    if (r.code !== 0)
      throw new ToolError(op, (r.stderr || r.stdout).trim().split('\n').slice(0, 3).join('; ') || `exit ${r.code}`);
    return r.stdout;
  }

  async writeSysctlsAndReadLink(netns: string, ifName: string, sysctls: readonly SysctlEntry[]): Promise<LinkState> {
    const args = sysctls.flatMap((s) => [s.path, s.value]);
    const out = await this.ns(`set sysctls in ${netns}`, netns, ['sh', '-c', WRITE_SCRIPT, 'sh', ifName, ...args]);
    return toState(out, ifName);
  }

  async setLink(netns: string, ifName: string, settings: LinkSettings): Promise<void> {
    const a = linkSetArgs(ifName, settings);
    if (a.length > 4) await this.ns(`set ${ifName} in ${netns}`, netns, ['ip', ...a]);
  }

  async read(netns: string, ifName: string, paths: readonly string[]): Promise<{ sysctls: string[]; link: LinkState }> {
    const out = await this.ns(`read ${ifName} in ${netns}`, netns, ['sh', '-c', READ_SCRIPT, 'sh', ifName, ...paths]);
    const nl = out.indexOf('\n');
    const values = out.slice(0, nl).split('\0').slice(0, paths.length);
    return { sysctls: values.map((v) => v.replace(/\n+$/, '')), link: toState(out.slice(nl + 1), ifName) };
  }

  /** A live namespace: the file exists and is an nsfs mount (the SDK's check; a deleted one may leave a file). */
  async netnsExists(netns: string): Promise<boolean> {
    return netns ? netnsFileExists({ kind: 'path', path: netns }) : false;
  }
}
