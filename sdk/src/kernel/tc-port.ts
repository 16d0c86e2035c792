// SPDX-License-Identifier: Apache-2.0
/**
 * The `TrafficControl` port: token-bucket shaping (tbf), the ingress qdisc, and u32 + mirred redirection of a
 * device's ingress to an ifb (where egress shaping then limits what the device receives).
 */
import { type AddOptions, type BatchResult, type DeleteOptions } from './kernel-port';
import { type NetnsRef } from './netns';

export interface TbfSpec {
  readonly dev: string;
  /** Rate in bits per second (> 0). */
  readonly rateBitsPerSec: number;
  /** Bucket size in bytes (> 0). */
  readonly burstBytes: number;
  /** Queue bound as latency in ms (default 25 when `limitBytes` is not given). */
  readonly latencyMs?: number;
  /** Queue bound in bytes (instead of latency). */
  readonly limitBytes?: number;
  /** Qdisc handle, `"<major>:"` in hex (e.g. `"1:"`, what the reference bandwidth plugin sets); default: the kernel picks one. */
  readonly handle?: string;
}

/** Options of {@link TcBatch.redirectIngress}. */
export interface RedirectOptions extends AddOptions {
  /** Class id the u32 filter sets, `"<major>:<minor>"` in hex (e.g. `"1:1"`, as the reference bandwidth plugin). */
  readonly flowid?: string;
}

export interface Qdisc {
  readonly dev: string;
  readonly kind: string;
  /** "8001:", "ffff:" */
  readonly handle: string;
  readonly root: boolean;
  readonly parent?: string;
  /** tbf: rate in bits per second. */
  readonly rateBitsPerSec?: number;
  /** tbf: burst in bytes. */
  readonly burstBytes?: number;
}

export interface TcFilter {
  readonly dev: string;
  readonly kind: string;
  readonly protocol: string;
  readonly pref: number;
  /** Device a mirred action redirects to, when there is one. */
  readonly redirectTo?: string;
  /** u32: the class id the filter sets (`flowid`), when it sets one. */
  readonly flowid?: string;
}

/** Traffic-control changes queued for one namespace; `commit()` runs one `tc -batch -`. */
export interface TcBatch {
  readonly netns: NetnsRef;
  readonly size: number;
  /** Sets (adds or replaces) a root tbf qdisc on the device, with `spec.handle` when given. */
  replaceTbf(spec: TbfSpec): this;
  /** Adds the ingress qdisc (handle ffff:). */
  addIngress(dev: string, opts?: AddOptions): this;
  /**
   * Redirects everything arriving on `dev` to `ifb` (u32 match-all + mirred egress redirect); needs ingress.
   * `opts.flowid` also sets the filter's class id.
   */
  redirectIngress(dev: string, ifb: string, opts?: RedirectOptions): this;
  /** Deletes the root or ingress qdisc (and with it its filters). */
  deleteQdisc(dev: string, which: 'root' | 'ingress', opts?: DeleteOptions): this;
  commit(): Promise<BatchResult>;
}

export interface TrafficControl {
  batch(netns: NetnsRef): TcBatch;
  /** All qdiscs, or those of one device (`tc -j qdisc show`). */
  listQdiscs(netns: NetnsRef, dev?: string): Promise<Qdisc[]>;
  /** Filters on a device's ingress or root. */
  listFilters(netns: NetnsRef, dev: string, parent: 'ingress' | 'root'): Promise<TcFilter[]>;
}
