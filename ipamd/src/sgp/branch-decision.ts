// SPDX-License-Identifier: Apache-2.0
import { intToIp, parseCidr } from '../util/ipv4';
import { POD_ENI_RESOURCE } from '../kube/pod-eni-request';
import { POD_ENI_ANNOTATION, PodEniAnnotationError, parsePodEniAnnotation } from './pod-eni-annotation';

/** Gateway of every branch ENI in IPv6 mode (EC2's link-local router address). */
export const BRANCH_IPV6_GATEWAY = 'fe80:ec2::1';

/** What the decisions need to know about a pod (from the API server). */
export interface BranchPodFacts {
  readonly namespace: string;
  readonly name: string;
  /** The first container's limits name a resource starting with `vpc.amazonaws.com/pod-eni`. */
  readonly podEniRequested: boolean;
  readonly annotations: Readonly<Record<string, string>>;
}

/** Everything the plugin needs to wire a branch-ENI pod (AddNetworkReply's VLAN fields plus the one address). */
export interface BranchAttachment {
  readonly vlanId: number;
  /** Lower-case MAC of the branch ENI; the plugin gives it to `vlan.eth.<vlanId>`. */
  readonly eniMac: string;
  /** IPv4: first address of the branch's subnet; IPv6: `fe80:ec2::1`. */
  readonly subnetGateway: string;
  /** Linux ifindex of the trunk ENI's link in the host namespace (parent of the VLAN link). */
  readonly parentIfIndex: number;
  readonly address: string;
  readonly family: 4 | 6;
}

/** Why a branch pod cannot be answered; `transient` failures resolve themselves once the controller catches up. */
export type BranchFailureReason = 'no-annotation' | 'bad-annotation' | 'no-trunk' | 'no-trunk-link';

export type BranchAddDecision =
  /** Not a branch-ENI pod: serve it from the datastore as usual. */
  | { readonly kind: 'datastore' }
  | { readonly kind: 'fail'; readonly reason: BranchFailureReason; readonly message: string }
  | { readonly kind: 'branch'; readonly attachment: BranchAttachment };

/** Facts for the ADD decision, gathered by the resolver. */
export interface BranchAddFacts {
  readonly pod: BranchPodFacts;
  readonly ipv6: boolean;
  /** The trunk ENI once ipamd saw it attached; undefined before. */
  readonly trunk?: { readonly eniId: string; readonly mac: string };
  /** ifindex of the link with the trunk's MAC; undefined when not looked up or not found. */
  readonly trunkIfIndex?: number;
}

const who = (p: BranchPodFacts) => `pod ${p.namespace}/${p.name}`;

/**
 * ADD of a pod (upstream-notes 3.4): a pod whose first container requests `vpc.amazonaws.com/pod-eni` gets the
 * branch ENI of its annotation (element 0): VLAN id, branch MAC, gateway (IPv4 subnet base + 1, IPv6 `fe80:ec2::1`),
 * the trunk's ifindex and the branch address of the cluster's family. Any other pod goes to the datastore. A branch
 * pod without a usable annotation, trunk or trunk link is a failure whose message says what to look at.
 */
export function decideBranchAdd(f: BranchAddFacts): BranchAddDecision {
  const { pod } = f;
  if (!pod.podEniRequested) return { kind: 'datastore' };
  const raw = pod.annotations[POD_ENI_ANNOTATION];
  if (raw === undefined || raw === '')
    return {
      kind: 'fail',
      reason: 'no-annotation',
      message: `${who(pod)} requests ${POD_ENI_RESOURCE} but has no ${POD_ENI_ANNOTATION} annotation yet: the VPC resource controller has not attached its branch ENI`,
    };
  const bad = (detail: string): BranchAddDecision => ({
    kind: 'fail',
    reason: 'bad-annotation',
    message: `${who(pod)}: annotation ${POD_ENI_ANNOTATION} is unusable: ${detail}`,
  });
  let eni;
  try {
    eni = parsePodEniAnnotation(raw);
  } catch (e) {
    if (e instanceof PodEniAnnotationError) return bad(e.message);
    throw e;
  }
  let address: string;
  let subnetGateway: string;
  if (f.ipv6) {
    if (!eni.ipv6Addr) return bad('IPv6 cluster but element 0 has no ipv6Addr');
    address = eni.ipv6Addr;
    subnetGateway = BRANCH_IPV6_GATEWAY;
  } else {
    if (!eni.privateIp) return bad('IPv4 cluster but element 0 has no privateIp');
    if (!eni.subnetCidr) return bad('element 0 has no subnetCidr (needed for the gateway)');
    let base: number;
    try {
      base = parseCidr(eni.subnetCidr).base;
    } catch {
      return bad(`element 0: subnetCidr ${JSON.stringify(eni.subnetCidr)} is not an IPv4 CIDR`);
    }
    address = eni.privateIp;
    subnetGateway = intToIp(base + 1);
  }
  if (!f.trunk)
    return {
      kind: 'fail',
      reason: 'no-trunk',
      message: `${who(pod)} has branch ENI ${eni.eniId || eni.mac} but ipamd has not seen a trunk ENI on this node yet (the VPC resource controller attaches it after the CNINode asks for SecurityGroupsForPods)`,
    };
  if (f.trunkIfIndex === undefined)
    return {
      kind: 'fail',
      reason: 'no-trunk-link',
      message: `${who(pod)}: the trunk ENI ${f.trunk.eniId} (MAC ${f.trunk.mac}) has no network interface on this node yet`,
    };
  return {
    kind: 'branch',
    attachment: {
      vlanId: eni.vlanId,
      eniMac: eni.mac,
      subnetGateway,
      parentIfIndex: f.trunkIfIndex,
      address,
      family: f.ipv6 ? 6 : 4,
    },
  };
}

/** What DEL of a pod the datastore does not know tells the plugin: the VLAN to remove and the branch address. */
export interface BranchRelease {
  readonly vlanId: number;
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * DEL of a pod the datastore does not know: a branch pod (pod-eni requested, annotation readable) answers with its
 * VLAN id and address so the plugin removes `vlan.eth.<id>` and its rules. Anything else (pod gone, not a branch
 * pod, no usable annotation) is undefined: the datastore's "unknown pod" answer stands.
 */
export function decideBranchDel(pod: BranchPodFacts | undefined, ipv6: boolean): BranchRelease | undefined {
  if (!pod?.podEniRequested) return undefined;
  const raw = pod.annotations[POD_ENI_ANNOTATION];
  if (!raw) return undefined;
  try {
    const eni = parsePodEniAnnotation(raw);
    const address = ipv6 ? eni.ipv6Addr : eni.privateIp;
    return { vlanId: eni.vlanId, address, family: ipv6 ? 6 : 4 };
  } catch (e) {
    if (e instanceof PodEniAnnotationError) return undefined;
    throw e;
  }
}
