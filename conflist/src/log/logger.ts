// SPDX-License-Identifier: Apache-2.0
export type LogFields = Readonly<Record<string, unknown>>;

/** The logging port of the init step and entrypoint. */
export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** JSON lines (`{"level","ts","msg",...}`) handed to `write` (stderr in the executables, an array in tests). */
export class JsonLineLogger implements Logger {
  constructor(
    private readonly write: (line: string) => void,
    private readonly component: string,
  ) {}

  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  private log(level: string, msg: string, fields?: LogFields): void {
    this.write(
      `${JSON.stringify({ level, ts: new Date().toISOString(), component: this.component, msg, ...fields })}\n`,
    );
  }
}

/** A logger that keeps its lines, for tests. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; msg: string; fields?: LogFields }[] = [];
  info(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', msg, fields });
  }
  warn(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', msg, fields });
  }
  error(msg: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', msg, fields });
  }
}
