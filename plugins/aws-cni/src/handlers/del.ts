import { CniError, CniErrorCode, type CmdContext } from '@vpc-cni-ts/sdk';
// type-only (erased): the SDK kernel module and the plan executor (child_process, fs/promises) are required in
// teardown, after DelNetwork has been sent, so their loading overlaps ipamd's work (see deferredKernel in plugin.ts)
import type * as SdkKernel from '@vpc-cni-ts/sdk/kernel';
import { type NetnsRef } from '@vpc-cni-ts/sdk/kernel';

import { type AwsCniNetConf } from '../config/net-conf';
import { type PodIdentity, podIdentityFromArgs } from '../config/pod-identity';
import { GrpcCallError } from '../ipamd/grpc-common';
import type * as PlanExecutorModule from '../kernel/plan-executor';
import { dummyInterfaceName, hostVethName, STRICT_BRANCH_VETH_PREFIX } from '../naming/names';
import { planDel, type TeardownTarget } from '../plan/del-plan';
import { type PrevResultInfo, readPrevResult } from '../result/prev-result';
import { addressesFromDelReply } from './allocation-from-reply';
import { type AwsCniDeps } from './deps';
import { toWireError, UNKNOWN_POD } from './errors';
import { identityArgs } from './identity-args';

/**
 * DEL (upstream-notes 3.3): idempotent and best effort.
 * - Branch-ENI pods (prevResult dummy carries a VLAN id) are torn down locally; ipamd is never called.
 * - Otherwise DelNetwork; when ipamd is unreachable or errs, tear down from prevResult and succeed (ipamd reclaims
 *   the address later); "datastore: unknown pod" is success; Success=false is an error (code 11).
 * - Removes every rule and route ADD made, and the host veth(s). A missing netns, a missing prevResult and a second
 *   DEL are all fine.
 */
export async function cmdDel(deps: AwsCniDeps, ctx: CmdContext<AwsCniNetConf>): Promise<void> {
  const conf = ctx.conf;
  const pod = podIdentityFromArgs(identityArgs(ctx.args));
  const log = deps.log.child({ containerID: ctx.containerId, pod: `${pod.namespace}/${pod.name}`, ifName: ctx.ifName });
  const prev = readPrevResult(conf.prevResult, dummyInterfaceName(pod.namespace, pod.name));
  log.info('DEL', { netns: ctx.netns, hasPrevResult: prev !== undefined });

  if (prev && prev.vlanId > 0) {
    log.info('branch ENI pod: tearing down locally without ipamd', { vlanId: prev.vlanId });
    await teardown(deps, ctx, targetFromPrev(prev, conf, pod), log);
    return;
  }

  let target: TeardownTarget | undefined;
  try {
    const reply = await deps.ipamd.delNetwork({
      clientVersion: deps.clientVersion,
      k8sPodName: pod.name,
      k8sPodNamespace: pod.namespace,
      k8sPodInfraContainerId: pod.infraContainerId,
      k8sPodUid: pod.uid,
      reason: 'PodDeleted',
      containerId: ctx.containerId,
      ifName: ctx.ifName,
      networkName: conf.name,
    });
    if (!reply.success) {
      const why = reply.reason || 'no reason given';
      log.error('ipamd refused DelNetwork', { reason: why });
      throw new CniError(
        CniErrorCode.TryAgainLater,
        `ipamd could not release the address of pod ${pod.namespace}/${pod.name}: ${why}`,
      );
    }
    const ips = addressesFromDelReply(reply);
    log.info('DelNetwork released', { ips: ips.map((i) => i.address), vlanId: reply.podVlanId });
    const vlanId = reply.podVlanId > 0 ? reply.podVlanId : undefined;
    if (reply.networkPolicyMode) {
      const np = deps.npAgent();
      try {
        await np.remove(pod.name, pod.namespace);
      } catch (e) {
        log.warn('network policy agent DeletePodNp failed', { err: (e as Error).message });
      } finally {
        np.close();
      }
    }
    target = {
      hostVeths: prev?.hostVeths.length
        ? prev.hostVeths
        : computedHostVeths(conf, pod, Math.max(1, ips.length), vlanId !== undefined),
      ips: ips.map((i) => ({ address: i.address, family: i.family, routeTable: i.routeTable })),
      ...(vlanId !== undefined ? { vlanId } : {}),
    };
  } catch (e) {
    if (e instanceof CniError) throw e;
    if (e instanceof GrpcCallError && (e.message.includes(UNKNOWN_POD) || e.code === 5) /* NOT_FOUND */) {
      log.info('ipamd does not know the pod: already released');
    } else {
      log.warn('ipamd unavailable or failed on DelNetwork; tearing down from prevResult', {
        err: (e as Error).message,
      });
    }
  }
  await teardown(deps, ctx, target ?? targetFromPrev(prev, conf, pod), log);
}

/** Host veths computed from the pod identity, for DEL without a usable prevResult. */
function computedHostVeths(conf: AwsCniNetConf, pod: PodIdentity, count: number, branch: boolean): string[] {
  if (!pod.name && !pod.namespace) return [];
  const prefixes = branch ? [STRICT_BRANCH_VETH_PREFIX, conf.vethPrefix] : [conf.vethPrefix];
  const out: string[] = [];
  for (const p of prefixes) for (let i = 0; i < count; i++) out.push(hostVethName(p, pod.namespace, pod.name, i));
  return out;
}

/** What prevResult says (host veths, addresses with their tables, VLAN); host veth names computed when absent. */
function targetFromPrev(prev: PrevResultInfo | undefined, conf: AwsCniNetConf, pod: PodIdentity): TeardownTarget {
  const ips = (prev?.containers ?? [])
    .filter((c) => c.address && c.family)
    .map((c) => ({
      address: c.address as string,
      family: c.family as 4 | 6,
      ...(c.routeTable !== undefined ? { routeTable: c.routeTable } : {}),
    }));
  const branch = (prev?.vlanId ?? 0) > 0;
  const hostVeths = prev?.hostVeths.length
    ? [...prev.hostVeths]
    : computedHostVeths(conf, pod, Math.max(1, ips.length), branch);
  return { hostVeths, ips, ...(branch ? { vlanId: prev?.vlanId } : {}) };
}

async function teardown(
  deps: AwsCniDeps,
  ctx: CmdContext<AwsCniNetConf>,
  target: TeardownTarget,
  log: AwsCniDeps['log'],
): Promise<void> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { netnsByPath } = require('@vpc-cni-ts/sdk/kernel') as typeof SdkKernel;
  const { executePlan } = require('../kernel/plan-executor') as typeof PlanExecutorModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const plan = planDel(target);
  // the namespace is looked at only when the plan has pod-side ops (multi-NIC rules): a regular DEL skips the statfs
  const podSide = plan.some((o) => 'ns' in o && o.ns === 'pod');
  let podNetns: NetnsRef | undefined;
  if (ctx.netns && podSide) {
    try {
      const ref = netnsByPath(ctx.netns);
      if (await deps.kernel.netnsExists(ref)) podNetns = ref;
    } catch {
      // an unusable CNI_NETNS on DEL means the pod side is gone
    }
  }
  try {
    const r = await executePlan(deps.kernel, plan, { podNetns });
    log.info('pod network torn down', { hostOps: r.hostOps, podOps: r.podOps, skippedPodOps: r.skippedPodOps });
  } catch (e) {
    throw toWireError(e, 'failed to tear down the pod network');
  }
}
