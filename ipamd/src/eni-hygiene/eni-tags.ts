// SPDX-License-Identifier: Apache-2.0

export const TAG_INSTANCE_ID = 'node.k8s.amazonaws.com/instance_id';
export const TAG_CREATED_AT = 'node.k8s.amazonaws.com/createdAt';
export const TAG_NO_MANAGE = 'node.k8s.amazonaws.com/no_manage';
export const TAG_CLUSTER_NAME = 'cluster.k8s.amazonaws.com/name';
export const TAG_ENI_OWNER = 'eks:eni:owner';
export const ENI_OWNER_VALUE = 'amazon-vpc-cni';
/** Description of every ENI ipamd creates: `aws-K8S-<instance id>`; the leaked-ENI job only touches these. */
export const ENI_DESCRIPTION_PREFIX = 'aws-K8S-';
/** Keys containing this are reserved for ipamd and dropped from ADDITIONAL_ENI_TAGS. */
export const RESERVED_TAG_FRAGMENT = 'k8s.amazonaws.com';

/** ADDITIONAL_ENI_TAGS is not a JSON object of strings. */
export class AdditionalEniTagsError extends Error {
  override readonly name = 'AdditionalEniTagsError';
}

/**
 * Parse ADDITIONAL_ENI_TAGS (pure): a JSON object of string values; keys containing `k8s.amazonaws.com` are
 * dropped (returned in `dropped` so start-up can log them). Unset or blank gives no tags. Throws
 * `AdditionalEniTagsError` naming the problem otherwise.
 */
export function parseAdditionalEniTags(raw: string | undefined): { tags: Record<string, string>; dropped: string[] } {
  if (raw === undefined || raw.trim() === '') return { tags: {}, dropped: [] };
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    throw new AdditionalEniTagsError(
      `ADDITIONAL_ENI_TAGS=${JSON.stringify(raw)} is not valid JSON: ${(e as Error).message}`,
    );
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new AdditionalEniTagsError(
      `ADDITIONAL_ENI_TAGS=${JSON.stringify(raw)} must be a JSON object of tag keys to string values`,
    );
  const tags: Record<string, string> = {};
  const dropped: string[] = [];
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string')
      throw new AdditionalEniTagsError(
        `ADDITIONAL_ENI_TAGS: the value of "${k}" must be a string, got ${JSON.stringify(val)}`,
      );
    if (k.includes(RESERVED_TAG_FRAGMENT)) dropped.push(k);
    else tags[k] = val;
  }
  return { tags, dropped };
}

/** Go's `time.RFC3339` (seconds, UTC `Z`) for epoch ms. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface EniTagInput {
  readonly instanceId: string;
  /** CLUSTER_NAME; "" = no cluster tags. */
  readonly clusterName: string;
  /** Parsed ADDITIONAL_ENI_TAGS (reserved keys are dropped again here, defensively). */
  readonly additionalTags?: Readonly<Record<string, string>>;
}

/**
 * Tags every managed ENI should carry (pure): `instance_id`, and with CLUSTER_NAME the cluster name and
 * `eks:eni:owner=amazon-vpc-cni`, plus ADDITIONAL_ENI_TAGS (ipamd's own keys win over additional ones).
 */
export function managedEniTags(input: EniTagInput): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.additionalTags ?? {})) if (!k.includes(RESERVED_TAG_FRAGMENT)) tags[k] = v;
  tags[TAG_INSTANCE_ID] = input.instanceId;
  if (input.clusterName) {
    tags[TAG_CLUSTER_NAME] = input.clusterName;
    tags[TAG_ENI_OWNER] = ENI_OWNER_VALUE;
  }
  return tags;
}

/**
 * What `CreateNetworkInterface` gets (pure): the managed tags plus `createdAt` (RFC 3339 of `nowMs`), and the
 * description `aws-K8S-<instance id>`.
 */
export function eniCreationTags(input: EniTagInput & { readonly nowMs: number }): {
  tags: Record<string, string>;
  description: string;
} {
  return {
    tags: { ...managedEniTags(input), [TAG_CREATED_AT]: rfc3339(input.nowMs) },
    description: `${ENI_DESCRIPTION_PREFIX}${input.instanceId}`,
  };
}

/** Tags of `wanted` that `existing` lacks or holds with another value (pure); empty when nothing to do. */
export function missingTags(
  existing: Readonly<Record<string, string>> | undefined,
  wanted: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(wanted)) if (existing?.[k] !== v) out[k] = v;
  return out;
}
