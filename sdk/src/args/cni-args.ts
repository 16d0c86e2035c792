// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../errors/cni-error';

/** Keys containerd/CRI-O (and Multus) send in CNI_ARGS for Kubernetes pods. */
export const K8S_ARG_KEYS = Object.freeze([
  'K8S_POD_NAME',
  'K8S_POD_NAMESPACE',
  'K8S_POD_INFRA_CONTAINER_ID',
  'K8S_POD_UID',
] as const);

/** Parsed CNI_ARGS. Keys are case-sensitive, order is not meaningful. */
export interface CniArgs {
  readonly K8S_POD_NAME?: string;
  readonly K8S_POD_NAMESPACE?: string;
  readonly K8S_POD_INFRA_CONTAINER_ID?: string;
  readonly K8S_POD_UID?: string;
  /** `IgnoreUnknown` was `1` or `true` (any case). */
  readonly ignoreUnknown: boolean;
  /** Every pair as sent (last one wins on duplicates). */
  readonly values: ReadonlyMap<string, string>;
}

export interface ParseCniArgsOptions {
  /** Keys the plugin understands besides the K8S_* keys and IgnoreUnknown (e.g. `IP`, `MAC`). */
  readonly knownKeys?: readonly string[];
}

/**
 * Parses `K=V;K2=V2` (CNI_ARGS). A value may contain `=` (split on the first one). An unknown key is an error
 * unless `IgnoreUnknown` is `1`/`true` (case-insensitive), as in the Go library.
 * @throws CniError 4 naming the bad pair or the unknown keys (Go reports 999 here; the variable is invalid env).
 */
export function parseCniArgs(raw: string | undefined, opts: ParseCniArgsOptions = {}): CniArgs {
  const values = new Map<string, string>();
  for (const pair of (raw ?? '').split(';')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new CniError(
        CniErrorCode.InvalidEnvironmentVariables,
        `CNI_ARGS: invalid pair "${pair}": expected KEY=VALUE`,
      );
    }
    values.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const ignore = values.get('IgnoreUnknown');
  const ignoreUnknown = ignore !== undefined && ['1', 'true'].includes(ignore.toLowerCase());
  if (!ignoreUnknown) {
    const known = new Set<string>([...K8S_ARG_KEYS, 'IgnoreUnknown', ...(opts.knownKeys ?? [])]);
    const unknown = [...values.keys()].filter((k) => !known.has(k));
    if (unknown.length) {
      throw new CniError(
        CniErrorCode.InvalidEnvironmentVariables,
        `CNI_ARGS: unknown args [${unknown.join(', ')}] (set IgnoreUnknown=1 to allow them)`,
      );
    }
  }
  const out: { -readonly [K in keyof CniArgs]: CniArgs[K] } = { ignoreUnknown, values };
  for (const k of K8S_ARG_KEYS) {
    const v = values.get(k);
    if (v !== undefined) out[k] = v;
  }
  return Object.freeze(out);
}

/** Formats pairs back into a CNI_ARGS string (for runtimes and tests). */
export function formatCniArgs(pairs: Iterable<readonly [string, string]>): string {
  return [...pairs].map(([k, v]) => `${k}=${v}`).join(';');
}
