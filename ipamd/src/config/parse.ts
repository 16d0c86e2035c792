// SPDX-License-Identifier: Apache-2.0
/** Small typed readers for environment values. Each records a problem instead of throwing, so all are reported at once. */

export type Env = Readonly<Record<string, string | undefined>>;

/** Collects "VAR=value: what is accepted" problems. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  /** Raw value; empty string counts as unset. */
  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  private bad(name: string, value: string, accepted: string): void {
    this.problems.push(`${name}=${JSON.stringify(value)} is invalid: ${accepted}`);
  }

  /** Go strconv.ParseBool spellings. */
  bool(name: string, dflt: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
    this.bad(name, v, 'expected a boolean (true/false, 1/0, t/f)');
    return dflt;
  }

  /** Decimal integer within [min, max]. */
  int(name: string, dflt: number, min = -Infinity, max = Infinity): number {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
      this.bad(name, v, `expected an integer${min > -Infinity ? ` >= ${min}` : ''}`);
      return dflt;
    }
    const n = Number(v);
    if (n < min || n > max) {
      this.bad(name, v, `expected an integer in [${min}, ${max === Infinity ? 'inf' : max}]`);
      return dflt;
    }
    return n;
  }

  enumOf<T extends string>(name: string, allowed: readonly T[], dflt: T, caseInsensitive = true): T {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    const hit = allowed.find((a) => (caseInsensitive ? a.toLowerCase() === v.toLowerCase() : a === v));
    if (hit === undefined) this.bad(name, v, `expected one of ${allowed.join(', ')}`);
    return hit ?? dflt;
  }

  str(name: string, dflt: string): string {
    return this.raw(name) ?? dflt;
  }

  /** http(s) URL or host[:port] (upstream accepts "any kind of URL or IP address"); returns a normalized URL. */
  url(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
    try {
      const u = new URL(withScheme);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
      return withScheme.replace(/\/+$/, '');
    } catch {
      this.bad(name, v, 'expected an http(s) URL such as https://ec2.us-west-2.amazonaws.com or host:port');
      return undefined;
    }
  }

  /** Absolute filesystem path. */
  path(name: string, dflt: string): string {
    const v = this.raw(name);
    if (v === undefined) return dflt;
    if (!v.startsWith('/') || v.includes('\0')) {
      this.bad(name, v, 'expected an absolute path');
      return dflt;
    }
    return v;
  }

  /** Comma-separated IPv4 CIDRs; invalid entries are problems (upstream skipped them silently). */
  ipv4Cidrs(name: string): string[] {
    const v = this.raw(name);
    if (v === undefined) return [];
    const out: string[] = [];
    for (const part of v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (isIpv4Cidr(part)) out.push(part);
      else
        this.bad(
          name,
          v,
          `"${part}" is not an IPv4 CIDR; expected a comma-separated list like 10.0.0.0/8,192.168.0.0/16`,
        );
    }
    return out;
  }
}

export function isIpv4(s: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  return !!m && m.slice(1).every((p) => Number(p) <= 255 && String(Number(p)) === p);
}

export function isIpv4Cidr(s: string): boolean {
  const [ip, len, extra] = s.split('/');
  return (
    extra === undefined &&
    ip !== undefined &&
    isIpv4(ip) &&
    len !== undefined &&
    /^\d{1,2}$/.test(len) &&
    Number(len) <= 32
  );
}
