// SPDX-License-Identifier: Apache-2.0
import { fsPluginFinder, type PluginExec, type PluginFinder, spawnExec } from '../chain/plugin-exec';
import { CniError, CniErrorCode } from '../errors/cni-error';
import { type CmdContext } from '../skel/dispatcher';
import { parseResult } from '../spec/convert/parse';
import { type AnyResult } from '../spec/types/result';

export type DelegateCommand = 'ADD' | 'DEL' | 'CHECK' | 'STATUS' | 'GC';

export interface DelegateOptions {
  /** Stdin for the delegate; default: the caller's stdin unchanged (the spec: IPAM gets the whole config). */
  readonly stdinData?: string;
  readonly exec?: PluginExec;
  readonly finder?: PluginFinder;
}

/**
 * Runs a delegated plugin (usually IPAM) like Go's `invoke.Delegate*`: found in the caller's CNI_PATH, run with the
 * caller's environment with CNI_COMMAND replaced, same stdin. Resolves with the parsed result for ADD (its version,
 * or the config's when absent), undefined otherwise.
 * @throws CniError: the delegate's own error (code kept) with "delegate <type> failed (<cmd>)" prepended.
 */
export async function delegate(
  command: DelegateCommand,
  pluginType: string,
  ctx: Pick<CmdContext, 'env' | 'path' | 'stdinData' | 'cniVersion'>,
  opts: DelegateOptions = {},
): Promise<AnyResult | undefined> {
  const where = `delegate ${pluginType} failed (${command.toLowerCase()})`;
  const path = await (opts.finder ?? fsPluginFinder).find(pluginType, ctx.path).catch((e: unknown) => {
    throw e instanceof CniError ? e.withContext(where) : e;
  });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  env.CNI_COMMAND = command;
  const out = await (opts.exec ?? spawnExec()).exec(path, env, opts.stdinData ?? ctx.stdinData);
  const text = out.stdout.trim();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (out.code !== 0) {
    const err =
      CniError.fromJSON(json) ??
      new CniError(
        CniErrorCode.Internal,
        `exit ${out.code ?? out.signal}: ${(text || out.stderr.trim()).slice(0, 2000)}`,
      );
    throw err.withContext(where);
  }
  if (command !== 'ADD') return undefined;
  if (json === undefined) throw new CniError(CniErrorCode.DecodingFailure, `${where}: no result on stdout`);
  return parseResult(json, ctx.cniVersion);
}

/** {@link delegate} ADD; typical use: `const ipam = await delegateAdd(conf.ipam.type, ctx)`. */
export async function delegateAdd(
  pluginType: string,
  ctx: Parameters<typeof delegate>[2],
  opts?: DelegateOptions,
): Promise<AnyResult> {
  return (await delegate('ADD', pluginType, ctx, opts)) as AnyResult;
}

/** {@link delegate} DEL (call it also when a later step of your ADD failed). */
export async function delegateDel(
  pluginType: string,
  ctx: Parameters<typeof delegate>[2],
  opts?: DelegateOptions,
): Promise<void> {
  await delegate('DEL', pluginType, ctx, opts);
}
