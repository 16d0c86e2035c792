// SPDX-License-Identifier: Apache-2.0
import type { AddNetworkReply, DelNetworkReply, IPAllocationMetadata } from '../rpc/messages';
import type { BranchAttachment, BranchRelease } from './branch-decision';

function allocation(address: string, family: 4 | 6): IPAllocationMetadata {
  return {
    IPv4Addr: family === 4 ? address : '',
    IPv6Addr: family === 6 ? address : '',
    // not an ENI of ipamd's: no device number and no ENI route table (the plugin uses table vlan+100)
    DeviceNumber: -1,
    RouteTableId: 0,
  };
}

/**
 * The branch-specific fields of a successful AddNetworkReply, as the plugin reads them (`allocationFromAddReply`):
 * PodVlanId > 0 marks a branch pod; PodENIMAC and PodENISubnetGW must be a MAC and an IP; ParentIfIndex is the VLAN
 * link's parent; exactly one address, DeviceNumber -1, RouteTableId 0.
 */
export function branchAddReply(
  b: BranchAttachment,
): Pick<
  AddNetworkReply,
  'Success' | 'IPAllocationMetadata' | 'PodVlanId' | 'PodENIMAC' | 'PodENISubnetGW' | 'ParentIfIndex'
> {
  return {
    Success: true,
    IPAllocationMetadata: [allocation(b.address, b.family)],
    PodVlanId: b.vlanId,
    PodENIMAC: b.eniMac,
    PodENISubnetGW: b.subnetGateway,
    ParentIfIndex: b.parentIfIndex,
  };
}

/**
 * A successful DelNetworkReply for a branch pod: PodVlanId tells the plugin to delete `vlan.eth.<id>` and the
 * prio-10 rules of table vlan+100; the address (when known) lets it remove the standard-mode IP rules too.
 */
export function branchDelReply(
  b: BranchRelease,
): Pick<DelNetworkReply, 'Success' | 'IPAllocationMetadata' | 'PodVlanId'> {
  return {
    Success: true,
    IPAllocationMetadata: b.address ? [allocation(b.address, b.family)] : [],
    PodVlanId: b.vlanId,
  };
}
