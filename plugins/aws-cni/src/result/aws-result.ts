import { dummyInterfaceName, familyOf } from '../naming/names';
import { type PodAllocation } from '../plan/allocation';
import { type PlannedInterface } from '../plan/add-plan';

/** A CNI 1.x result (the shape the SDK converts to the requested version). */
export interface CniResult1 {
  readonly cniVersion: string;
  readonly interfaces: readonly { readonly name: string; readonly mac?: string; readonly sandbox?: string }[];
  readonly ips: readonly { readonly address: string; readonly gateway?: string; readonly interface?: number }[];
  readonly routes?: readonly { readonly dst: string; readonly gw?: string }[];
  readonly dns?: Record<string, unknown>;
}

export interface ResultInput {
  readonly cniVersion: string;
  readonly netns: string;
  readonly podNamespace: string;
  readonly podName: string;
  readonly interfaces: readonly PlannedInterface[];
  readonly allocation: PodAllocation;
}

/**
 * Builds the ADD result in upstream's layout (upstream-notes 3.2 step 8, cni-spec 6.4), which Cilium's aws-cni
 * chaining and DEL-without-ipamd read back:
 * `interfaces` = [host veth {name}, container {name, sandbox = netns, mac = route table id}, ... per address,
 * dummy {name `dummy<hash>`, mac = VLAN id ("0" for regular pods), sandbox = device number}];
 * `ips` = one per address, `interface` = index of its container entry, /32 or /128, gateway only for branch ENIs.
 */
export function buildAddResult(input: ResultInput): CniResult1 {
  const interfaces: { name: string; mac?: string; sandbox?: string }[] = [];
  const ips: { address: string; gateway?: string; interface: number }[] = [];
  const branch = input.allocation.branch;
  for (const itf of input.interfaces) {
    interfaces.push({ name: itf.hostVeth });
    interfaces.push({ name: itf.containerIf, mac: String(itf.routeTable), sandbox: input.netns });
    ips.push({
      address: `${itf.address}/${familyOf(itf.address) === 4 ? 32 : 128}`,
      ...(branch?.subnetGateway ? { gateway: branch.subnetGateway } : {}),
      interface: interfaces.length - 1,
    });
  }
  interfaces.push({
    name: dummyInterfaceName(input.podNamespace, input.podName),
    mac: String(branch?.vlanId ?? 0),
    sandbox: String(input.interfaces[0]?.deviceNumber ?? 0),
  });
  return { cniVersion: input.cniVersion, interfaces, ips };
}
