// SPDX-License-Identifier: Apache-2.0
/**
 * Runs line-oriented batches (`ip -batch -`, `tc -batch -`) with per-line tolerance. Both tools stop at the first
 * failing line and print "Command failed -:N"; when that line's operation tolerates the failure kind (e.g.
 * `exists` for add-if-absent), the remaining lines are run again in a new process, so an idempotent batch costs
 * one process per tolerated failure plus one.
 */
import { KernelError, type KernelErrorKind, classifyErrorText, cleanErrorText } from './errors';
import { type ProcessRunner } from './process-runner';

export interface BatchLine {
  readonly text: string;
  /** Failure kind that counts as success for this line. */
  readonly tolerate?: KernelErrorKind;
  /** For errors: "add route" + "10.99.1.2/32 dev x table main". */
  readonly op: string;
  readonly object: string;
  /** Index of the operation in the caller's batch (for `opIndex`); default `firstIndex` + position. */
  readonly index?: number;
}

export interface LineBatchContext {
  readonly runner: ProcessRunner;
  /** Command and args that read batch lines from stdin inside the right namespace. */
  readonly command: readonly [string, readonly string[]];
  /** For errors: "netns vct-1". */
  readonly netns: string;
  /** Index of the first line within the caller's whole batch (for `opIndex`). */
  readonly firstIndex: number;
  readonly timeoutMs: number;
  /** Name of the tool for whole-process failures ("ip batch", "tc batch"). */
  readonly tool: string;
}

/** 1-based failing line ("Command failed -:N") and the message printed before it. */
export function parseBatchFailure(stderr: string): { line?: number; message: string } {
  const lines = stderr.split('\n');
  const idx = lines.findIndex((l) => /^Command failed -:\d+/.test(l.trim()));
  if (idx < 0) return { message: stderr.trim() };
  const line = Number(/-:(\d+)/.exec(lines[idx])![1]);
  return { line, message: lines.slice(0, idx).join('\n').trim() };
}

/** Runs the lines; returns processes spawned and failures tolerated, or throws the first real failure. */
export async function runLineBatch(
  lines: readonly BatchLine[],
  ctx: LineBatchContext,
): Promise<{ spawns: number; tolerated: number }> {
  let from = 0;
  let spawns = 0;
  let tolerated = 0;
  while (from < lines.length) {
    spawns++;
    const input = `${lines
      .slice(from)
      .map((l) => l.text)
      .join('\n')}\n`;
    const r = await ctx.runner.run(ctx.command[0], ctx.command[1], {
      input,
      timeoutMs: ctx.timeoutMs,
      context: { op: `run ${ctx.tool}`, netns: ctx.netns },
    });
    if (r.code === 0) break;
    const f = parseBatchFailure(r.stderr);
    const kind = classifyErrorText(f.message);
    if (f.line === undefined || f.line < 1 || f.line > lines.length - from) {
      // The process failed as a whole: most often the namespace could not be entered.
      throw new KernelError({
        kind,
        op: `run ${ctx.tool} (${lines.length - from} operations)`,
        netns: ctx.netns,
        detail: cleanErrorText(f.message || r.stdout),
        opIndex: lines[from].index ?? ctx.firstIndex + from,
        applied: lines[from].index ?? ctx.firstIndex + from,
      });
    }
    const i = from + f.line - 1;
    if (lines[i].tolerate === kind) {
      tolerated++;
      from = i + 1;
      continue;
    }
    throw new KernelError({
      kind,
      op: lines[i].op,
      object: lines[i].object,
      netns: ctx.netns,
      detail: cleanErrorText(f.message),
      opIndex: lines[i].index ?? ctx.firstIndex + i,
      applied: lines[i].index ?? ctx.firstIndex + i,
    });
  }
  return { spawns, tolerated };
}
