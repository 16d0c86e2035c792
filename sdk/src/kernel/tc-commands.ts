// SPDX-License-Identifier: Apache-2.0
/** Pure `tc -batch` lines for {@link TcOp}s and parsers of `tc -j` output. */
import { KernelError } from './errors';
import { type Tolerate } from './ops';
import { type Qdisc, type TbfSpec, type TcFilter } from './tc-port';
import { validateIfName } from './validate';

export type TcOp = { readonly tolerate?: Tolerate } & (
  | {
      readonly kind: 'tbf';
      readonly dev: string;
      readonly rate: number;
      readonly burst: number;
      readonly latencyMs?: number;
      readonly limit?: number;
      readonly handle?: string;
    }
  | { readonly kind: 'ingress'; readonly dev: string }
  | { readonly kind: 'redirect'; readonly dev: string; readonly ifb: string; readonly flowid?: string }
  | { readonly kind: 'delete-qdisc'; readonly dev: string; readonly which: 'root' | 'ingress' }
);

function positiveInt(n: number, field: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > max) {
    throw new KernelError({
      kind: 'invalid-argument',
      op: 'validate tbf',
      detail: `${field} must be a positive integer: ${JSON.stringify(n)}`,
    });
  }
  return n;
}

const HANDLE = /^[0-9a-f]{1,4}:$/;
const CLASS_ID = /^[0-9a-f]{1,4}:[0-9a-f]{1,4}$/;

/** Validates a tc handle (`"1:"`) or class id (`"1:1"`): lower-case hex, nothing else. */
export function validateTcId(v: unknown, what: 'handle' | 'flowid'): string {
  if (typeof v !== 'string' || !(what === 'handle' ? HANDLE : CLASS_ID).test(v)) {
    throw new KernelError({
      kind: 'invalid-argument',
      op: `validate ${what}`,
      detail: `${what} must look like ${what === 'handle' ? '"1:"' : '"1:1"'} (lower-case hex): ${JSON.stringify(v)}`,
    });
  }
  return v;
}

export function tbfOp(s: TbfSpec): TcOp {
  const base = {
    kind: 'tbf' as const,
    dev: validateIfName(s.dev),
    rate: positiveInt(s.rateBitsPerSec, 'rate (bit/s)'),
    burst: positiveInt(s.burstBytes, 'burst (bytes)', 0xffffffff),
    ...(s.handle !== undefined ? { handle: validateTcId(s.handle, 'handle') } : {}),
  };
  if (s.limitBytes !== undefined) return { ...base, limit: positiveInt(s.limitBytes, 'limit (bytes)', 0xffffffff) };
  return { ...base, latencyMs: positiveInt(s.latencyMs ?? 25, 'latency (ms)', 3_600_000) };
}

/** The `tc -batch` line for one op. */
export function tcBatchLine(op: TcOp): string {
  switch (op.kind) {
    case 'tbf':
      return `qdisc replace dev ${op.dev} root ${op.handle ? `handle ${op.handle} ` : ''}tbf rate ${op.rate}bit burst ${op.burst} ${op.limit !== undefined ? `limit ${op.limit}` : `latency ${op.latencyMs}ms`}`;
    case 'ingress':
      return `qdisc add dev ${op.dev} handle ffff: ingress`;
    case 'redirect':
      return `filter add dev ${op.dev} parent ffff: protocol all prio 1 u32 match u32 0 0 ${op.flowid ? `flowid ${op.flowid} ` : ''}action mirred egress redirect dev ${op.ifb}`;
    case 'delete-qdisc':
      return op.which === 'root' ? `qdisc del dev ${op.dev} root` : `qdisc del dev ${op.dev} ingress`;
  }
}

export function describeTcOp(op: TcOp): { op: string; object: string } {
  switch (op.kind) {
    case 'tbf':
      return { op: 'set tbf qdisc', object: `dev ${op.dev} rate ${op.rate}bit burst ${op.burst}` };
    case 'ingress':
      return { op: 'add ingress qdisc', object: `dev ${op.dev}` };
    case 'redirect':
      return { op: 'add ingress redirect', object: `dev ${op.dev} -> ${op.ifb}` };
    case 'delete-qdisc':
      return { op: `delete ${op.which} qdisc`, object: `dev ${op.dev}` };
  }
}

type Json = Record<string, unknown>;

/** `tc -j qdisc show` (tbf rate is reported in bytes per second). */
export function parseQdiscs(v: unknown): Qdisc[] {
  if (!Array.isArray(v)) return [];
  return (v as Json[]).map((q) => {
    const o = (q.options ?? {}) as Json;
    const rate = typeof o.rate === 'number' ? o.rate * 8 : undefined;
    return {
      dev: String(q.dev ?? ''),
      kind: String(q.kind ?? ''),
      handle: String(q.handle ?? ''),
      root: q.root === true,
      ...(typeof q.parent === 'string' ? { parent: q.parent } : {}),
      ...(q.kind === 'tbf' && rate !== undefined ? { rateBitsPerSec: rate } : {}),
      ...(q.kind === 'tbf' && typeof o.burst === 'number' ? { burstBytes: o.burst } : {}),
    };
  });
}

/** `tc -j filter show dev X parent P`: one entry per filter element that carries options (the hash tables are skipped). */
export function parseFilters(v: unknown, dev: string): TcFilter[] {
  if (!Array.isArray(v)) return [];
  const out: TcFilter[] = [];
  for (const f of v as Json[]) {
    const o = f.options as Json | undefined;
    if (f.kind === 'u32' && (!o || !Array.isArray(o.actions))) continue;
    const acts = (o?.actions ?? []) as Json[];
    const mirred = acts.find((a) => a.kind === 'mirred');
    out.push({
      dev,
      kind: String(f.kind ?? ''),
      protocol: String(f.protocol ?? ''),
      pref: Number(f.pref ?? 0),
      ...(mirred && typeof mirred.to_dev === 'string' ? { redirectTo: mirred.to_dev } : {}),
      ...(typeof o?.flowid === 'string' ? { flowid: o.flowid } : {}),
    });
  }
  return out;
}
