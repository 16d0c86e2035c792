// SPDX-License-Identifier: Apache-2.0
import { type EnvProblem } from './config-error';
import { type EnvSource } from './env';
import { parseGoBool } from './parse-bool';

/**
 * Reads typed values out of an {@link EnvSource}, collecting problems (errors) and notes (warnings: a value that
 * was ignored in favour of its default, as upstream does for unparsable booleans).
 */
export class EnvReader {
  readonly problems: EnvProblem[] = [];
  readonly warnings: string[] = [];

  constructor(private readonly env: EnvSource) {}

  /** The raw value; an empty string counts as unset. */
  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** Like {@link string}, but a variable set to the empty string keeps it (upstream: empty log file = stderr). */
  stringOrEmpty(name: string, fallback: string): string {
    return this.env[name] ?? fallback;
  }

  /** Go ParseBool semantics; an unparsable value falls back to the default with a warning (upstream behaviour). */
  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const b = parseGoBool(v);
    if (b === undefined) {
      this.warnings.push(`${name}: ${JSON.stringify(v)} is not a boolean; using the default ${String(fallback)}`);
      return fallback;
    }
    return b;
  }

  /** A base-10 integer (optional sign, digits only); records a problem and returns undefined otherwise. */
  int(name: string): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(v.trim())) {
      this.fail(name, `${JSON.stringify(v)} is not an integer`);
      return undefined;
    }
    return Number.parseInt(v.trim(), 10);
  }

  fail(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }
}
