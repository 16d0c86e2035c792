// SPDX-License-Identifier: Apache-2.0
import { formatCniArgs } from '../args/cni-args';
import { spawnExec } from '../chain/plugin-exec';
import { type CniErrorJson } from '../errors/cni-error';
import { parseResult } from '../spec/convert/parse';
import { type AnyResult } from '../spec/types/result';

export interface RunPluginOptions {
  /** CNI_COMMAND (default "ADD"); pass "" to leave it unset. */
  readonly command?: string;
  /** Stdin: an object is JSON-encoded; a string is sent as is. Default: nothing. */
  readonly stdin?: object | string;
  readonly containerId?: string;
  readonly netns?: string;
  readonly ifName?: string;
  /** CNI_ARGS as a string or pairs. */
  readonly args?: string | readonly (readonly [string, string])[];
  /** CNI_PATH entries. */
  readonly cniPath?: readonly string[];
  /** Extra env (wins over the above; `undefined` removes a variable). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs?: number;
}

/** What a plugin run produced: raw streams plus stdout decoded as a result or an error. */
export interface PluginRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (undefined when empty or not JSON). */
  readonly json?: unknown;
  /** On exit 0 with a result on stdout: the parsed result (version from its cniVersion). */
  readonly result?: AnyResult;
  /** On a non-zero exit with error JSON on stdout. */
  readonly error?: CniErrorJson;
}

/**
 * Runs a plugin executable like a runtime would (env + stdin, no inherited CNI_* variables) and decodes what it
 * printed. A path ending in `.js` runs with the current node (see `spawnExec`). NODE_EXTRA_CA_CERTS is removed (it slows node).
 * Does not throw on plugin failure: inspect `exitCode` / `error`.
 */
export async function runPlugin(path: string, opts: RunPluginOptions = {}): Promise<PluginRun> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    CNI_COMMAND: opts.command ?? 'ADD',
    CNI_CONTAINERID: opts.containerId,
    CNI_NETNS: opts.netns,
    CNI_IFNAME: opts.ifName,
    CNI_ARGS: typeof opts.args === 'string' ? opts.args : opts.args ? formatCniArgs(opts.args) : undefined,
    CNI_PATH: opts.cniPath?.join(':'),
    ...(opts.env ?? {}),
  };
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && v !== '' && k !== 'NODE_EXTRA_CA_CERTS') clean[k] = v;
  if (opts.command === '') delete clean.CNI_COMMAND;
  const stdin =
    opts.stdin === undefined ? '' : typeof opts.stdin === 'string' ? opts.stdin : JSON.stringify(opts.stdin);
  const exec = spawnExec({ timeoutMs: opts.timeoutMs ?? 30_000 });
  const out = await exec.exec(path, clean, stdin);
  let json: unknown;
  try {
    json = out.stdout.trim() ? JSON.parse(out.stdout) : undefined;
  } catch {
    json = undefined;
  }
  const run: { -readonly [K in keyof PluginRun]: PluginRun[K] } = {
    exitCode: out.code,
    stdout: out.stdout,
    stderr: out.stderr,
    json,
  };
  if (out.code === 0 && json && typeof json === 'object' && !('supportedVersions' in json)) {
    try {
      run.result = parseResult(json);
    } catch {
      // not a result (e.g. empty stdout for DEL): leave undefined
    }
  }
  if (out.code !== 0 && json && typeof json === 'object' && 'code' in json) run.error = json as CniErrorJson;
  return run;
}
