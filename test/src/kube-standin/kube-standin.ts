import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { allowed, type PolicyRule, type RequestAttributes } from './policy';

/** A stored object: whatever JSON the kind has, with metadata. */
export type KubeObject = {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
};

export interface StandinOptions {
  /** Bearer token every request must carry. */
  readonly token?: string;
  /** When set, requests are authorized against these ClusterRole rules (403 otherwise). */
  readonly rules?: readonly PolicyRule[];
  readonly host?: string;
  readonly port?: number;
}

export interface RecordedCall {
  readonly verb: string;
  readonly path: string;
  readonly status: number;
}

/** A fault on the next `count` requests whose path contains `pathIncludes`. */
export interface StandinFault {
  readonly pathIncludes: string;
  readonly status?: number;
  readonly delayMs?: number;
  count: number;
}

interface Route {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Parses /api/v1/..., /apis/<group>/<version>/... into the resource addressed. */
function route(path: string): Route | undefined {
  const p = path.split('?')[0].split('/').filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (p[0] === 'api' && p[1] === 'v1') [group, version, rest] = ['', 'v1', p.slice(2)];
  else if (p[0] === 'apis' && p.length >= 3) [group, version, rest] = [p[1], p[2], p.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 2) return undefined;
  const resource = rest[0];
  const kinds: Record<string, string> = {
    nodes: 'Node',
    pods: 'Pod',
    events: 'Event',
    eniconfigs: 'ENIConfig',
    cninodes: 'CNINode',
  };
  return { group, version, resource, kind: kinds[resource] ?? resource, namespace, name: rest[1] };
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * A stand-in for the kube-apiserver, for the few paths ipamd uses: GET/PATCH/POST of nodes, pods, events,
 * eniconfigs and cninodes by name, and /version. It behaves like the real one where ipamd can tell: Kubernetes
 * JSON shapes and Status errors, bearer-token authentication (401), RBAC from ClusterRole rules (403),
 * resourceVersion on every write and 409 Conflict on a stale one, merge patches only (415 otherwise), 404s, and
 * injected latency and failures. Every request is recorded.
 */
export class KubeStandin {
  readonly calls: RecordedCall[] = [];
  private readonly objects = new Map<string, KubeObject>();
  private readonly faults: StandinFault[] = [];
  private rv = 1000;
  private server?: Server;
  url = '';

  constructor(private readonly opts: StandinOptions = {}) {}

  private key(r: Pick<Route, 'group' | 'resource' | 'namespace'>, name: string): string {
    return `${r.group}/${r.resource}/${r.namespace ?? ''}/${name}`;
  }

  /** Stores an object (as if created by someone else), stamping a resourceVersion. */
  put(group: string, resource: string, obj: KubeObject): KubeObject {
    const stored = {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv), uid: obj.metadata.uid ?? randomUUID() },
    };
    this.objects.set(this.key({ group, resource, namespace: obj.metadata.namespace }, obj.metadata.name), stored);
    return stored;
  }

  get(group: string, resource: string, name: string, namespace?: string): KubeObject | undefined {
    return this.objects.get(this.key({ group, resource, namespace }, name));
  }

  list(group: string, resource: string): KubeObject[] {
    return [...this.objects.entries()].filter(([k]) => k.startsWith(`${group}/${resource}/`)).map(([, v]) => v);
  }

  injectFault(f: StandinFault): void {
    this.faults.push(f);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) =>
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', resolve),
    );
    const a = this.server.address() as AddressInfo;
    this.url = `http://${a.address}:${a.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections?.();
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    this.send(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const method = req.method ?? 'GET';
    const done = res.end.bind(res);
    res.end = ((...a: Parameters<typeof done>) => {
      this.calls.push({ verb: method, path: path.split('?')[0], status: res.statusCode });
      return done(...a);
    }) as typeof res.end;

    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');

    const fault = this.faults.find((f) => f.count > 0 && path.includes(f.pathIncludes));
    if (fault) {
      fault.count--;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.status) return this.status(res, fault.status, 'InternalError', `injected failure ${fault.status}`);
    }
    if (this.opts.token && req.headers.authorization !== `Bearer ${this.opts.token}`) {
      return this.status(res, 401, 'Unauthorized', 'Unauthorized');
    }

    if (path.split('?')[0] === '/version') {
      if (!this.authorize(res, { kind: 'non-resource', path: '/version', verb: 'get' })) return;
      return this.send(res, 200, {
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0-vct-standin',
        platform: 'linux/amd64',
      });
    }
    const r = route(path);
    if (!r) return this.status(res, 404, 'NotFound', `the server could not find the requested resource (${path})`);
    const verb =
      method === 'GET'
        ? r.name
          ? 'get'
          : 'list'
        : method === 'POST'
          ? 'create'
          : method === 'PATCH'
            ? 'patch'
            : method === 'PUT'
              ? 'update'
              : method === 'DELETE'
                ? 'delete'
                : method.toLowerCase();
    if (!this.authorize(res, { kind: 'resource', group: r.group, resource: r.resource, verb })) return;

    const what = `${r.resource}${r.group ? `.${r.group}` : ''} "${r.name ?? ''}"`;
    if (verb === 'get') {
      const o = this.objects.get(this.key(r, r.name!));
      return o ? this.send(res, 200, o) : this.status(res, 404, 'NotFound', `${what} not found`);
    }
    let body: Record<string, unknown>;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return this.status(res, 400, 'BadRequest', 'request body is not JSON');
    }
    if (verb === 'create') {
      const meta = (body.metadata ?? {}) as KubeObject['metadata'] & { generateName?: string };
      const name = meta.name ?? (meta.generateName ? `${meta.generateName}${randomUUID().slice(0, 5)}` : undefined);
      if (!name) return this.status(res, 422, 'Invalid', `${r.kind} is invalid: metadata.name: Required value`);
      if (this.objects.has(this.key(r, name)))
        return this.status(res, 409, 'AlreadyExists', `${r.resource} "${name}" already exists`);
      const created = this.put(r.group, r.resource, {
        ...body,
        kind: r.kind,
        apiVersion: r.group ? `${r.group}/${r.version}` : 'v1',
        metadata: { ...meta, name, ...(r.namespace ? { namespace: r.namespace } : {}) },
      } as KubeObject);
      return this.send(res, 201, created);
    }
    if (verb === 'patch') {
      const ct = String(req.headers['content-type'] ?? '');
      if (!ct.startsWith('application/merge-patch+json') && !ct.startsWith('application/strategic-merge-patch+json')) {
        return this.status(res, 415, 'UnsupportedMediaType', `the body of the request was in an unknown format: ${ct}`);
      }
      const o = this.objects.get(this.key(r, r.name!));
      if (!o) return this.status(res, 404, 'NotFound', `${what} not found`);
      const wantRv = (body.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      if (wantRv && wantRv !== o.metadata.resourceVersion) {
        return this.status(
          res,
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${what}: the object has been modified; please apply your changes to the latest version and try again`,
        );
      }
      const merged = mergePatch(o, body) as KubeObject;
      merged.metadata = {
        ...merged.metadata,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
      };
      return this.send(res, 200, this.put(r.group, r.resource, merged));
    }
    return this.status(res, 405, 'MethodNotAllowed', `${method} is not supported by this stand-in for ${r.resource}`);
  }

  private authorize(res: ServerResponse, a: RequestAttributes): boolean {
    if (!this.opts.rules || allowed(this.opts.rules, a)) return true;
    const what = a.kind === 'resource' ? `resource "${a.resource}" in API group "${a.group}"` : `path "${a.path}"`;
    this.status(res, 403, 'Forbidden', `User "system:serviceaccount:kube-system:aws-node" cannot ${a.verb} ${what}`);
    return false;
  }
}
