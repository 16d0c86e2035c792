// SPDX-License-Identifier: Apache-2.0
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The plugin's logger: one JSON line per entry, written synchronously (the process exits right after). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const LEVELS: Record<string, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A logger honouring upstream's `pluginLogFile`/`pluginLogLevel`: "" or "stderr" log to stderr; "stdout" is
 * refused (stdout carries the CNI result) and also goes to stderr; anything else is a file, appended.
 * Never throws: logging must not fail a pod.
 */
export function fileLogger(
  file: string,
  level: string,
  bound: Record<string, unknown>,
  stderr: (s: string) => void,
): Logger {
  const min = LEVELS[level.toLowerCase()] ?? LEVELS.debug;
  const toFile = file !== '' && file !== 'stderr' && file !== 'stdout';
  if (toFile) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch {
      /* reported on first write */
    }
  }
  const write = (lvl: string, msg: string, fields?: Record<string, unknown>): void => {
    if ((LEVELS[lvl] ?? 0) < min) return;
    const line = JSON.stringify({ level: lvl, ts: new Date().toISOString(), msg, ...bound, ...fields }) + '\n';
    try {
      if (toFile) appendFileSync(file, line);
      else stderr(line);
    } catch {
      /* never fail a pod over logging */
    }
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    error: (m, f) => write('error', m, f),
  };
}
