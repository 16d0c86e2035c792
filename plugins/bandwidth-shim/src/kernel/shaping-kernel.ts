// SPDX-License-Identifier: Apache-2.0
import { type ShapingPlan } from '../plan/shaping-plan';

/** A link in the host namespace. */
export interface HostLink {
  readonly index: number;
  readonly name: string;
  readonly mtu: number;
  readonly mac: string;
}

/** A TBF as observed in the kernel (from `tc -j qdisc show`). */
export interface ObservedTbf {
  readonly rateBytes: number;
  readonly burstBytes: number;
}

/** The shaping state of one host veth (and its ifb) as observed. */
export interface ObservedShaping {
  readonly vethTbf?: ObservedTbf;
  readonly vethIngressQdisc: boolean;
  /** Devices the veth's ingress u32 filters redirect to. */
  readonly redirectsTo: readonly string[];
  readonly ifbExists: boolean;
  readonly ifbTbf?: ObservedTbf;
}

/** What bandwidth-shim needs from the kernel, in domain terms. */
export interface ShapingKernel {
  /**
   * The host-side ifindex of the veth peer of `ifName` inside `netns`.
   * @returns undefined when the interface is not a veth; throws when it or the namespace does not exist.
   */
  containerPeerIndex(netns: string, ifName: string): Promise<number | undefined>;
  hostLinks(): Promise<readonly HostLink[]>;
  /** Creates everything in the plan; on failure removes what it created and throws. */
  apply(plan: ShapingPlan): Promise<void>;
  /** Deletes a host link; a missing link is not an error. */
  deleteLink(name: string): Promise<void>;
  observe(hostVeth: string, ifb: string): Promise<ObservedShaping>;
  ticksPerUsec(): Promise<number>;
}
