// SPDX-License-Identifier: Apache-2.0
/**
 * Throwaway network namespaces for privileged tests (root only). Each gets a random name with a prefix
 * (e.g. "vct-kern-3f9a1c"), loopback up, and is deleted afterwards whatever happens — deleting the namespace also
 * removes every link, address, route, rule, neighbour, iptables/nft rule and qdisc inside it.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { IpRoute2Kernel } from '../kernel/iproute2-kernel';
import { type Kernel } from '../kernel/kernel-port';
import { type NetnsRef } from '../kernel/netns';

/** A namespace made for a test. */
export interface TempNetns {
  readonly name: string;
  /** /run/netns/<name> */
  readonly path: string;
  readonly ref: NetnsRef;
  /** Deletes it (idempotent). */
  destroy(): Promise<void>;
}

export interface TempNetnsOptions {
  /** Name prefix; default "vct-test". Keep it short: names must fit ip's limits (<= 64 chars). */
  readonly prefix?: string;
  /** Kernel used to create/delete (default a fresh {@link IpRoute2Kernel}). */
  readonly kernel?: Kernel;
  /** Bring loopback up (default true). */
  readonly loopbackUp?: boolean;
}

/** True when running as root (privileged tests run only then). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** A random name "<prefix>-<6 hex>". */
export function tempNetnsName(prefix = 'vct-test'): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** Creates one throwaway namespace; the caller must `destroy()` it (prefer {@link withTempNetns}). */
export async function createTempNetns(opts: TempNetnsOptions = {}): Promise<TempNetns> {
  const kernel = opts.kernel ?? new IpRoute2Kernel();
  const name = tempNetnsName(opts.prefix);
  const ref = await kernel.createNetns(name);
  let gone = false;
  const ns: TempNetns = {
    name,
    path: `/run/netns/${name}`,
    ref,
    destroy: async () => {
      if (gone) return;
      gone = true;
      await kernel.deleteNetns(name, { missingOk: true });
    },
  };
  if (opts.loopbackUp !== false) {
    try {
      await kernel.batch(ref).setLinkUp('lo').commit();
    } catch (e) {
      await ns.destroy();
      throw e;
    }
  }
  return ns;
}

/** Runs `fn` with `count` fresh namespaces and deletes them afterwards, even when `fn` throws. */
export async function withTempNetnses<T>(
  count: number,
  fn: (nss: TempNetns[]) => Promise<T>,
  opts: TempNetnsOptions = {},
): Promise<T> {
  const made: TempNetns[] = [];
  try {
    for (let i = 0; i < count; i++) made.push(await createTempNetns(opts));
    return await fn(made);
  } finally {
    for (const ns of made) await ns.destroy().catch(() => undefined);
  }
}

/** Runs `fn` with one fresh namespace and deletes it afterwards, even when `fn` throws. */
export function withTempNetns<T>(fn: (ns: TempNetns) => Promise<T>, opts: TempNetnsOptions = {}): Promise<T> {
  return withTempNetnses(1, ([ns]) => fn(ns), opts);
}

/** What a command run in a namespace printed, and how it ended. */
export interface NetnsExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `cmd args…` inside a test namespace (`nsenter --net=<path>`), never through a shell; resolves with the exit
 * code and output (rejects only when it cannot start or times out, default 10 s).
 */
export function execInNetns(
  ns: Pick<TempNetns, 'path'>,
  cmd: string,
  args: readonly string[],
  opts: { readonly input?: string; readonly timeoutMs?: number } = {},
): Promise<NetnsExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'nsenter',
      [`--net=${ns.path}`, '--', cmd, ...args],
      { timeout: opts.timeoutMs ?? 10_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: unknown; killed?: boolean }) | null;
        if (e && (typeof e.code === 'string' || e.killed)) reject(e);
        else resolve({ code: e ? Number(e.code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(opts.input ?? '');
  });
}

/** True when `count` pings from inside `ns` to `ip` (optionally from source `from`) all get answers. */
export async function canPing(
  ns: Pick<TempNetns, 'path'>,
  ip: string,
  opts: { readonly from?: string; readonly count?: number } = {},
): Promise<boolean> {
  const count = opts.count ?? 1;
  const args = ['-n', '-q', '-c', String(count), '-i', '0.2', '-W', '2', ...(opts.from ? ['-I', opts.from] : []), ip];
  const r = await execInNetns(ns, 'ping', args, { timeoutMs: 5_000 + count * 1_000 });
  return r.code === 0 && new RegExp(`${count} received`).test(r.stdout);
}
