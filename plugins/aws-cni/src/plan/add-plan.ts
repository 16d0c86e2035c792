import { type PodSgEnforcingMode } from '../config/net-conf';
import {
  containerIfName,
  hostCidr,
  hostVethName,
  MAIN_TABLE,
  podGateway,
  STRICT_BRANCH_VETH_PREFIX,
  vlanLinkName,
  vlanTable,
} from '../naming/names';
import { type PodAllocation } from './allocation';
import { type Family, type KernelOp } from './kernel-op';

/** Rule priorities are a contract with ipamd, Calico and Cilium (upstream-notes 3.2, 3.4, 10.3). */
export const PRIO_TO_POD = 512;
export const PRIO_FROM_POD = 1536;
export const PRIO_VLAN_IIF = 10;
export const PRIO_POD_MULTI_NIC = 1;
export const DAD_TIMEOUT_MS = 10_000;

export interface AddPlanInput {
  readonly vethPrefix: string;
  readonly mtu: number;
  readonly podSGEnforcingMode: PodSgEnforcingMode;
  readonly podNamespace: string;
  readonly podName: string;
  /** CNI_IFNAME. */
  readonly ifName: string;
  readonly allocation: PodAllocation;
  /** One random locally administered MAC per allocated IP, for the host veth ends. */
  readonly hostMacs: readonly string[];
}

/** One veth pair of the pod, as planned. */
export interface PlannedInterface {
  readonly index: number;
  readonly hostVeth: string;
  readonly hostMac: string;
  readonly containerIf: string;
  readonly address: string;
  readonly family: Family;
  readonly gateway: string;
  readonly routeTable: number;
  readonly deviceNumber: number;
}

export interface AddPlan {
  readonly interfaces: readonly PlannedInterface[];
  readonly ops: readonly KernelOp[];
}

/** Host veth prefix for the pod: `vlan` for branch-ENI pods in strict mode, the configured prefix otherwise. */
export function effectiveVethPrefix(
  input: Pick<AddPlanInput, 'vethPrefix' | 'podSGEnforcingMode' | 'allocation'>,
): string {
  return input.allocation.branch && input.podSGEnforcingMode === 'strict'
    ? STRICT_BRANCH_VETH_PREFIX
    : input.vethPrefix;
}

/**
 * Decides every kernel change of an ADD (upstream-notes 3.2 and 3.4), in order. Pure: the random host MACs come in.
 * Throws RangeError if there are no addresses, fewer MACs than addresses, or a branch ENI with several addresses.
 */
export function planAdd(input: AddPlanInput): AddPlan {
  const { allocation } = input;
  if (allocation.ips.length === 0) throw new RangeError('ipamd returned no address for the pod');
  if (input.hostMacs.length < allocation.ips.length) throw new RangeError('one host MAC per address is needed');
  if (allocation.branch && allocation.ips.length !== 1)
    throw new RangeError('a branch ENI pod has exactly one address');
  const prefix = effectiveVethPrefix(input);

  const interfaces: PlannedInterface[] = allocation.ips.map((ip, index) => ({
    index,
    hostVeth: hostVethName(prefix, input.podNamespace, input.podName, index),
    hostMac: input.hostMacs[index],
    containerIf: containerIfName(input.ifName, index),
    address: ip.address,
    family: ip.family,
    gateway: podGateway(ip.family, index),
    routeTable: ip.routeTable,
    deviceNumber: ip.deviceNumber,
  }));

  const ops: KernelOp[] = [];
  for (const itf of interfaces) ops.push(...vethOps(itf, input.mtu));
  if (allocation.branch) {
    ops.push(...branchHostOps(interfaces[0], allocation.branch, input.podSGEnforcingMode));
  } else {
    for (const itf of interfaces) ops.push(...ipRuleOps(itf, itf.routeTable));
  }
  return { interfaces, ops };
}

/** The veth pair and everything on the pod side (steps 1-6 of upstream-notes 3.2). */
function vethOps(itf: PlannedInterface, mtu: number): KernelOp[] {
  const { hostVeth, containerIf: dev, family, gateway } = itf;
  const podTable = itf.index === 0 ? undefined : itf.index;
  const gwCidr = hostCidr(gateway);
  const ops: KernelOp[] = [
    { op: 'veth.create', hostName: hostVeth, hostMac: itf.hostMac, podName: dev, mtu },
    ...hostLinkSysctls(hostVeth),
    { op: 'link.up', ns: 'host', name: hostVeth },
  ];
  if (family === 6) {
    ops.push(
      { op: 'sysctl.set', ns: 'pod', key: `net/ipv6/conf/${dev}/disable_ipv6`, value: '0', ignoreMissing: false },
      { op: 'sysctl.set', ns: 'pod', key: 'net/ipv6/conf/lo/disable_ipv6', value: '0', ignoreMissing: false },
    );
  }
  ops.push(
    { op: 'link.up', ns: 'pod', name: dev },
    {
      op: 'route.replace',
      ns: 'pod',
      family,
      dst: gwCidr,
      dev,
      scope: 'link',
      ...(podTable ? { table: podTable } : {}),
    },
  );
  if (podTable) {
    ops.push({ op: 'rule.add', ns: 'pod', family, priority: PRIO_POD_MULTI_NIC, from: itf.address, table: podTable });
  }
  ops.push(
    {
      op: 'route.replace',
      ns: 'pod',
      family,
      dst: 'default',
      via: gateway,
      dev,
      ...(podTable ? { table: podTable } : {}),
    },
    { op: 'addr.add', ns: 'pod', dev, cidr: hostCidr(itf.address) },
    { op: 'neigh.replace', ns: 'pod', dev, ip: gateway, lladdr: itf.hostMac },
  );
  if (family === 6) ops.push({ op: 'dad.wait', ns: 'pod', dev, timeoutMs: DAD_TIMEOUT_MS });
  return ops;
}

/** IPv6 knobs set on a host-side link before it comes up (ENOENT tolerated when IPv6 is absent). */
function hostLinkSysctls(link: string): KernelOp[] {
  return [
    { op: 'sysctl.set', ns: 'host', key: `net/ipv6/conf/${link}/accept_ra`, value: '0', ignoreMissing: true },
    { op: 'sysctl.set', ns: 'host', key: `net/ipv6/conf/${link}/accept_redirects`, value: '1', ignoreMissing: true },
    { op: 'sysctl.set', ns: 'host', key: `net/ipv6/conf/${link}/forwarding`, value: '0', ignoreMissing: true },
  ];
}

/** Host route to the pod, `to <pod> lookup main` at 512 and, off the main table, `from <pod> lookup <table>` at 1536. */
function ipRuleOps(itf: PlannedInterface, fromTable: number): KernelOp[] {
  const { family, address, hostVeth } = itf;
  const ops: KernelOp[] = [
    { op: 'route.replace', ns: 'host', family, dst: hostCidr(address), dev: hostVeth, scope: 'link' },
    { op: 'rule.add', ns: 'host', family, priority: PRIO_TO_POD, to: address, table: MAIN_TABLE },
  ];
  if (fromTable !== MAIN_TABLE) {
    ops.push({ op: 'rule.add', ns: 'host', family, priority: PRIO_FROM_POD, from: address, table: fromTable });
  }
  return ops;
}

/** VLAN link, its table and the strict or standard rules of a branch-ENI pod (upstream-notes 3.4). */
function branchHostOps(
  itf: PlannedInterface,
  branch: NonNullable<PodAllocation['branch']>,
  mode: PodSgEnforcingMode,
): KernelOp[] {
  const { family, hostVeth, address } = itf;
  const vlan = vlanLinkName(branch.vlanId);
  const table = vlanTable(branch.vlanId);
  const gw = branch.subnetGateway;
  const ops: KernelOp[] = [
    { op: 'rule.delete-all', ns: 'host', family, priority: PRIO_VLAN_IIF, iif: hostVeth },
    { op: 'link.delete', ns: 'host', name: vlan },
    { op: 'vlan.create', name: vlan, parentIndex: branch.parentIfIndex, vlanId: branch.vlanId, mac: branch.eniMac },
    ...hostLinkSysctls(vlan),
    { op: 'link.up', ns: 'host', name: vlan },
    { op: 'route.replace', ns: 'host', family, dst: hostCidr(gw), dev: vlan, scope: 'link', table },
    { op: 'route.replace', ns: 'host', family, dst: 'default', via: gw, dev: vlan, table },
  ];
  if (mode === 'strict') {
    ops.push(
      { op: 'route.replace', ns: 'host', family, dst: hostCidr(address), dev: hostVeth, scope: 'link', table },
      { op: 'rule.add', ns: 'host', family, priority: PRIO_VLAN_IIF, iif: vlan, table },
      { op: 'rule.add', ns: 'host', family, priority: PRIO_VLAN_IIF, iif: hostVeth, table },
    );
  } else {
    ops.push(...ipRuleOps(itf, table));
  }
  return ops;
}
