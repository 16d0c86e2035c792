// SPDX-License-Identifier: Apache-2.0
import { type CniArgs, parseCniArgs } from '../args/cni-args';
import { CniError, CniErrorCode, toCniError } from '../errors/cni-error';
import { encodeResult } from '../spec/convert/convert';
import { parsePrevResult } from '../spec/convert/parse';
import { type GcAttachment, type NetConf } from '../spec/types/net-conf';
import { type AnyResult } from '../spec/types/result';
import { CURRENT_VERSION, isCniVersion, versionAtLeast } from '../spec/versions';
import {
  checkRequiredEnv,
  type CniCommand,
  CNI_COMMANDS,
  validateContainerId,
  validateIfName,
  validateNetworkName,
} from './env';
import { type PluginIo } from './plugin-io';

/** What every handler gets: the environment, decoded, and the configuration from stdin. */
export interface CmdContext<C extends NetConf = NetConf> {
  readonly command: CniCommand;
  /** The config, after `PluginInfo.parseConfig` if given (else the raw JSON object, unvalidated). */
  readonly conf: C;
  /** The negotiated version: the config's `cniVersion` ("0.1.0" when absent). Results are printed in it. */
  readonly cniVersion: string;
  readonly containerId: string;
  readonly netns: string;
  readonly ifName: string;
  /** CNI_ARGS, parsed. */
  readonly args: CniArgs;
  /** CNI_PATH split on ":" (empty entries dropped). */
  readonly path: readonly string[];
  /** Stdin exactly as received. */
  readonly stdinData: string;
  /** The full environment, for delegating to other plugins. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** GC context: the attachments that must be left alone (`cni.dev/valid-attachments`, or the legacy key). */
export interface GcContext<C extends NetConf = NetConf> extends CmdContext<C> {
  /** Undefined when the runtime sent no list (cnitool): then nothing may be assumed valid. */
  readonly validAttachments?: readonly GcAttachment[];
}

type MaybePromise<T> = T | Promise<T>;

/** A plugin's verbs. Missing `check`, `status`, `gc` succeed silently (like Go's nil handlers). */
export interface PluginHandlers<C extends NetConf = NetConf> {
  /** Returns the result; the dispatcher prints it converted to the config's version. */
  add(ctx: CmdContext<C>): MaybePromise<AnyResult>;
  /** Must be idempotent and best effort. */
  del(ctx: CmdContext<C>): MaybePromise<void>;
  check?(ctx: CmdContext<C>): MaybePromise<void>;
  /** Throw CniError 50 or 51 when not ready. */
  status?(ctx: CmdContext<C>): MaybePromise<void>;
  gc?(ctx: GcContext<C>): MaybePromise<void>;
}

/** Static facts about a plugin. */
export interface PluginInfo<C extends NetConf = NetConf> {
  /** Exact version strings the plugin accepts (e.g. `versionsStartingFrom('0.3.0')`). */
  readonly supportedVersions: readonly string[];
  /** Printed to stderr when CNI_COMMAND is missing (exit 0). Without it that is a code-4 error. */
  readonly about?: string;
  /** CNI_ARGS keys the plugin understands besides K8S_* and IgnoreUnknown. */
  readonly knownArgs?: readonly string[];
  /** Require CNI_PATH like Go's skel (default false: the spec makes it optional). */
  readonly requirePath?: boolean;
  /**
   * Validates and types the raw config (e.g. a precompiled validator from `@vpc-cni-ts/sdk/validation`).
   * Not called for VERSION. Throw CniError (7 or 2) on bad input.
   */
  readonly parseConfig?: (raw: NetConf, command: CniCommand) => C;
  /** Called with every error before it is printed (for logging; must not write to stdout). */
  readonly onError?: (err: CniError, command: string) => void;
}

const MIN_VERSION: Partial<Record<CniCommand, string>> = { CHECK: '0.4.0', GC: '1.1.0', STATUS: '1.1.0' };

const TOP_LEVEL_KEYS = [
  'cniVersion',
  'name',
  'type',
  'capabilities',
  'runtimeConfig',
  'prevResult',
  'ipam',
  'dns',
  'args',
];

/** Renames top-level keys the dispatcher reads to their spec spelling when only another casing is present (Go). */
function canonicalTopLevelKeys(conf: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(conf)) {
    const canonical = TOP_LEVEL_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    if (canonical && canonical !== key && !(canonical in conf)) {
      conf[canonical] = conf[key];
      delete conf[key];
    }
  }
  return conf;
}

function decodeConf(stdin: string): NetConf {
  if (stdin.trim() === '') {
    throw new CniError(CniErrorCode.DecodingFailure, 'no network configuration on stdin (stdin was empty)');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stdin);
  } catch (e) {
    throw new CniError(
      CniErrorCode.DecodingFailure,
      `network configuration on stdin is not valid JSON: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CniError(CniErrorCode.DecodingFailure, 'network configuration on stdin must be a JSON object');
  }
  const conf = canonicalTopLevelKeys(raw as Record<string, unknown>);
  if (conf.cniVersion === undefined) conf.cniVersion = '0.1.0';
  if (typeof conf.cniVersion !== 'string') {
    throw new CniError(
      CniErrorCode.DecodingFailure,
      `"cniVersion" must be a string, got ${JSON.stringify(conf.cniVersion)}`,
    );
  }
  validateNetworkName(conf.name);
  if (typeof conf.type !== 'string' || conf.type === '') {
    throw new CniError(
      CniErrorCode.InvalidNetworkConfig,
      `"type" must be a non-empty string, got ${JSON.stringify(conf.type)}`,
    );
  }
  return conf as unknown as NetConf;
}

function negotiate(command: CniCommand, version: string, supported: readonly string[]): void {
  if (!isCniVersion(version) || !supported.includes(version)) {
    throw new CniError(
      CniErrorCode.IncompatibleCniVersion,
      `incompatible CNI versions: config is "${version}", plugin supports [${supported.join(', ')}]`,
      {
        details: `config is "${version}", plugin supports ${JSON.stringify(supported)}`,
      },
    );
  }
  const min = MIN_VERSION[command];
  if (min && !versionAtLeast(version, min)) {
    throw new CniError(
      CniErrorCode.IncompatibleCniVersion,
      `config version "${version}" does not allow ${command} (needs ${min} or later)`,
    );
  }
}

/**
 * The plugin entry point (Go's `skel.PluginMainFuncs`): reads env and stdin from `io`, validates them, negotiates
 * the version, calls the handler and prints the result (converted to the config's version) or the error JSON on
 * stdout. Nothing else is ever written to stdout. Calls `io.exit` with 0 or 1 and also returns that code.
 *
 * Error codes: 4 missing/invalid env or unknown command or bad CNI_ARGS, 3 empty container id, 5 stdin I/O,
 * 6 empty/non-JSON stdin or non-string cniVersion, 7 bad name/type, 1 version not supported (or CHECK below 0.4.0,
 * GC/STATUS below 1.1.0, or a prevResult of another version family), handler CniErrors as thrown, else 999.
 */
export async function pluginMain<C extends NetConf = NetConf>(
  handlers: PluginHandlers<C>,
  info: PluginInfo<C>,
  io: PluginIo,
): Promise<number> {
  let cniVersion: string | undefined;
  const rawCommand = io.env.CNI_COMMAND ?? '';
  try {
    if (rawCommand === '' && info.about !== undefined) {
      io.stderr.write(`${info.about}\nCNI protocol versions supported: ${info.supportedVersions.join(', ')}\n`);
      io.exit(0);
      return 0;
    }
    if (!(CNI_COMMANDS as readonly string[]).includes(rawCommand)) {
      throw new CniError(
        CniErrorCode.InvalidEnvironmentVariables,
        rawCommand === '' ? 'required env variable CNI_COMMAND missing' : `unknown CNI_COMMAND: ${rawCommand}`,
      );
    }
    const command = rawCommand as CniCommand;
    if (command === 'VERSION') {
      io.stdout.write(
        `${JSON.stringify({ cniVersion: CURRENT_VERSION, supportedVersions: [...info.supportedVersions] })}\n`,
      );
      io.exit(0);
      return 0;
    }
    checkRequiredEnv(command, io.env, info.requirePath ?? false);
    const containerId = io.env.CNI_CONTAINERID ?? '';
    const ifName = io.env.CNI_IFNAME ?? '';
    if (command === 'ADD' || command === 'DEL' || command === 'CHECK') {
      validateContainerId(containerId);
      validateIfName(ifName);
    }
    let stdin: string;
    try {
      stdin = await io.readStdin();
    } catch (e) {
      throw new CniError(CniErrorCode.IoFailure, `error reading from stdin: ${(e as Error).message}`, { cause: e });
    }
    const raw = decodeConf(stdin);
    cniVersion = raw.cniVersion;
    negotiate(command, raw.cniVersion, info.supportedVersions);
    if (command === 'ADD' || command === 'DEL' || command === 'CHECK') parsePrevResult(raw);
    const args = parseCniArgs(io.env.CNI_ARGS, { knownKeys: info.knownArgs });
    const conf = info.parseConfig ? info.parseConfig(raw, command) : (raw as C);
    const ctx: CmdContext<C> = {
      command,
      conf,
      cniVersion: raw.cniVersion,
      containerId,
      netns: io.env.CNI_NETNS ?? '',
      ifName,
      args,
      path: (io.env.CNI_PATH ?? '').split(':').filter(Boolean),
      stdinData: stdin,
      env: io.env,
    };
    switch (command) {
      case 'ADD': {
        const result = await handlers.add(ctx);
        if (!result || typeof result !== 'object') {
          throw new CniError(CniErrorCode.Internal, 'plugin ADD handler returned no result');
        }
        io.stdout.write(`${encodeResult(result, raw.cniVersion)}\n`);
        break;
      }
      case 'DEL':
        await handlers.del(ctx);
        break;
      case 'CHECK':
        await handlers.check?.(ctx);
        break;
      case 'STATUS':
        await handlers.status?.(ctx);
        break;
      case 'GC': {
        const list = raw['cni.dev/valid-attachments'] ?? raw['cni.dev/attachments'];
        await handlers.gc?.({ ...ctx, validAttachments: Array.isArray(list) ? list : undefined });
        break;
      }
    }
    io.exit(0);
    return 0;
  } catch (e) {
    const err = toCniError(e);
    try {
      info.onError?.(err, rawCommand);
    } catch {
      // a failing logger must not change the answer
    }
    io.stdout.write(`${JSON.stringify(err.toJSON(cniVersion))}\n`);
    io.exit(1);
    return 1;
  }
}
