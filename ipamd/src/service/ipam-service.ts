// SPDX-License-Identifier: Apache-2.0
import { UnknownPodError, statsOf, type AddressGrant, type Datastore } from '../datastore';
import type { IpamKey, IpamMetadata } from '../domain/types';
import type { Clock, Logger, Metrics } from '../ports';
import { IpamError } from './ipam-errors';

/** What ADD needs from the request. */
export interface AddRequest extends IpamKey {
  readonly podNamespace?: string;
  readonly podName?: string;
}

/**
 * Side effects after an ADD or DEL was acknowledged by the checkpoint (e.g. ANNOTATE_POD_IP). A failure is logged and
 * counted (`awscni_ipamd_error_count{fn}`), never returned to the plugin: the address is already the pod's.
 */
export interface PodHooks {
  added?(grant: AddressGrant): Promise<void>;
  deleted?(grant: AddressGrant): Promise<void>;
}

/** How long a failed ADD counts as a pod waiting for an address (kubelet retries within seconds). */
export const WAITING_TTL_MS = 60_000;

const keyString = (k: IpamKey): string => `${k.networkName}\u0000${k.containerId}\u0000${k.ifName}`;

/** Why the pool is empty, as the pool manager knows it. */
export interface PoolStatusSource {
  blockReason(): { reason: string; detail: string; retryInMs?: number } | undefined;
  nudge(): void;
  currentTargets(): { maxPods: number };
}

const MAX_FIELD = 256;

function validateKey(k: IpamKey, op: string): void {
  const fields: [string, string][] = [
    ['NetworkName', k.networkName],
    ['ContainerID', k.containerId],
    ['IfName', k.ifName],
  ];
  for (const [name, v] of fields) {
    if (typeof v !== 'string' || v.length === 0)
      throw new IpamError(
        'invalid-argument',
        `${op}: ${name} is empty; the plugin must send the network name, container ID and interface name`,
      );
    if (v.length > MAX_FIELD)
      throw new IpamError(
        'invalid-argument',
        `${op}: ${name} is ${v.length} characters; at most ${MAX_FIELD} are accepted`,
      );
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f]/.test(v)) throw new IpamError('invalid-argument', `${op}: ${name} contains control characters`);
  }
}

function validateOptional(op: string, fields: [string, string | undefined][]): void {
  for (const [name, v] of fields)
    if (v && v.length > MAX_FIELD)
      throw new IpamError(
        'invalid-argument',
        `${op}: ${name} is ${v.length} characters; at most ${MAX_FIELD} are accepted`,
      );
}

/**
 * ADD and DEL against the datastore, each acknowledged only after the checkpoint holds it. ADD is idempotent per
 * (networkName, containerID, ifName). When no address is free the error says why in operator terms.
 */
export class IpamService {
  private readonly log: Logger;
  private readonly waiting = new Map<string, number>();
  constructor(
    private readonly datastore: Datastore,
    private readonly commit: () => Promise<void>,
    private readonly pool: PoolStatusSource,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    logger: Logger,
    private readonly cooldownSeconds: number,
    private readonly hooks: PodHooks = {},
  ) {
    this.log = logger.child({ component: 'ipam' });
  }

  async add(req: AddRequest): Promise<AddressGrant> {
    this.metrics.inc('awscni_add_ip_req_count');
    validateKey(req, 'AddNetwork');
    validateOptional('AddNetwork', [
      ['K8S_POD_NAME', req.podName],
      ['K8S_POD_NAMESPACE', req.podNamespace],
    ]);
    const key = { networkName: req.networkName, containerId: req.containerId, ifName: req.ifName };
    const metadata: IpamMetadata = {
      ...(req.podNamespace ? { k8sPodNamespace: req.podNamespace } : {}),
      ...(req.podName ? { k8sPodName: req.podName } : {}),
    };
    const existing = this.datastore.lookup(key);
    const grant = existing ?? this.datastore.assign(key, metadata, this.clock.now());
    if (!grant) {
      this.waiting.set(keyString(key), this.clock.now());
      this.metrics.inc('awscni_no_available_ip_addresses');
      this.pool.nudge();
      const why = this.explainEmpty();
      this.log.warn({ key, why }, 'no address for pod');
      throw new IpamError('no-address', why);
    }
    this.waiting.delete(keyString(key));
    try {
      await this.commit();
    } catch (e) {
      if (!existing) this.datastore.undoAssign(key);
      this.metrics.inc('awscni_ipamd_error_count', { fn: 'AddNetwork' });
      throw new IpamError(
        'internal',
        `AddNetwork: could not persist the assignment to the checkpoint (${(e as Error).message}); nothing was assigned`,
        { cause: e },
      );
    }
    if (!existing) this.log.info({ key, address: grant.address, eni: grant.eniId, pod: req.podName }, 'assigned');
    if (this.hooks.added) await this.runHook('annotatePod', () => this.hooks.added!(grant));
    return grant;
  }

  /** `reason` is the request's Reason (upstream labels `awscni_del_ip_req_count` with it). */
  async del(key: IpamKey, podName?: string, reason = ''): Promise<AddressGrant> {
    this.metrics.inc('awscni_del_ip_req_count', { reason });
    validateKey(key, 'DelNetwork');
    this.waiting.delete(keyString(key));
    let grant: AddressGrant;
    try {
      grant = this.datastore.unassign(key, this.clock.now());
    } catch (e) {
      if (e instanceof UnknownPodError) throw new IpamError('unknown-pod', e.message, { cause: e });
      throw e;
    }
    try {
      await this.commit();
    } catch (e) {
      this.datastore.undoUnassign(grant);
      this.metrics.inc('awscni_ipamd_error_count', { fn: 'DelNetwork' });
      throw new IpamError(
        'internal',
        `DelNetwork: could not persist the release to the checkpoint (${(e as Error).message}); the address stays assigned`,
        { cause: e },
      );
    }
    this.log.info({ key, address: grant.address, pod: podName }, 'released');
    if (this.hooks.deleted) await this.runHook('clearPodAnnotation', () => this.hooks.deleted!(grant));
    return grant;
  }

  /**
   * Pods whose ADD found no address in the last `WAITING_TTL_MS` and that have not been served or deleted since:
   * kubelet is retrying them. The pool manager sizes its next increase to them.
   */
  waitingPods(): number {
    const cutoff = this.clock.now() - WAITING_TTL_MS;
    for (const [k, t] of this.waiting) if (t < cutoff) this.waiting.delete(k);
    return this.waiting.size;
  }

  private async runHook(fn: string, hook: () => Promise<void>): Promise<void> {
    try {
      await hook();
    } catch (e) {
      this.metrics.inc('awscni_ipamd_error_count', { fn });
      this.log.warn({ fn, err: (e as Error).message }, 'pod hook failed; the request itself succeeded');
    }
  }

  /** Operator-facing reason the pool has nothing to give. */
  explainEmpty(): string {
    const now = this.clock.now();
    const s = statsOf(this.datastore.snapshot(now));
    const base = `no available IP address on this node (${s.assigned} assigned, ${s.cooling} cooling down, ${s.total} total)`;
    const maxPods = this.pool.currentTargets().maxPods;
    if (s.assigned >= maxPods)
      return `${base}: max-pods reached (${maxPods}); the scheduler should not place more pods here`;
    const block = this.pool.blockReason();
    if (block) {
      const when = block.retryInMs !== undefined ? `; ipamd retries in ${Math.ceil(block.retryInMs / 1000)}s` : '';
      switch (block.reason) {
        case 'subnet-full':
          return `${base}: subnet full: ${block.detail}${when}. Free addresses in the subnet or add subnets/CIDRs.`;
        case 'no-contiguous-cidr':
          return `${base}: prefix delegation needs a free /28: ${block.detail}${when}. Consider a subnet CIDR reservation.`;
        case 'eni-limit':
          return `${base}: ENI limit reached: ${block.detail}. Raise MAX_ENI or use a larger instance / prefix delegation.`;
        case 'max-pods':
          return `${base}: max-pods reached: ${block.detail}.`;
        case 'throttled':
          return `${base}: EC2 is throttling requests; ipamd is retrying with backoff${when}.`;
        default:
          return `${base}: ${block.detail}${when}.`;
      }
    }
    if (s.cooling > 0 && s.available <= 0) {
      const next = this.datastore.nextCoolingExpiry(now);
      const secs = next ? Math.ceil((next - now) / 1000) : this.cooldownSeconds;
      return `${base}: all free addresses are cooling down (IP_COOLDOWN_PERIOD=${this.cooldownSeconds}s); the next frees in ${secs}s and ipamd is adding more`;
    }
    return `${base}: the warm pool is empty and ipamd is allocating more addresses now; retry shortly`;
  }
}
