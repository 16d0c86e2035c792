// SPDX-License-Identifier: Apache-2.0
/** The subset of JSON Schema the key normaliser walks. */
export interface SchemaNode {
  $id?: string;
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

/** A schema node together with the document its local `#/...` refs point into. */
interface At {
  readonly node: SchemaNode;
  readonly root: SchemaNode;
}

type Registry = ReadonlyMap<string, SchemaNode>;

function resolve(at: At, reg: Registry, depth = 0): At {
  const ref = at.node.$ref;
  if (!ref || depth > 32) return at;
  const hash = ref.indexOf('#');
  const base = hash < 0 ? ref : ref.slice(0, hash);
  const pointer = hash < 0 ? '' : ref.slice(hash + 1);
  const root = base ? reg.get(base) : at.root;
  if (!root) return at;
  let node: unknown = root;
  for (const part of pointer.split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[
      decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~')
    ];
  }
  return node && typeof node === 'object' ? resolve({ node: node as SchemaNode, root }, reg, depth + 1) : at;
}

const branches = (n: SchemaNode): SchemaNode[] => [...(n.allOf ?? []), ...(n.anyOf ?? []), ...(n.oneOf ?? [])];

/** Properties of a node, merged over allOf/anyOf/oneOf branches (first declaration wins). */
function propertiesOf(at: At, reg: Registry, out: Map<string, At> = new Map()): Map<string, At> {
  const r = resolve(at, reg);
  for (const [k, v] of Object.entries(r.node.properties ?? {})) if (!out.has(k)) out.set(k, { node: v, root: r.root });
  for (const b of branches(r.node)) propertiesOf({ node: b, root: r.root }, reg, out);
  return out;
}

function itemsOf(at: At, reg: Registry): At | undefined {
  const r = resolve(at, reg);
  if (r.node.items && !Array.isArray(r.node.items)) return { node: r.node.items, root: r.root };
  for (const b of branches(r.node)) {
    const it = itemsOf({ node: b, root: r.root }, reg);
    if (it) return it;
  }
  return undefined;
}

function extraOf(at: At, reg: Registry): At | undefined {
  const r = resolve(at, reg);
  if (typeof r.node.additionalProperties === 'object') return { node: r.node.additionalProperties, root: r.root };
  for (const b of branches(r.node)) {
    const e = extraOf({ node: b, root: r.root }, reg);
    if (e) return e;
  }
  return undefined;
}

function walk(value: unknown, at: At | undefined, reg: Registry): unknown {
  if (at === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = itemsOf(at, reg);
    return items ? value.map((v) => walk(v, items, reg)) : value;
  }
  const props = propertiesOf(at, reg);
  const byLower = new Map<string, string>();
  for (const name of props.keys()) if (!byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
  const extra = extraOf(at, reg);
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // exact spellings first, so {"mtu": 1, "MTU": 2} keeps the exact one
  for (const k of Object.keys(src)) if (props.has(k)) out[k] = walk(src[k], props.get(k), reg);
  for (const k of Object.keys(src)) {
    if (props.has(k)) continue;
    const canonical = byLower.get(k.toLowerCase());
    if (canonical !== undefined) {
      if (!(canonical in out)) out[canonical] = walk(src[k], props.get(canonical), reg);
    } else {
      out[k] = walk(src[k], extra, reg);
    }
  }
  return out;
}

export interface NormalizeOptions {
  /** Other schemas, by `$id`, that `$ref`s may point into (the SDK's base NetConf schema is one). */
  readonly schemas?: readonly SchemaNode[];
}

/**
 * Renames object keys to the spelling the schema declares, matching case-insensitively like Go's encoding/json
 * (containerd sends `HostPort`/`IngressRate`, CRI-O `IngressRate`, real conflists `bandWidth`). Follows
 * `properties`, `items`, object `additionalProperties`, `$ref`s (local, or into `opts.schemas` by `$id`) and
 * allOf/anyOf/oneOf. Keys the schema does not declare are kept as they are. Returns a new value.
 */
export function normalizeKeys<T = unknown>(value: unknown, schema: SchemaNode, opts: NormalizeOptions = {}): T {
  const reg = new Map<string, SchemaNode>();
  for (const s of [schema, ...(opts.schemas ?? [])]) if (s.$id) reg.set(s.$id, s);
  return walk(value, { node: schema, root: schema }, reg) as T;
}
