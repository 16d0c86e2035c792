import type { EnvValueKind } from './env-var';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool: the spellings upstream accepts. Undefined for anything else. */
export function parseGoBool(value: string): boolean | undefined {
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  return undefined;
}

/** Go's strconv.ParseInt(s, 0, 64) for the literals people write: decimal, 0x.., 0o.., 0b.., leading-0 octal. */
export function parseGoInt(value: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(value);
  if (!m) return undefined;
  const body = m[2].replace(/_/g, '');
  let n: number;
  if (/^0[xXoObB]/.test(body)) n = Number(body.toLowerCase());
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = Number(body);
  if (!Number.isSafeInteger(n)) return undefined;
  return m[1] === '-' ? -n : n;
}

function parseDecimalInt(value: string): number | undefined {
  // No leading '+': the entrypoint compares some of these as strings with "0", where "+5" would fail.
  if (!/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function isIpv4Cidr(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s);
  return !!m && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

/**
 * Checks `value` against a variable's kind. Returns undefined when it fits, else a message saying what was expected
 * (for "<NAME>: <message>").
 */
export function checkEnvValue(kind: EnvValueKind, value: string): string | undefined {
  switch (kind.type) {
    case 'bool':
      return parseGoBool(value) === undefined ? `expected a boolean (true or false), got '${value}'` : undefined;
    case 'int': {
      const n = parseDecimalInt(value);
      if (n === undefined) return `expected an integer, got '${value}'`;
      if (kind.min !== undefined && n < kind.min) return `must be at least ${kind.min}, got ${n}`;
      if (kind.max !== undefined && n > kind.max) return `must be at most ${kind.max}, got ${n}`;
      return undefined;
    }
    case 'mark': {
      const n = parseGoInt(value);
      if (n === undefined) return `expected an integer such as 0x80, got '${value}'`;
      if (n < kind.min || n > kind.max) return `must be in [${kind.min}, ${kind.max}], got ${value}`;
      return undefined;
    }
    case 'enum': {
      const ok = kind.caseInsensitive
        ? kind.values.some((v) => v.toLowerCase() === value.toLowerCase())
        : kind.values.includes(value);
      return ok ? undefined : `expected one of ${kind.values.join(', ')}, got '${value}'`;
    }
    case 'string':
      return undefined;
    case 'cidr-list': {
      const bad = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '' && !isIpv4Cidr(s));
      return bad.length ? `expected comma-separated IPv4 CIDRs, '${bad[0]}' is not one` : undefined;
    }
    case 'json-object': {
      let parsed: unknown;
      try {
        parsed = JSON.parse(value);
      } catch {
        return `expected a JSON object such as {"team":"net"}, got '${value}'`;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        return `expected a JSON object, got '${value}'`;
      const nonString = Object.entries(parsed).find(([, v]) => typeof v !== 'string');
      return nonString ? `tag '${nonString[0]}' must have a string value` : undefined;
    }
  }
}
