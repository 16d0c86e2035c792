// SPDX-License-Identifier: Apache-2.0
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * Parses a boolean the way upstream does (Go `strconv.ParseBool`): `1 t T TRUE true True` and
 * `0 f F FALSE false False`. Anything else returns `undefined` so the caller can fall back to the default and
 * say so.
 */
export function parseGoBool(value: string): boolean | undefined {
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return undefined;
}
