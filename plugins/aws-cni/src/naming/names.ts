import { createHash } from 'node:crypto';

/** Veth prefix used for security-groups-for-pods (branch ENI) pods in strict mode (upstream `pkg/sgpp`). */
export const STRICT_BRANCH_VETH_PREFIX = 'vlan';
/** Route table id of the kernel's `main` table. */
export const MAIN_TABLE = 254;
/** ENI device numbers stay below this, so ENI tables (N+1) never collide with VLAN tables (vlanId+100). */
export const MAX_DEVICE_NUMBER = 100;

/**
 * The hashed suffix shared by the host veth and the result's dummy entry: the first 11 hex characters of
 * SHA-1("<namespace>.<podName>"), with ".<index>" appended to the pod name for extra interfaces (index >= 1).
 */
export function podHash(namespace: string, podName: string, index = 0): string {
  const key = index > 0 ? `${namespace}.${podName}.${index}` : `${namespace}.${podName}`;
  return createHash('sha1').update(key).digest('hex').slice(0, 11);
}

/** Host-side veth name: prefix + {@link podHash}. With the default prefix `eni` this is 14 characters. */
export function hostVethName(prefix: string, namespace: string, podName: string, index = 0): string {
  return prefix + podHash(namespace, podName, index);
}

/** Name of the bookkeeping ("dummy") entry in the CNI result; never a real link. */
export function dummyInterfaceName(namespace: string, podName: string): string {
  return 'dummy' + podHash(namespace, podName, 0);
}

/** Container interface name: CNI_IFNAME for index 0, `mNicIf<index>` for extra interfaces. */
export function containerIfName(ifName: string, index: number): string {
  return index === 0 ? ifName : `mNicIf${index}`;
}

/** Pod-side gateway: 169.254.1.<index+1> (IPv4) or fe80::<index+1> (IPv6, hex as upstream prints it). */
export function podGateway(family: 4 | 6, index = 0): string {
  return family === 4 ? `169.254.1.${index + 1}` : `fe80::${(index + 1).toString(16)}`;
}

/** Name of the VLAN link of a branch-ENI pod. */
export function vlanLinkName(vlanId: number): string {
  return `vlan.eth.${vlanId}`;
}

/** Route table of a branch-ENI pod's VLAN. */
export function vlanTable(vlanId: number): number {
  return vlanId + 100;
}

/**
 * Route table of an ENI: network card 0 / device 0 is `main` (254); network card 0 / device N is N+1;
 * network card C>0 is 10000 + N + 100*C (as amazon-ec2-net-utils numbers them).
 * Throws RangeError for negative numbers or device numbers >= {@link MAX_DEVICE_NUMBER}.
 */
export function routeTableId(deviceNumber: number, networkCard = 0): number {
  if (!Number.isInteger(deviceNumber) || deviceNumber < 0 || deviceNumber >= MAX_DEVICE_NUMBER) {
    throw new RangeError(`device number ${deviceNumber} outside 0..${MAX_DEVICE_NUMBER - 1}`);
  }
  if (!Number.isInteger(networkCard) || networkCard < 0) throw new RangeError(`network card ${networkCard} is invalid`);
  if (networkCard > 0) return 10000 + deviceNumber + 100 * networkCard;
  return deviceNumber === 0 ? MAIN_TABLE : deviceNumber + 1;
}

/** Address family of an IP literal (anything with a colon is IPv6). */
export function familyOf(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}

/** Host prefix for an address: `/32` or `/128`. */
export function hostCidr(ip: string): string {
  return familyOf(ip) === 4 ? `${ip}/32` : `${ip}/128`;
}
