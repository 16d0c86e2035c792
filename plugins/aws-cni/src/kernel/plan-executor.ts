import { HOST_NETNS, type Kernel, type KernelBatch, KernelError, type NetnsRef } from '@vpc-cni-ts/sdk/kernel';

import { type KernelOp } from '../plan/kernel-op';

export interface ExecuteContext {
  /** The pod's namespace (CNI_NETNS); undefined when it is gone, in which case pod-side ops are skipped. */
  readonly podNetns?: NetnsRef;
}

/** How a plan was carried out. */
export interface ExecuteReport {
  readonly hostOps: number;
  readonly podOps: number;
  /** Pod-side ops skipped because there was no pod namespace. */
  readonly skippedPodOps: number;
}

/**
 * Carries a plan out through the SDK kernel port. Host-side ops never depend on pod-side state in our plans, so
 * they run first, in plan order, as one host batch; then the pod-side ops as one pod batch; then waits (IPv6 DAD).
 * That is two batches for a whole ADD. Rejects with the port's KernelError (naming the op) on the first failure
 * that the op does not tolerate; deletes tolerate absence, rule/address adds tolerate an identical existing entry.
 */
export async function executePlan(kernel: Kernel, plan: readonly KernelOp[], ctx: ExecuteContext): Promise<ExecuteReport> {
  const hostOps = plan.filter((o) => opSide(o) === 'host');
  const podOps = plan.filter((o) => opSide(o) === 'pod' && o.op !== 'dad.wait');
  const waits = plan.filter((o): o is Extract<KernelOp, { op: 'dad.wait' }> => o.op === 'dad.wait');
  const needsPod = hostOps.some((o) => o.op === 'veth.create');
  if (needsPod && !ctx.podNetns) {
    throw new KernelError({ kind: 'invalid-argument', op: 'add veth', detail: 'no pod network namespace to put the peer in' });
  }

  if (hostOps.length) {
    const batch = kernel.batch(HOST_NETNS);
    for (const op of hostOps) await queue(kernel, batch, op, ctx);
    await batch.commit();
  }
  let skipped = 0;
  if (podOps.length || waits.length) {
    if (!ctx.podNetns) {
      skipped = podOps.length + waits.length;
    } else {
      if (podOps.length) {
        const batch = kernel.batch(ctx.podNetns);
        for (const op of podOps) await queue(kernel, batch, op, ctx);
        await batch.commit();
      }
      for (const w of waits) await kernel.waitForDad(ctx.podNetns, { dev: w.dev, timeoutMs: w.timeoutMs });
    }
  }
  return { hostOps: hostOps.length, podOps: ctx.podNetns ? podOps.length + waits.length : 0, skippedPodOps: skipped };
}

function opSide(o: KernelOp): 'host' | 'pod' {
  if (o.op === 'veth.create' || o.op === 'vlan.create') return 'host';
  return o.ns;
}

async function queue(kernel: Kernel, b: KernelBatch, o: KernelOp, ctx: ExecuteContext): Promise<void> {
  switch (o.op) {
    case 'link.delete':
      b.deleteLink(o.name, { missingOk: true });
      return;
    case 'veth.create':
      b.addVeth({ name: o.hostName, mac: o.hostMac, peerName: o.podName, peerNetns: ctx.podNetns, mtu: o.mtu });
      return;
    case 'sysctl.set':
      b.setSysctl({ key: o.key, value: o.value, optional: o.ignoreMissing });
      return;
    case 'link.up':
      b.setLinkUp(o.name);
      return;
    case 'addr.add':
      b.addAddress({ dev: o.dev, cidr: o.cidr }, { existOk: true });
      return;
    case 'route.replace':
      b.replaceRoute({
        dst: o.dst,
        dev: o.dev,
        family: o.family,
        ...(o.via ? { via: o.via } : {}),
        ...(o.scope ? { scope: o.scope } : {}),
        ...(o.table ? { table: o.table } : {}),
      });
      return;
    case 'route.delete':
      b.deleteRoute({ dst: o.dst, family: o.family, ...(o.dev ? { dev: o.dev } : {}), ...(o.table ? { table: o.table } : {}) }, { missingOk: true });
      return;
    case 'neigh.replace':
      b.replaceNeighbour({ dev: o.dev, ip: o.ip, mac: o.lladdr });
      return;
    case 'rule.add':
      b.addRule(
        {
          family: o.family,
          priority: o.priority,
          table: o.table,
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
          ...(o.iif ? { iif: o.iif } : {}),
        },
        { existOk: true },
      );
      return;
    case 'rule.delete-all':
      b.deleteRules({
        family: o.family,
        priority: o.priority,
        ...(o.table ? { table: o.table } : {}),
        ...(o.from ? { from: o.from } : {}),
        ...(o.to ? { to: o.to } : {}),
        ...(o.iif ? { iif: o.iif } : {}),
      });
      return;
    case 'vlan.create': {
      const parent = await kernel.findLinkByIndex(HOST_NETNS, o.parentIndex);
      if (!parent) {
        throw new KernelError({ kind: 'not-found', op: 'add vlan', object: o.name, detail: `no trunk link with ifindex ${o.parentIndex}` });
      }
      b.addVlan({ name: o.name, parent: parent.name, vlanId: o.vlanId, mac: o.mac });
      return;
    }
    case 'dad.wait':
      return; // handled after the batches
  }
}
