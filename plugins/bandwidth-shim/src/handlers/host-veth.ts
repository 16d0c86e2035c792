// SPDX-License-Identifier: Apache-2.0
import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk/errors';
import { type Result100 } from '@vpc-cni-ts/sdk/spec';

import { type HostLink, type ShapingKernel } from '../kernel/shaping-kernel';

/**
 * Finds the host end of the pod's veth like the reference: the peer ifindex of CNI_IFNAME inside the pod, looked
 * up on the host, which must also appear in prevResult's interfaces without a sandbox.
 * @throws CniError naming what is missing.
 */
export async function findHostVeth(
  kernel: ShapingKernel,
  netns: string,
  ifName: string,
  prev: Result100,
): Promise<HostLink> {
  const [peerIndex, links] = await Promise.all([kernel.containerPeerIndex(netns, ifName), kernel.hostLinks()]);
  if (peerIndex === undefined) {
    throw new CniError(
      CniErrorCode.Internal,
      `container interface ${ifName} has no veth peer: bandwidth shaping needs a veth-based main plugin`,
    );
  }
  const host = links.find((l) => l.index === peerIndex);
  if (!host) {
    throw new CniError(
      CniErrorCode.Internal,
      `the veth peer of ${ifName} (ifindex ${peerIndex}) is not in this (host) namespace`,
    );
  }
  const listed = (prev.interfaces ?? []).some((i) => i.name === host.name && !i.sandbox);
  if (!listed) {
    throw new CniError(
      CniErrorCode.Internal,
      `host interface ${host.name} (peer of ${ifName}) is not among prevResult's host-side interfaces [${(
        prev.interfaces ?? []
      )
        .filter((i) => !i.sandbox)
        .map((i) => i.name)
        .join(', ')}]`,
    );
  }
  return host;
}
