import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

import { type PluginLogLevel } from '../config/net-conf';

const RANK: Record<PluginLogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, fatal: 50 };

/** The plugin's logging port: structured lines, never on stdout. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger adding `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
  close(): void;
}

/** Where log lines go: a file descriptor written synchronously (so nothing is lost on exit). */
export interface LogSink {
  write(line: string): void;
  close(): void;
}

/**
 * Opens `path` for appending (creating its directory), or stderr when `path` is ''. If the file cannot be opened
 * the sink falls back to stderr, saying so once. Never stdout.
 */
export function openLogSink(path: string, stderrFd = 2): LogSink {
  let fd = stderrFd;
  let note = '';
  if (path !== '') {
    try {
      mkdirSync(dirname(path), { recursive: true });
      fd = openSync(path, 'a', 0o644);
    } catch (e) {
      note = `cannot open plugin log file ${path} (${(e as Error).message}); logging to stderr\n`;
    }
  }
  const write = (s: string): void => {
    try {
      writeSync(fd, s);
    } catch {
      // logging must never break the plugin
    }
  };
  if (note) write(note);
  return {
    write,
    close: () => {
      if (fd !== stderrFd) {
        try {
          closeSync(fd);
        } catch {
          // already closed
        }
        fd = stderrFd;
      }
    },
  };
}

/**
 * JSON-lines logger in the spirit of upstream's zap output ({"level","ts","msg",...fields}); `now` is injectable.
 */
export function createLogger(
  sink: LogSink,
  level: PluginLogLevel,
  base: Record<string, unknown> = {},
  now = () => new Date(),
): Logger {
  const min = RANK[level];
  const line = (lvl: PluginLogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (RANK[lvl] < min) return;
    let text: string;
    try {
      text = JSON.stringify({ level: lvl, ts: now().toISOString(), msg, ...base, ...fields }, errorReplacer);
    } catch {
      text = JSON.stringify({ level: lvl, ts: now().toISOString(), msg });
    }
    sink.write(`${text}\n`);
  };
  return {
    debug: (m, f) => line('debug', m, f),
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
    child: (f) => createLogger(sink, level, { ...base, ...f }, now),
    close: () => sink.close(),
  };
}

function errorReplacer(_k: string, v: unknown): unknown {
  return v instanceof Error ? { name: v.name, message: v.message } : v;
}

/** A logger that drops everything (tests). */
export const nullLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => nullLogger,
  close: () => undefined,
};
