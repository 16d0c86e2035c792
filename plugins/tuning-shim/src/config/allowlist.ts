// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';

/** Where the reference plugin reads its sysctl allowlist. */
export const DEFAULT_ALLOWLIST_PATH = '/etc/cni/tuning/allowlist.conf';

/**
 * Parses the allowlist: one regular expression per line, blank lines ignored, unanchored unless written with
 * ^…$ (Go regexp semantics for the common subset).
 * @throws CniError 7 naming a line that is not a valid expression.
 */
export function parseAllowlist(text: string, path = DEFAULT_ALLOWLIST_PATH): RegExp[] {
  const out: RegExp[] = [];
  text.split('\n').forEach((line, i) => {
    const l = line.trim();
    if (l === '') return;
    try {
      out.push(new RegExp(l));
    } catch (e) {
      throw new CniError(
        CniErrorCode.InvalidNetworkConfig,
        `${path}:${i + 1}: invalid regular expression "${l}": ${(e as Error).message}`,
      );
    }
  });
  return out;
}

/**
 * Checks sysctl keys against the allowlist (undefined = no allowlist file = everything allowed).
 * @throws CniError 7 naming the first key not allowed.
 */
export function checkAllowlist(keys: readonly string[], allow: readonly RegExp[] | undefined): void {
  if (!allow) return;
  for (const k of keys) {
    if (!allow.some((re) => re.test(k))) {
      throw new CniError(CniErrorCode.InvalidNetworkConfig, `sysctl "${k}" is not allowed by the tuning allowlist`);
    }
  }
}
