// SPDX-License-Identifier: Apache-2.0
/**
 * References to network namespaces. A namespace is named by where it lives:
 * - `host`: the namespace this process runs in;
 * - `name`: a file under /run/netns made by `ip netns add` (iproute2 enters it itself with `-n`);
 * - `path`: any namespace file, e.g. what CNI_NETNS holds (/var/run/netns/cni-…, /proc/<pid>/ns/net); entered
 *   with `nsenter --net=<path>`.
 * A Node process cannot enter a namespace itself (see README, hazards), so every adapter runs its tools inside.
 */
import { statfs } from 'node:fs/promises';

import { validateNetnsName, validateNetnsPath } from './validate';

export type NetnsRef =
  | { readonly kind: 'host' }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'path'; readonly path: string };

/** The namespace of this process. */
export const HOST_NETNS: NetnsRef = Object.freeze({ kind: 'host' });

/** A namespace created by `ip netns add <name>` (validated). */
export function netnsByName(name: string): NetnsRef {
  return Object.freeze({ kind: 'name', name: validateNetnsName(name) });
}

const NAMED_DIRS = ['/run/netns/', '/var/run/netns/'];

/**
 * A namespace given by path (CNI_NETNS). A path under /run/netns or /var/run/netns with a plain name becomes a
 * `name` reference, which iproute2 can enter without nsenter (one exec fewer).
 */
export function netnsByPath(path: string): NetnsRef {
  validateNetnsPath(path);
  for (const d of NAMED_DIRS) {
    const rest = path.startsWith(d) ? path.slice(d.length) : undefined;
    if (rest && /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/.test(rest)) return netnsByName(rest);
  }
  return Object.freeze({ kind: 'path', path });
}

/** The file a reference points to, or `undefined` for host. */
export function netnsFile(ns: NetnsRef): string | undefined {
  return ns.kind === 'host' ? undefined : ns.kind === 'name' ? `/run/netns/${ns.name}` : ns.path;
}

/** Human text for messages: "host netns", "netns vct-1", "netns /proc/1/ns/net". */
export function describeNetns(ns: NetnsRef): string {
  return ns.kind === 'host' ? 'host netns' : `netns ${ns.kind === 'name' ? ns.name : ns.path}`;
}

/** Two references name the same namespace file (textually). */
export function sameNetns(a: NetnsRef, b: NetnsRef): boolean {
  return netnsFile(a) === netnsFile(b);
}

const NSFS_MAGIC = 0x6e736673;

/**
 * True when the reference names a live network namespace: the file exists and is an nsfs mount (a namespace that
 * was deleted leaves either nothing or a plain empty file behind). No spawn.
 */
export async function netnsFileExists(ns: NetnsRef): Promise<boolean> {
  const file = netnsFile(ns);
  if (file === undefined) return true;
  try {
    const s = await statfs(file);
    return Number(s.type) === NSFS_MAGIC;
  } catch {
    return false;
  }
}
