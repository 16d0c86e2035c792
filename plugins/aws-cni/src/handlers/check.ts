import { CniError, CniErrorCode, type CmdContext } from '@vpc-cni-ts/sdk';
import { HOST_NETNS, type KernelSnapshot, netnsByPath } from '@vpc-cni-ts/sdk/kernel';

import { type AwsCniNetConf } from '../config/net-conf';
import { podIdentityFromArgs } from '../config/pod-identity';
import {
  dummyInterfaceName,
  MAIN_TABLE,
  podGateway,
  STRICT_BRANCH_VETH_PREFIX,
  vlanLinkName,
  vlanTable,
} from '../naming/names';
import { PRIO_FROM_POD, PRIO_TO_POD, PRIO_VLAN_IIF } from '../plan/add-plan';
import { type PrevResultInfo, readPrevResult } from '../result/prev-result';
import { type AwsCniDeps } from './deps';
import { identityArgs } from './identity-args';

const bare = (a: string | undefined): string => (a ?? '').replace(/\/(32|128)$/, '');

/**
 * CHECK: verifies the pod side and the host side against prevResult and fails (code 999) with the precise list of
 * what is missing or different. Things later plugins legitimately change (MACs of the container interface) are not
 * checked.
 */
export async function cmdCheck(deps: AwsCniDeps, ctx: CmdContext<AwsCniNetConf>): Promise<void> {
  const pod = podIdentityFromArgs(identityArgs(ctx.args));
  const prev = readPrevResult(ctx.conf.prevResult, dummyInterfaceName(pod.namespace, pod.name));
  if (!prev || !prev.hasDummy) {
    throw new CniError(
      CniErrorCode.InvalidNetworkConfig,
      'CHECK needs the prevResult of an aws-cni ADD (none or not ours)',
    );
  }
  let podNetns: ReturnType<typeof netnsByPath> | undefined;
  try {
    podNetns = netnsByPath(ctx.netns);
  } catch {
    podNetns = undefined;
  }
  if (!podNetns || !(await deps.kernel.netnsExists(podNetns))) {
    throw new CniError(CniErrorCode.InvalidEnvironmentVariables, `CNI_NETNS ${ctx.netns} is not a network namespace`);
  }
  const [host, podSnap] = await Promise.all([deps.kernel.snapshot(HOST_NETNS), deps.kernel.snapshot(podNetns)]);
  const problems = findProblems(prev, host, podSnap);
  if (problems.length) {
    deps.log.warn('CHECK failed', { problems });
    throw new CniError(CniErrorCode.Internal, `CHECK failed: ${problems.join('; ')}`);
  }
}

/** Everything that differs from what ADD set up, as readable sentences (empty when all is well). */
export function findProblems(prev: PrevResultInfo, host: KernelSnapshot, pod: KernelSnapshot): string[] {
  const out: string[] = [];
  const containers = prev.containers.filter((c) => c.address && c.family);
  if (containers.length === 0) out.push('prevResult has no container address');
  containers.forEach((c, i) => {
    const address = c.address as string;
    const family = c.family as 4 | 6;
    const gw = podGateway(family, i);
    const hostVeth = prev.hostVeths[i];
    const podTable = i === 0 ? MAIN_TABLE : i;

    const link = pod.links.find((l) => l.name === c.name);
    if (!link) out.push(`pod: interface ${c.name} is missing`);
    else if (!link.up) out.push(`pod: interface ${c.name} is down`);
    if (!pod.addresses.some((a) => a.dev === c.name && bare(a.cidr) === address))
      out.push(`pod: address ${address} is not on ${c.name}`);
    if (!pod.routes.some((r) => r.table === podTable && bare(r.dst) === gw && r.dev === c.name && r.scope === 'link')) {
      out.push(`pod: on-link route to gateway ${gw} dev ${c.name} is missing`);
    }
    if (!pod.routes.some((r) => r.table === podTable && r.dst === 'default' && r.via === gw && r.dev === c.name)) {
      out.push(`pod: default route via ${gw} dev ${c.name} is missing`);
    }
    const hostLink = hostVeth ? host.links.find((l) => l.name === hostVeth) : undefined;
    if (!hostVeth) out.push(`prevResult names no host veth for ${c.name}`);
    else if (!hostLink) out.push(`host: veth ${hostVeth} is missing`);
    else if (!hostLink.up) out.push(`host: veth ${hostVeth} is down`);
    const neigh = pod.neighbours.find((n) => n.dev === c.name && n.ip === gw);
    if (!neigh || !neigh.state.includes('PERMANENT'))
      out.push(`pod: permanent neighbour entry for ${gw} on ${c.name} is missing`);
    else if (hostLink?.mac && neigh.mac?.toLowerCase() !== hostLink.mac.toLowerCase()) {
      out.push(`pod: neighbour ${gw} points at ${neigh.mac}, but host veth ${hostVeth} has MAC ${hostLink.mac}`);
    }
    if (!hostVeth) return;

    const strictBranch = prev.vlanId > 0 && hostVeth.startsWith(STRICT_BRANCH_VETH_PREFIX);
    if (strictBranch) {
      const table = vlanTable(prev.vlanId);
      const vlan = vlanLinkName(prev.vlanId);
      if (!host.links.some((l) => l.name === vlan)) out.push(`host: VLAN link ${vlan} is missing`);
      if (!host.routes.some((r) => r.table === table && bare(r.dst) === address && r.dev === hostVeth)) {
        out.push(`host: route to ${address} dev ${hostVeth} in table ${table} is missing`);
      }
      for (const iif of [vlan, hostVeth]) {
        if (!host.rules.some((r) => r.priority === PRIO_VLAN_IIF && r.iif === iif && r.table === table)) {
          out.push(`host: rule iif ${iif} lookup ${table} at priority ${PRIO_VLAN_IIF} is missing`);
        }
      }
      return;
    }
    if (!host.routes.some((r) => r.table === MAIN_TABLE && bare(r.dst) === address && r.dev === hostVeth)) {
      out.push(`host: route to ${address} dev ${hostVeth} in main is missing`);
    }
    if (!host.rules.some((r) => r.priority === PRIO_TO_POD && bare(r.to) === address && r.table === MAIN_TABLE)) {
      out.push(`host: rule to ${address} lookup main at priority ${PRIO_TO_POD} is missing`);
    }
    const fromTable = prev.vlanId > 0 ? vlanTable(prev.vlanId) : c.routeTable;
    if (fromTable !== undefined && fromTable > 0 && fromTable !== MAIN_TABLE) {
      if (!host.rules.some((r) => r.priority === PRIO_FROM_POD && bare(r.from) === address && r.table === fromTable)) {
        out.push(`host: rule from ${address} lookup ${fromTable} at priority ${PRIO_FROM_POD} is missing`);
      }
    }
  });
  return out;
}
