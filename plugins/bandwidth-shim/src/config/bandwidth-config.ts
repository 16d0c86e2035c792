// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import { parsePrevResult, type AnyResult } from '@vpc-cni-ts/sdk/spec';
import { normalizeKeys, type SchemaNode } from '@vpc-cni-ts/sdk/validation';

/** Limits in the reference plugin's units: rates in bits/s, bursts in bits; 0 means "no limit". */
export interface BandwidthLimits {
  readonly ingressRate: number;
  readonly ingressBurst: number;
  readonly egressRate: number;
  readonly egressBurst: number;
}

/** The validated, frozen configuration of one bandwidth-shim invocation. */
export interface BandwidthConfig {
  readonly cniVersion: string;
  readonly name: string;
  /** Where the limits came from: static keys win over `runtimeConfig.bandwidth` (reference precedence). */
  readonly source: 'config' | 'runtimeConfig' | 'none';
  readonly limits: BandwidthLimits;
  readonly prevResult?: AnyResult;
}

const LIMIT_KEYS = ['ingressRate', 'ingressBurst', 'egressRate', 'egressBurst'] as const;
const LIMITS_SPELLING: SchemaNode = { properties: Object.fromEntries(LIMIT_KEYS.map((k) => [k, {}])) };
/**
 * The keys' canonical spelling, for the SDK's `normalizeKeys` (Go's case-insensitive matching). Spelling only:
 * values are checked below, with the reference's messages.
 */
export const BANDWIDTH_KEY_SPELLING: SchemaNode = {
  properties: { ...LIMITS_SPELLING.properties, runtimeConfig: { properties: { bandwidth: LIMITS_SPELLING } } },
};
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_UINT32 = 0xffffffff;

const invalid = (msg: string): CniError => new CniError(CniErrorCode.InvalidNetworkConfig, msg);

function readLimits(obj: Record<string, unknown>, where: string): BandwidthLimits {
  const out: Record<string, number> = {};
  for (const key of LIMIT_KEYS) {
    const v = obj[key];
    if (v === undefined || v === null) {
      out[key] = 0;
      continue;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || !Number.isSafeInteger(v)) {
      throw invalid(
        `${where}${key} must be a non-negative integer (${key.endsWith('Rate') ? 'bits per second' : 'bits'}), got ${JSON.stringify(v)}`,
      );
    }
    out[key] = v;
  }
  return out as unknown as BandwidthLimits;
}

/**
 * Checks one direction like the reference (`validateRateAndBurst`), with messages naming the keys.
 * A rate of 0 with a burst, or a burst with no rate, is refused: 0 means "no limit", so the pair is contradictory.
 */
export function validateDirection(dir: 'ingress' | 'egress', rate: number, burst: number): void {
  if (rate === 0 && burst !== 0) {
    throw invalid(`${dir}Burst is ${burst} but ${dir}Rate is 0: a rate of 0 means "no limit"; set both or neither`);
  }
  if (burst === 0 && rate !== 0) {
    throw invalid(`${dir}Rate is ${rate} but ${dir}Burst is missing or 0: if rate is set, burst must also be set`);
  }
  if (rate !== 0 && rate < 8) {
    throw invalid(`${dir}Rate ${rate} bit/s is below 8 bit/s (one byte per second), the smallest rate TBF can express`);
  }
  if (Math.floor(burst / 8) >= MAX_UINT32) {
    throw invalid(`${dir}Burst ${burst} bits is absurd: burst cannot be more than 4GB (${MAX_UINT32} bytes)`);
  }
  if (Math.floor(rate / 8) > Number.MAX_SAFE_INTEGER / 1e6) {
    throw invalid(`${dir}Rate ${rate} bit/s is absurd`);
  }
}

/**
 * Parses and validates stdin for bandwidth-shim: the reference keys `ingressRate`, `ingressBurst`, `egressRate`,
 * `egressBurst` (top level), or the same keys under `runtimeConfig.bandwidth` (any letter case, as runtimes send
 * `IngressRate`/`bandWidth`). Static keys take precedence. `prevResult` is parsed in the config's version family.
 * @throws CniError 7 for bad values, 1/6 for a bad prevResult.
 */
export function parseBandwidthConfig(input: Record<string, unknown>): BandwidthConfig {
  const raw = normalizeKeys<Record<string, unknown>>(input, BANDWIDTH_KEY_SPELLING);
  const cniVersion = typeof raw.cniVersion === 'string' ? raw.cniVersion : '0.1.0';
  const name = raw.name;
  if (typeof name !== 'string' || name === '') throw invalid('network config is missing "name"');
  let source: BandwidthConfig['source'] = 'none';
  let limits: BandwidthLimits = { ingressRate: 0, ingressBurst: 0, egressRate: 0, egressBurst: 0 };
  if (LIMIT_KEYS.some((k) => k in raw)) {
    limits = readLimits(raw, '');
    source = 'config';
  } else {
    const rc = raw.runtimeConfig;
    if (rc !== undefined && rc !== null) {
      if (!isPlainObject(rc)) throw invalid('runtimeConfig must be an object');
      const bw = rc.bandwidth;
      if (bw !== undefined && bw !== null) {
        if (!isPlainObject(bw)) throw invalid('runtimeConfig.bandwidth must be an object');
        limits = readLimits(bw, 'runtimeConfig.bandwidth.');
        source = 'runtimeConfig';
      }
    }
  }
  validateDirection('ingress', limits.ingressRate, limits.ingressBurst);
  validateDirection('egress', limits.egressRate, limits.egressBurst);
  const prevResult = parsePrevResult({ cniVersion, prevResult: raw.prevResult });
  return Object.freeze({ cniVersion, name, source, limits: Object.freeze(limits), prevResult });
}

/** True when at least one direction is limited (the reference prints prevResult unchanged otherwise). */
export function hasLimits(l: BandwidthLimits): boolean {
  return (l.ingressRate > 0 && l.ingressBurst > 0) || (l.egressRate > 0 && l.egressBurst > 0);
}
