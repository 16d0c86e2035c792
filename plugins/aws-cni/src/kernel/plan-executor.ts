import {
  HOST_NETNS,
  isKernelError,
  type Kernel,
  type KernelBatch,
  KernelError,
  type NetnsRef,
} from '@vpc-cni-ts/sdk/kernel';

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
 * Carries a plan out through the SDK kernel port, in as few processes as the plan allows. Our plans never make a
 * host-side op depend on pod-side state, and pod-side ops only need the veth to exist, so:
 * 1. host ops before the first veth creation (none in a regular ADD) run as one host batch;
 * 2. one pod batch creates the veth(s) from the pod side (the host end is born directly in the host namespace,
 *    with its MAC and MTU) and applies every pod-side op (a host veth name taken by a stale link gets that link
 *    deleted and the batch retried from there once: upstream's "delete if present" at no cost when absent);
 * 3. then the remaining host ops run as one host batch, concurrently with the IPv6 DAD waits (DAD in the pod
 *    needs carrier, so the host end must come up while it waits).
 * A regular ADD is thus two `ip` processes, one after the other. A plan creating no veth (DEL) runs its host and
 * pod batches side by side; without a pod namespace (DEL of a pod whose netns is gone) pod-side ops are skipped.
 * Rejects with the port's KernelError (naming the op) on the first failure the op does not tolerate, after every
 * started batch has settled (so a rollback never races a running batch).
 */
export async function executePlan(
  kernel: Kernel,
  plan: readonly KernelOp[],
  ctx: ExecuteContext,
): Promise<ExecuteReport> {
  const hostOps = plan.filter((o) => opSide(o) === 'host');
  const podOps = plan.filter((o) => opSide(o) === 'pod' && o.op !== 'dad.wait');
  const waits = plan.filter((o): o is Extract<KernelOp, { op: 'dad.wait' }> => o.op === 'dad.wait');
  const firstVeth = hostOps.findIndex((o) => o.op === 'veth.create');
  const pod = ctx.podNetns;
  if (firstVeth >= 0 && !pod) {
    throw new KernelError({
      kind: 'invalid-argument',
      op: 'add veth',
      detail: 'no pod network namespace to put the peer in',
    });
  }
  const before = firstVeth >= 0 ? hostOps.slice(0, firstVeth) : [];
  const veths = hostOps.filter((o) => o.op === 'veth.create');
  const after = firstVeth >= 0 ? hostOps.slice(firstVeth).filter((o) => o.op !== 'veth.create') : hostOps;

  if (before.length) await runBatch(kernel, HOST_NETNS, before);
  if (pod && veths.length) await runPodWithReplace(kernel, pod, [...veths, ...podOps]);

  const tasks: Promise<unknown>[] = [];
  if (after.length) tasks.push(runHostAfterVeths(kernel, after));
  // nothing to create (DEL): the pod batch needs nothing from the host one, so they run side by side
  if (pod && !veths.length && podOps.length) tasks.push(runBatch(kernel, pod, podOps));
  if (pod && waits.length) {
    tasks.push(
      (async () => {
        for (const w of waits) await kernel.waitForDad(pod, { dev: w.dev, timeoutMs: w.timeoutMs });
      })(),
    );
  }
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return {
    hostOps: hostOps.length,
    podOps: pod ? podOps.length + waits.length : 0,
    skippedPodOps: pod ? 0 : podOps.length + waits.length,
  };
}

async function runBatch(kernel: Kernel, ns: NetnsRef, ops: readonly KernelOp[]): Promise<void> {
  const batch = kernel.batch(ns);
  for (const op of ops) await queue(kernel, batch, op);
  await batch.commit();
}

/**
 * Runs the host ops that follow the veth creation. The leading host sysctls (the new host veth's IPv6 knobs, which
 * must be set before it comes up) are independent file writes: they are written concurrently (one in-process write
 * each, no spawn) instead of one after the other, then the rest runs as one batch. The first failure in plan order
 * is the one reported.
 */
async function runHostAfterVeths(kernel: Kernel, ops: readonly KernelOp[]): Promise<void> {
  let n = 0;
  while (n < ops.length && ops[n].op === 'sysctl.set') n++;
  if (n > 1) {
    const settled = await Promise.allSettled(ops.slice(0, n).map((o) => runBatch(kernel, HOST_NETNS, [o])));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    ops = ops.slice(n);
  }
  if (ops.length) await runBatch(kernel, HOST_NETNS, ops);
}

/**
 * Runs the pod batch that creates the veth(s); on `exists` from a veth whose host name is taken by a link in the
 * host namespace, deletes that link once and carries on from the failed veth.
 */
async function runPodWithReplace(kernel: Kernel, pod: NetnsRef, ops: readonly KernelOp[]): Promise<void> {
  try {
    await runBatch(kernel, pod, ops);
  } catch (e) {
    if (!isKernelError(e, 'exists') || e.op !== 'add veth' || e.opIndex === undefined) throw e;
    const failed = ops[e.opIndex];
    if (failed?.op !== 'veth.create' || !(await kernel.getLink(HOST_NETNS, failed.hostName))) throw e; // pod-side name taken
    await kernel.batch(HOST_NETNS).deleteLink(failed.hostName, { missingOk: true }).commit();
    // ops before the failed one were applied (one queued batch op per plan op): carry on from the failed veth
    await runPodWithReplace(kernel, pod, ops.slice(e.opIndex));
  }
}

function opSide(o: KernelOp): 'host' | 'pod' {
  if (o.op === 'veth.create' || o.op === 'vlan.create') return 'host';
  return o.ns;
}

async function queue(kernel: Kernel, b: KernelBatch, o: KernelOp): Promise<void> {
  switch (o.op) {
    case 'link.delete':
      b.deleteLink(o.name, { missingOk: true });
      return;
    case 'veth.create':
      // queued in the pod batch: the pod end is the batch's link, the host end is born in the host namespace
      b.addVeth({ name: o.podName, peerName: o.hostName, peerMac: o.hostMac, peerNetns: HOST_NETNS, mtu: o.mtu });
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
      b.deleteRoute(
        { dst: o.dst, family: o.family, ...(o.dev ? { dev: o.dev } : {}), ...(o.table ? { table: o.table } : {}) },
        { missingOk: true },
      );
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
        throw new KernelError({
          kind: 'not-found',
          op: 'add vlan',
          object: o.name,
          detail: `no trunk link with ifindex ${o.parentIndex}`,
        });
      }
      b.addVlan({ name: o.name, parent: parent.name, vlanId: o.vlanId, mac: o.mac });
      return;
    }
    case 'dad.wait':
      return; // handled after the batches
  }
}
