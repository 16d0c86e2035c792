// SPDX-License-Identifier: Apache-2.0
/**
 * What went wrong, coarse enough for callers to act on:
 * - `exists`: the object is already there (EEXIST) — idempotent callers usually ignore it on add;
 * - `not-found`: the object, device or namespace is not there (ENOENT, ENODEV, ESRCH, EADDRNOTAVAIL) — ignore on delete;
 * - `invalid-argument`: bad input, rejected before anything ran or by the tool/kernel (EINVAL, parse errors);
 * - `not-supported`: the kernel lacks the feature (e.g. no 8021q: "Unknown device type");
 * - `missing-binary`: the tool (ip, tc, nsenter, iptables-restore, nft, sysctl) could not be executed;
 * - `timeout`: a wait (e.g. IPv6 DAD) did not finish in time;
 * - `failed`: anything else.
 */
export type KernelErrorKind =
  'exists' | 'not-found' | 'invalid-argument' | 'not-supported' | 'missing-binary' | 'timeout' | 'failed';

/** Details of a {@link KernelError}. */
export interface KernelErrorInit {
  readonly kind: KernelErrorKind;
  /** The operation, e.g. "add route", "add veth", "iptables-restore". */
  readonly op: string;
  /** The namespace it ran in, as text ("host", "netns vct-1", "netns /var/run/netns/cni-…"). */
  readonly netns?: string;
  /** The object acted on, e.g. "10.99.1.2/32 dev eni1a2b table 2". */
  readonly object?: string;
  /** What the tool or kernel said, trimmed. */
  readonly detail: string;
  /** 0-based index of the failing operation within a batch, when the error comes from a batch. */
  readonly opIndex?: number;
  /** Number of operations of the batch that had been applied before the failure. */
  readonly applied?: number;
  readonly cause?: unknown;
}

/**
 * The one error type of the kernel ports. The message names the operation, the object and the namespace, e.g.
 * `add route 10.99.1.2/32 dev eni1a2b table 2 in netns vct-1: file exists`.
 */
export class KernelError extends Error {
  readonly kind: KernelErrorKind;
  readonly op: string;
  readonly netns?: string;
  readonly object?: string;
  readonly detail: string;
  readonly opIndex?: number;
  readonly applied?: number;

  constructor(init: KernelErrorInit) {
    const where = init.netns ? ` in ${init.netns}` : '';
    const what = init.object ? ` ${init.object}` : '';
    super(`${init.op}${what}${where}: ${init.detail}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'KernelError';
    this.kind = init.kind;
    this.op = init.op;
    this.netns = init.netns;
    this.object = init.object;
    this.detail = init.detail;
    this.opIndex = init.opIndex;
    this.applied = init.applied;
  }
}

/** True when `err` is a {@link KernelError} of one of the given kinds (any kind when none given). */
export function isKernelError(err: unknown, ...kinds: KernelErrorKind[]): err is KernelError {
  return err instanceof KernelError && (kinds.length === 0 || kinds.includes(err.kind));
}

/** Throws an `invalid-argument` error; used by validators. */
export function invalidArgument(op: string, detail: string, object?: string): never {
  throw new KernelError({ kind: 'invalid-argument', op, object, detail });
}

const PATTERNS: ReadonlyArray<readonly [RegExp, KernelErrorKind]> = [
  [/file exists|already exists|exists already|already assigned|exclusivity flag on/i, 'exists'],
  [
    /unknown device type|operation not supported|not supported|classifier not found|unknown qdisc|specified qdisc kind is unknown/i,
    'not-supported',
  ],
  [
    /cannot find device|handle of zero|no such device|does not exist|no such file or directory|no such process|cannot assign requested address|cannot open network namespace|not found|cannot find specified|no chain\/target\/match|could not process rule: no such/i,
    'not-found',
  ],
  [
    /invalid argument|is a garbage|is expected|invalid |error: .*expected|bad |unknown|not a valid|illegal|too long|syntax error|numerical result out of range/i,
    'invalid-argument',
  ],
];

/** Maps a tool's or the kernel's error text to a {@link KernelErrorKind}; `failed` when nothing matches. */
export function classifyErrorText(text: string): KernelErrorKind {
  for (const [re, kind] of PATTERNS) if (re.test(text)) return kind;
  return 'failed';
}

/** Shortens a tool's stderr to the meaningful part ("RTNETLINK answers: File exists" -> "file exists"). */
export function cleanErrorText(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Command failed /.test(l) && !/^Dump terminated/.test(l));
  const joined = lines.join('; ') || text.trim() || 'failed with no message';
  const stripped = joined.replace(/^RTNETLINK answers: /, '').replace(/^Error: /, '');
  return stripped.charAt(0).toLowerCase() + stripped.slice(1);
}
