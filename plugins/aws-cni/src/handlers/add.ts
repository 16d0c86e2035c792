import { CniError, CniErrorCode, type CmdContext, type Result100 } from '@vpc-cni-ts/sdk';
import { netnsByPath } from '@vpc-cni-ts/sdk/kernel';

import { type AwsCniNetConf, checkMtuForFamily } from '../config/net-conf';
import { podIdentityFromArgs } from '../config/pod-identity';
import { executePlan } from '../kernel/plan-executor';
import { planAdd } from '../plan/add-plan';
import { planDel } from '../plan/del-plan';
import { buildAddResult } from '../result/aws-result';
import { allocationFromAddReply } from './allocation-from-reply';
import { type AwsCniDeps } from './deps';
import { ipamdCallError, toWireError } from './errors';
import { identityArgs } from './identity-args';

/**
 * ADD: asks ipamd for the pod's address(es) (AddNetwork), wires the pod and host sides, returns the result in
 * upstream's layout. If anything fails after ipamd answered, undoes the kernel changes and returns the address
 * (DelNetwork, Reason SetupNSFailed) before reporting the error.
 */
export async function cmdAdd(deps: AwsCniDeps, ctx: CmdContext<AwsCniNetConf>): Promise<Result100> {
  const { conf } = ctx;
  const { kernel } = deps;
  const pod = podIdentityFromArgs(identityArgs(ctx.args));
  const log = deps.log.child({ containerID: ctx.containerId, pod: `${pod.namespace}/${pod.name}`, ifName: ctx.ifName });
  if (!ctx.netns) {
    throw new CniError(CniErrorCode.InvalidEnvironmentVariables, 'CNI_NETNS is required for ADD');
  }
  let podNetns: ReturnType<typeof netnsByPath>;
  try {
    podNetns = netnsByPath(ctx.netns);
  } catch (e) {
    throw new CniError(
      CniErrorCode.InvalidEnvironmentVariables,
      `CNI_NETNS ${JSON.stringify(ctx.netns)} is not a usable namespace path: ${(e as Error).message}`,
    );
  }
  if (!(await kernel.netnsExists(podNetns))) {
    throw new CniError(CniErrorCode.InvalidEnvironmentVariables, `CNI_NETNS ${ctx.netns} is not a network namespace`);
  }
  log.info('ADD', { netns: ctx.netns, network: conf.name });

  let reply;
  try {
    reply = await deps.ipamd.addNetwork({
      clientVersion: deps.clientVersion,
      k8sPodName: pod.name,
      k8sPodNamespace: pod.namespace,
      k8sPodInfraContainerId: pod.infraContainerId,
      containerId: ctx.containerId,
      ifName: ctx.ifName,
      networkName: conf.name,
      netns: ctx.netns,
      requiresMultiNicAttachment: conf.requiresMultiNicAttachment,
    });
  } catch (e) {
    const err = ipamdCallError(e, 'AddNetwork', deps.ipamd.target);
    log.error('AddNetwork failed', { err: err.message });
    throw err;
  }
  if (!reply.success) {
    const why = reply.reason || 'no reason given';
    log.error('ipamd refused to assign an address', { reason: why });
    throw new CniError(
      CniErrorCode.TryAgainLater,
      `ipamd could not assign an IP address to pod ${pod.namespace}/${pod.name}: ${why}`,
    );
  }
  log.debug('AddNetwork reply', { ips: reply.ipAllocationMetadata, vlan: reply.podVlanId });

  let hostVeths: string[] = [];
  let ips: { address: string; family: 4 | 6; routeTable?: number }[] = [];
  try {
    const allocation = allocationFromAddReply(reply);
    if (allocation.ips.length === 0)
      throw new CniError(CniErrorCode.Internal, 'ipamd returned Success without an address');
    ips = allocation.ips.map((ip) => ({ address: ip.address, family: ip.family, routeTable: ip.routeTable }));
    for (const ip of allocation.ips) checkMtuForFamily(conf.mtu, ip.family);
    const plan = planAdd({
      vethPrefix: conf.vethPrefix,
      mtu: conf.mtu,
      podSGEnforcingMode: conf.podSGEnforcingMode,
      podNamespace: pod.namespace,
      podName: pod.name,
      ifName: ctx.ifName,
      allocation,
      hostMacs: allocation.ips.map(() => deps.randomMac()),
    });
    hostVeths = plan.interfaces.map((i) => i.hostVeth);
    await executePlan(kernel, plan.ops, { podNetns });
    log.info('pod network set up', { ips: ips.map((i) => i.address), hostVeths });
    if (allocation.networkPolicyMode) {
      const np = deps.npAgent();
      try {
        await np.enforce(pod.name, pod.namespace, allocation.networkPolicyMode, allocation.ips.length);
      } catch (e) {
        throw new CniError(
          CniErrorCode.Internal,
          `network policy agent could not enforce policies on the pod: ${(e as Error).message}`,
        );
      } finally {
        np.close();
      }
    }
    return buildAddResult({
      cniVersion: '1.1.0',
      netns: ctx.netns,
      podNamespace: pod.namespace,
      podName: pod.name,
      interfaces: plan.interfaces,
      allocation,
    }) as Result100;
  } catch (e) {
    const err = toWireError(e, 'failed to set up the pod network');
    log.error('ADD failed after ipamd assigned an address; rolling back', { err: err.message });
    await rollback(deps, ctx, pod, podNetns, hostVeths, ips, reply.podVlanId);
    throw err;
  }
}

async function rollback(
  deps: AwsCniDeps,
  ctx: CmdContext<AwsCniNetConf>,
  pod: ReturnType<typeof podIdentityFromArgs>,
  podNetns: ReturnType<typeof netnsByPath>,
  hostVeths: string[],
  ips: { address: string; family: 4 | 6; routeTable?: number }[],
  vlanId: number,
): Promise<void> {
  try {
    const exists = await deps.kernel.netnsExists(podNetns);
    await executePlan(deps.kernel, planDel({ hostVeths, ips, ...(vlanId > 0 ? { vlanId } : {}) }), {
      podNetns: exists ? podNetns : undefined,
    });
  } catch (e) {
    deps.log.warn('rollback of kernel changes failed', { err: (e as Error).message });
  }
  if (vlanId > 0) return; // branch ENI addresses belong to the VPC resource controller, not ipamd
  try {
    await deps.ipamd.delNetwork({
      clientVersion: deps.clientVersion,
      k8sPodName: pod.name,
      k8sPodNamespace: pod.namespace,
      k8sPodInfraContainerId: pod.infraContainerId,
      k8sPodUid: pod.uid,
      reason: 'SetupNSFailed',
      containerId: ctx.containerId,
      ifName: ctx.ifName,
      networkName: ctx.conf.name,
    });
  } catch (e) {
    deps.log.warn('returning the address to ipamd failed', { err: (e as Error).message });
  }
}
