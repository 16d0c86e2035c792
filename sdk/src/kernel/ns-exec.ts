// SPDX-License-Identifier: Apache-2.0
/**
 * How a tool runs inside a namespace: directly for the host; with the tool's own `-n <name>` for named
 * namespaces when it has one (ip, tc: saves the nsenter exec); `nsenter --net=<file> -- tool …` otherwise.
 * One process either way (nsenter execs the tool).
 */
import { type NetnsRef } from './netns';

export interface NsExecOptions {
  /** Path of nsenter (default "nsenter"). */
  readonly nsenter: string;
  /** The tool understands `-n <netns name>` (iproute2's ip and tc). */
  readonly nativeNetnsFlag?: boolean;
}

/** The command and arguments that run `tool args…` inside `ns`. */
export function commandInNetns(
  ns: NetnsRef,
  tool: string,
  args: readonly string[],
  o: NsExecOptions,
): [string, string[]] {
  if (ns.kind === 'host') return [tool, [...args]];
  if (ns.kind === 'name' && o.nativeNetnsFlag) return [tool, ['-n', ns.name, ...args]];
  const file = ns.kind === 'name' ? `/run/netns/${ns.name}` : ns.path;
  return [o.nsenter, [`--net=${file}`, '--', tool, ...args]];
}
