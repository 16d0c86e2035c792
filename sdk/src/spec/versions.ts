// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../errors/cni-error';

/** Every spec version, oldest first. */
export const ALL_VERSIONS = Object.freeze(['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const);
export type CniVersion = (typeof ALL_VERSIONS)[number];
/** The newest spec version this SDK implements. */
export const CURRENT_VERSION: CniVersion = '1.1.0';

/** Result shape families: ip4/ip6 (0.1/0.2), ips with version (0.3.x/0.4.0), ips without version (1.x). */
export type ResultFamily = '020' | '040' | '100';

const FAMILY: Readonly<Record<CniVersion, ResultFamily>> = Object.freeze({
  '0.1.0': '020',
  '0.2.0': '020',
  '0.3.0': '040',
  '0.3.1': '040',
  '0.4.0': '040',
  '1.0.0': '100',
  '1.1.0': '100',
});

/** Versions of each family, for messages ("result type supports [...]"). */
export const FAMILY_VERSIONS: Readonly<Record<ResultFamily, readonly CniVersion[]>> = Object.freeze({
  '020': Object.freeze(['0.1.0', '0.2.0'] as CniVersion[]),
  '040': Object.freeze(['0.3.0', '0.3.1', '0.4.0'] as CniVersion[]),
  '100': Object.freeze(['1.0.0', '1.1.0'] as CniVersion[]),
});

export function isCniVersion(v: unknown): v is CniVersion {
  return typeof v === 'string' && (ALL_VERSIONS as readonly string[]).includes(v);
}

/** The result family of a known version, or undefined. */
export function familyOf(v: string): ResultFamily | undefined {
  return isCniVersion(v) ? FAMILY[v] : undefined;
}

/**
 * Parses "major[.minor[.patch]]" like the Go library; empty means 0.1.0.
 * @throws CniError 6 on anything else.
 */
export function parseVersion(v: string): [number, number, number] {
  if (v === '') return [0, 1, 0];
  const parts = v.split('.');
  if (parts.length > 3 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new CniError(CniErrorCode.DecodingFailure, `invalid version "${v}": expected major.minor.patch`);
  }
  const n = parts.map(Number);
  return [n[0], n[1] ?? 0, n[2] ?? 0];
}

/** Negative, zero or positive like a comparator. @throws CniError 6 for unparsable versions. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

export function versionAtLeast(v: string, min: string): boolean {
  return compareVersions(v, min) >= 0;
}

/** All known versions from `min` on (inclusive), e.g. `versionsStartingFrom('0.3.0')`. */
export function versionsStartingFrom(min: CniVersion): CniVersion[] {
  return ALL_VERSIONS.filter((v) => compareVersions(v, min) >= 0);
}

/** The VERSION command's answer. */
export interface VersionInfo {
  cniVersion: string;
  supportedVersions: string[];
}
