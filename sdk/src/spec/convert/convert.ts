// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '../../errors/cni-error';
import { type AnyResult, type ResultFor } from '../types/result';
import { type Result100 } from '../types/result-100';
import { isCniVersion } from '../versions';
import { CONVERSION_TABLE } from './table';

/**
 * Converts a parsed result to another spec version through {@link CONVERSION_TABLE}. Returns a new object.
 * @throws CniError 1 for an unknown version or an impossible down-conversion (no IP for 0.1/0.2).
 */
export function convertResult<V extends string>(result: AnyResult, to: V): ResultFor<V> {
  const from = result.cniVersion;
  if (!isCniVersion(from)) {
    throw new CniError(CniErrorCode.IncompatibleCniVersion, `unsupported CNI result version "${from}"`);
  }
  if (!isCniVersion(to)) {
    throw new CniError(CniErrorCode.IncompatibleCniVersion, `no converter for CNI result version ${from} to ${to}`);
  }
  return CONVERSION_TABLE[from][to](result, to) as ResultFor<V>;
}

/** Converts to the newest 1.x shape (how plugins should work internally), keeping 1.0.0 vs 1.1.0 as 1.1.0. */
export function toCurrentResult(result: AnyResult): Result100 {
  return convertResult(result, '1.1.0');
}

/** Converts and serialises a result for stdout in exactly `version`. */
export function encodeResult(result: AnyResult, version: string): string {
  return JSON.stringify(convertResult(result, version));
}
