// SPDX-License-Identifier: Apache-2.0
/**
 * Sysctls: in this process's namespace they are plain file writes under /proc/sys (no spawn); in another
 * namespace, one `sysctl -w k=v …` process inside it (/proc/sys/net shows the namespace of the process that opens
 * it, and Node cannot switch namespaces).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { KernelError } from './errors';
import { type NetnsRef, describeNetns } from './netns';
import { commandInNetns } from './ns-exec';
import { type ProcessRunner } from './process-runner';

export interface SysctlWrite {
  /** Slash form relative to /proc/sys. */
  readonly key: string;
  readonly value: string;
  readonly optional: boolean;
}

export interface SysctlIoOptions {
  readonly runner: ProcessRunner;
  readonly nsenter: string;
  readonly sysctl: string;
  /** Root of the sysctl tree for the host (default /proc/sys); tests may point it elsewhere. */
  readonly procSys: string;
}

/** Writes sysctls in order; returns the number of processes spawned. Throws on the first non-optional failure. */
export async function writeSysctls(ns: NetnsRef, writes: readonly SysctlWrite[], o: SysctlIoOptions): Promise<number> {
  const where = describeNetns(ns);
  if (ns.kind === 'host') {
    for (const w of writes) {
      try {
        await writeFile(join(o.procSys, w.key), w.value);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' && w.optional) continue;
        throw new KernelError({
          kind: code === 'ENOENT' ? 'not-found' : code === 'EINVAL' ? 'invalid-argument' : 'failed',
          op: 'set sysctl',
          object: `${w.key}=${w.value}`,
          netns: where,
          detail: (e as Error).message,
          cause: e,
        });
      }
    }
    return 0;
  }
  const [cmd, args] = commandInNetns(ns, o.sysctl, ['-q', '-w', ...writes.map((w) => `${w.key}=${w.value}`)], {
    nsenter: o.nsenter,
  });
  const r = await o.runner.run(cmd, args, { context: { op: 'set sysctl', netns: where } });
  if (r.code === 0) return 1;
  for (const line of r.stderr.split('\n').filter((l) => l.trim())) {
    const w = writes.find(
      (x) => line.includes(`/proc/sys/${x.key}:`) || line.includes(`"${x.key.replace(/\//g, '.')}"`),
    );
    const missing = /No such file or directory/.test(line);
    if (w && missing && w.optional) continue;
    throw new KernelError({
      kind: missing
        ? 'not-found'
        : /Invalid argument/.test(line)
          ? 'invalid-argument'
          : /cannot open/.test(line)
            ? 'not-found'
            : 'failed',
      op: 'set sysctl',
      object: w ? `${w.key}=${w.value}` : writes.map((x) => x.key).join(', '),
      netns: where,
      detail: line.replace(/^sysctl: /, '').trim(),
    });
  }
  return 1;
}

/** Reads one sysctl; `undefined` when the key does not exist. */
export async function readSysctlValue(ns: NetnsRef, key: string, o: SysctlIoOptions): Promise<string | undefined> {
  if (ns.kind === 'host') {
    try {
      return (await readFile(join(o.procSys, key), 'utf8')).trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new KernelError({
        kind: 'failed',
        op: 'read sysctl',
        object: key,
        netns: describeNetns(ns),
        detail: (e as Error).message,
        cause: e,
      });
    }
  }
  const [cmd, args] = commandInNetns(ns, o.sysctl, ['-n', key], { nsenter: o.nsenter });
  const r = await o.runner.run(cmd, args, { context: { op: 'read sysctl', netns: describeNetns(ns) } });
  if (r.code === 0) return r.stdout.trim();
  if (/No such file or directory/.test(r.stderr) && !/cannot open \//.test(r.stderr)) return undefined;
  throw new KernelError({
    kind: /cannot open/.test(r.stderr) ? 'not-found' : 'failed',
    op: 'read sysctl',
    object: key,
    netns: describeNetns(ns),
    detail: r.stderr.trim(),
  });
}
