// SPDX-License-Identifier: Apache-2.0

/** Structured logger port; a pino logger satisfies it. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A logger that drops everything (tests, `--help`). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** A logger that keeps every line in memory, for tests that assert what was logged. */
export class MemoryLogger implements Logger {
  constructor(
    readonly lines: { level: string; msg: string; obj?: object }[] = [],
    private readonly bindings: object = {},
  ) {}
  private log(level: string, obj: object | string, msg?: string): void {
    if (typeof obj === 'string') this.lines.push({ level, msg: obj, obj: this.bindings });
    else this.lines.push({ level, msg: msg ?? '', obj: { ...this.bindings, ...obj } });
  }
  debug(o: object | string, m?: string): void {
    this.log('debug', o, m);
  }
  info(o: object | string, m?: string): void {
    this.log('info', o, m);
  }
  warn(o: object | string, m?: string): void {
    this.log('warn', o, m);
  }
  error(o: object | string, m?: string): void {
    this.log('error', o, m);
  }
  child(b: Record<string, unknown>): Logger {
    return new MemoryLogger(this.lines, { ...this.bindings, ...b });
  }
}
