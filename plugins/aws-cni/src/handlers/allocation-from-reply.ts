// type-only (erased): the SDK's IP parser is required when a reply is read (by then the kernel adapter has loaded
// it), not when DEL's modules load. node:net's isIP is not used: its first IPv6 check compiles a regular expression
// that costs ~4 ms.
import type * as SdkKernel from '@vpc-cni-ts/sdk/kernel';

import { type AddNetworkReply, type DelNetworkReply, type IpAllocationMetadata } from '../ipamd/messages';
import { MAX_DEVICE_NUMBER, routeTableId } from '../naming/names';
import { type IpAllocation, type PodAllocation } from '../plan/allocation';

/** ipamd's reply carried something the plugin cannot use. */
export class BadReplyError extends Error {
  override readonly name = 'BadReplyError';
}

/** 4 or 6 for a valid IP literal, 0 otherwise (as node:net isIP). */
function isIP(text: string): 0 | 4 | 6 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { tryParseIp } = require('@vpc-cni-ts/sdk/kernel') as typeof SdkKernel;
  return tryParseIp(text)?.family ?? 0;
}

/** One metadata entry as a domain allocation (IPv4 preferred when both are set, as upstream). */
export function allocationFromMetadata(m: IpAllocationMetadata, branch: boolean): IpAllocation {
  const address = m.ipv4Addr || m.ipv6Addr;
  const family = isIP(address);
  if (family !== 4 && family !== 6)
    throw new BadReplyError(`ipamd returned an invalid address ${JSON.stringify(address)}`);
  let table = m.routeTableId;
  if (!branch && table <= 0) {
    if (m.deviceNumber < 0 || m.deviceNumber >= MAX_DEVICE_NUMBER) {
      throw new BadReplyError(`ipamd returned device number ${m.deviceNumber} without a route table`);
    }
    table = routeTableId(m.deviceNumber);
  }
  return { address, family, deviceNumber: m.deviceNumber, routeTable: table };
}

/** The pod's allocation from an AddNetwork reply (branch ENI when PodVlanId > 0). */
export function allocationFromAddReply(r: AddNetworkReply): PodAllocation {
  const branch = r.podVlanId > 0;
  if (branch) {
    if (isIP(r.podEniSubnetGw) === 0)
      throw new BadReplyError(`ipamd returned an invalid branch ENI gateway ${JSON.stringify(r.podEniSubnetGw)}`);
    if (!/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/.test(r.podEniMac)) {
      throw new BadReplyError(`ipamd returned an invalid branch ENI MAC ${JSON.stringify(r.podEniMac)}`);
    }
  }
  return {
    ips: r.ipAllocationMetadata.map((m) => allocationFromMetadata(m, branch)),
    ...(branch
      ? {
          branch: {
            vlanId: r.podVlanId,
            eniMac: r.podEniMac.toLowerCase(),
            subnetGateway: r.podEniSubnetGw,
            parentIfIndex: r.parentIfIndex,
          },
        }
      : {}),
    networkPolicyMode: r.networkPolicyMode,
  };
}

/** Addresses of a DelNetwork reply (entries that are not valid addresses are skipped). */
export function addressesFromDelReply(r: DelNetworkReply): IpAllocation[] {
  const out: IpAllocation[] = [];
  for (const m of r.ipAllocationMetadata) {
    try {
      out.push(allocationFromMetadata(m, r.podVlanId > 0 || m.deviceNumber < 0));
    } catch {
      // nothing to tear down for an entry we cannot read
    }
  }
  return out;
}
