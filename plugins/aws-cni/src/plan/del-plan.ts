import { MAIN_TABLE, vlanLinkName, vlanTable } from '../naming/names';
import { PRIO_FROM_POD, PRIO_POD_MULTI_NIC, PRIO_TO_POD, PRIO_VLAN_IIF } from './add-plan';
import { type Family, type KernelOp } from './kernel-op';

/** What DEL knows about a pod's state, from ipamd's reply or from prevResult. */
export interface TeardownTarget {
  /** Host veth names to delete (deleting one also removes its pod end). */
  readonly hostVeths: readonly string[];
  /** The pod's addresses; routeTable when known narrows the from-pod rule, otherwise any table matches. */
  readonly ips: readonly { readonly address: string; readonly family: Family; readonly routeTable?: number }[];
  /** Set for branch-ENI pods. */
  readonly vlanId?: number;
}

/**
 * Decides the kernel changes of a DEL (upstream-notes 3.3 and 3.4): every rule ADD could have made, then the host
 * veths (taking their routes with them). Every step is idempotent, so the plan also serves to undo a half-done ADD and for a second DEL.
 * Branch-ENI pods get both the strict and standard clean-up (mode switches). Pod-side ops (the multi-NIC rules) are
 * skipped by the executor when the netns is gone.
 */
export function planDel(target: TeardownTarget): KernelOp[] {
  const ops: KernelOp[] = [];
  const families = new Set<Family>(target.ips.map((ip) => ip.family));
  if (target.vlanId !== undefined && target.vlanId > 0) {
    const table = vlanTable(target.vlanId);
    ops.push({ op: 'link.delete', ns: 'host', name: vlanLinkName(target.vlanId) });
    for (const family of families.size ? families : new Set<Family>([4])) {
      ops.push({ op: 'rule.delete-all', ns: 'host', family, priority: PRIO_VLAN_IIF, table });
    }
  }
  target.ips.forEach((ip, index) => {
    const { address, family } = ip;
    ops.push(
      { op: 'rule.delete-all', ns: 'host', family, priority: PRIO_TO_POD, to: address, table: MAIN_TABLE },
      {
        op: 'rule.delete-all',
        ns: 'host',
        family,
        priority: PRIO_FROM_POD,
        from: address,
        ...(ip.routeTable !== undefined && ip.routeTable > 0 && target.vlanId === undefined
          ? { table: ip.routeTable }
          : {}),
      },
    );
    if (index > 0) ops.push({ op: 'rule.delete-all', ns: 'pod', family, priority: PRIO_POD_MULTI_NIC, from: address });
  });
  // Deleting a host veth also removes its pod end and the main-table host route through it (upstream deletes that
  // route explicitly because it leaves the veth to die with the netns).
  for (const name of new Set(target.hostVeths)) ops.push({ op: 'link.delete', ns: 'host', name });
  return ops;
}
