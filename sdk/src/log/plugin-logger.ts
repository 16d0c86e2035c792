// SPDX-License-Identifier: Apache-2.0
import pino from 'pino';

import { CniError, CniErrorCode } from '../errors/cni-error';

/** Default plugin log file, as the upstream aws-cni plugin uses. */
export const DEFAULT_PLUGIN_LOG_FILE = '/var/log/aws-routed-eni/plugin.log';

export const LOG_LEVELS = Object.freeze(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const);
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The logger port plugins depend on (a pino logger satisfies it; tests may pass any fake). */
export interface PluginLogger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /** A logger that adds these fields to every line (containerId, netns, ifName, pod...). */
  child(bindings: Record<string, unknown>): PluginLogger;
  /** Flushes pending output (the file destination is synchronous; this is for completeness). */
  flush?(): void;
}

export interface PluginLoggerOptions {
  /** A file path, or "stderr". "stdout" (and /dev/stdout, /proc/self/fd/1) is refused. Default: the aws-cni path. */
  readonly file?: string;
  /** Level name, case-insensitive (upstream configs write "Debug"). Default "info". */
  readonly level?: string;
  /** Added to every line as `name` (e.g. the plugin type). */
  readonly name?: string;
  /** Fields added to every line. */
  readonly bindings?: Record<string, unknown>;
}

const STDOUT_ALIASES = new Set(['stdout', '/dev/stdout', '/proc/self/fd/1', '/dev/fd/1']);

/**
 * Parses a level name case-insensitively.
 * @throws CniError 7 naming the bad value and the accepted ones.
 */
export function parseLogLevel(level: string | undefined): LogLevel {
  const l = (level ?? 'info').trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(l)) return l as LogLevel;
  throw new CniError(
    CniErrorCode.InvalidNetworkConfig,
    `invalid log level "${level}": use one of ${LOG_LEVELS.join(', ')}`,
  );
}

/**
 * Creates a plugin logger writing JSON lines synchronously (nothing is lost when the plugin exits right after) to
 * a file (parent directories created) or stderr. Never stdout: that carries the CNI result.
 * No global state: every call makes a new logger.
 * @throws CniError 7 for "stdout" or a bad level.
 */
export function createPluginLogger(opts: PluginLoggerOptions = {}): PluginLogger {
  const file = (opts.file ?? DEFAULT_PLUGIN_LOG_FILE).trim();
  if (STDOUT_ALIASES.has(file.toLowerCase())) {
    throw new CniError(
      CniErrorCode.InvalidNetworkConfig,
      `plugin log destination "${file}" is refused: stdout carries the CNI result; use a file path or "stderr"`,
    );
  }
  const level = parseLogLevel(opts.level);
  const dest =
    file.toLowerCase() === 'stderr' || file === '/dev/stderr'
      ? pino.destination({ fd: 2, sync: true })
      : pino.destination({ dest: file, sync: true, mkdir: true });
  const base = { pid: process.pid, ...(opts.name ? { name: opts.name } : {}), ...(opts.bindings ?? {}) };
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, dest) as unknown as PluginLogger;
}

/** A logger that drops everything (tests, or when logging is switched off). */
export function silentLogger(): PluginLogger {
  const l: PluginLogger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => l,
  };
  return l;
}
