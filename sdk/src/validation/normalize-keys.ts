// SPDX-License-Identifier: Apache-2.0
/** The subset of JSON Schema the key normaliser walks. */
export interface SchemaNode {
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode | SchemaNode[];
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  definitions?: Record<string, SchemaNode>;
  $defs?: Record<string, SchemaNode>;
  [k: string]: unknown;
}

function resolve(node: SchemaNode, root: SchemaNode, depth = 0): SchemaNode {
  if (!node.$ref || depth > 32) return node;
  const m = /^#\/(definitions|\$defs)\/(.+)$/.exec(node.$ref);
  const target = m ? (root[m[1]] as Record<string, SchemaNode> | undefined)?.[decodeURIComponent(m[2])] : undefined;
  return target ? resolve(target, root, depth + 1) : node;
}

/** Properties of a node, merged over allOf/anyOf/oneOf branches (first declaration wins). */
function propertiesOf(node: SchemaNode, root: SchemaNode): Record<string, SchemaNode> {
  const n = resolve(node, root);
  const out: Record<string, SchemaNode> = { ...(n.properties ?? {}) };
  for (const branch of [...(n.allOf ?? []), ...(n.anyOf ?? []), ...(n.oneOf ?? [])]) {
    for (const [k, v] of Object.entries(propertiesOf(branch, root))) if (!(k in out)) out[k] = v;
  }
  return out;
}

function itemsOf(node: SchemaNode, root: SchemaNode): SchemaNode | undefined {
  const n = resolve(node, root);
  if (n.items && !Array.isArray(n.items)) return n.items;
  for (const branch of [...(n.allOf ?? []), ...(n.anyOf ?? []), ...(n.oneOf ?? [])]) {
    const it = itemsOf(branch, root);
    if (it) return it;
  }
  return undefined;
}

function walk(value: unknown, node: SchemaNode | undefined, root: SchemaNode): unknown {
  if (node === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = itemsOf(node, root);
    return items ? value.map((v) => walk(v, items, root)) : value;
  }
  const props = propertiesOf(node, root);
  const byLower = new Map<string, string>();
  for (const name of Object.keys(props)) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
  const resolved = resolve(node, root);
  const extra = typeof resolved.additionalProperties === 'object' ? resolved.additionalProperties : undefined;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // exact spellings first, so {"mtu": 1, "MTU": 2} keeps the exact one
  for (const k of Object.keys(src)) if (k in props) out[k] = walk(src[k], props[k], root);
  for (const k of Object.keys(src)) {
    if (k in props) continue;
    const canonical = byLower.get(k.toLowerCase());
    if (canonical !== undefined) {
      if (!(canonical in out)) out[canonical] = walk(src[k], props[canonical], root);
    } else {
      out[k] = walk(src[k], extra, root);
    }
  }
  return out;
}

/**
 * Renames object keys to the spelling the schema declares, matching case-insensitively like Go's encoding/json
 * (containerd sends `HostPort`/`IngressRate`, CRI-O `IngressRate`, real conflists `bandWidth`). Follows
 * `properties`, `items`, object `additionalProperties`, local `$ref`s and allOf/anyOf/oneOf. Keys the schema does not
 * declare are kept as they are. Returns a new value; the input is not modified.
 */
export function normalizeKeys<T = unknown>(value: unknown, schema: SchemaNode): T {
  return walk(value, schema, schema) as T;
}
