/**
 * The kernel operations the plugin decides on, in domain terms. A plan is an ordered list of these; an executor
 * carries it out through the SDK's kernel port. `ns` says where: `host` is the namespace the plugin runs in (the
 * node), `pod` is CNI_NETNS. Every delete is idempotent ("if it exists").
 */
export type Side = 'host' | 'pod';
export type Family = 4 | 6;

export type KernelOp =
  /** Delete a link if it exists. */
  | { readonly op: 'link.delete'; readonly ns: Side; readonly name: string }
  /**
   * Create a veth pair from the host: the host end `hostName` with MAC `hostMac`, its peer `podName` born directly in
   * the pod netns (no move). Both ends get `mtu`. A host link already named `hostName` (a leftover of an earlier
   * sandbox of the same pod) is deleted first, as upstream does; the executor does that only when creation reports
   * `exists`, so the common case costs no extra process.
   */
  | {
      readonly op: 'veth.create';
      readonly hostName: string;
      readonly hostMac: string;
      readonly podName: string;
      readonly mtu: number;
    }
  /** Write a sysctl under /proc/sys (slash form: link names may contain dots, e.g. vlan.eth.7); `ignoreMissing` tolerates ENOENT (no IPv6). */
  | {
      readonly op: 'sysctl.set';
      readonly ns: Side;
      readonly key: string;
      readonly value: string;
      readonly ignoreMissing: boolean;
    }
  | { readonly op: 'link.up'; readonly ns: Side; readonly name: string }
  /** Add an address (CIDR with prefix) to a link; `nodad` skips IPv6 duplicate address detection. */
  | { readonly op: 'addr.add'; readonly ns: Side; readonly dev: string; readonly cidr: string }
  /** Add or replace a route. `dst` is a CIDR or `default`. table defaults to main. */
  | {
      readonly op: 'route.replace';
      readonly ns: Side;
      readonly family: Family;
      readonly dst: string;
      readonly dev: string;
      readonly via?: string;
      readonly scope?: 'link';
      readonly table?: number;
    }
  /** Delete a route if it exists. */
  | {
      readonly op: 'route.delete';
      readonly ns: Side;
      readonly family: Family;
      readonly dst: string;
      readonly dev?: string;
      readonly table?: number;
    }
  /** Add or replace a permanent neighbour entry. */
  | {
      readonly op: 'neigh.replace';
      readonly ns: Side;
      readonly dev: string;
      readonly ip: string;
      readonly lladdr: string;
    }
  /** Add a policy rule (an identical existing rule is tolerated). */
  | {
      readonly op: 'rule.add';
      readonly ns: Side;
      readonly family: Family;
      readonly priority: number;
      readonly table: number;
      readonly from?: string;
      readonly to?: string;
      readonly iif?: string;
    }
  /** Delete every rule matching all given selectors (a rule deleted twice is fine); absent selectors match any. */
  | {
      readonly op: 'rule.delete-all';
      readonly ns: Side;
      readonly family: Family;
      readonly priority: number;
      readonly table?: number;
      readonly from?: string;
      readonly to?: string;
      readonly iif?: string;
    }
  /** Create a VLAN link on the parent (by ifindex) with the given MAC. Needs 8021q in the kernel. */
  | {
      readonly op: 'vlan.create';
      readonly name: string;
      readonly parentIndex: number;
      readonly vlanId: number;
      readonly mac: string;
    }
  /** Wait until no IPv6 address on `dev` is tentative; fail on dadfailed or timeout. */
  | { readonly op: 'dad.wait'; readonly ns: Side; readonly dev: string; readonly timeoutMs: number };

export type KernelPlan = readonly KernelOp[];
