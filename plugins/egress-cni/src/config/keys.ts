// SPDX-License-Identifier: Apache-2.0
/**
 * Reads `key` from a JSON object the way Go's encoding/json matches struct fields: an exact match wins,
 * otherwise the first key equal ignoring case (runtimes send `IngressRate`, conflists `bandWidth`).
 */
export function getCaseInsensitive(obj: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(obj, key)) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

/** True when the object has `key` in any letter case. */
export function hasCaseInsensitive(obj: Record<string, unknown>, key: string): boolean {
  const lower = key.toLowerCase();
  return Object.keys(obj).some((k) => k.toLowerCase() === lower);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
