// SPDX-License-Identifier: Apache-2.0
import { isIP } from 'node:net';

/** Annotation the VPC resource controller writes on a pod once its branch ENI is attached (JSON array). */
export const POD_ENI_ANNOTATION = 'vpc.amazonaws.com/pod-eni';

/** One branch ENI of a pod, as the resource controller describes it. */
export interface PodEniData {
  readonly eniId: string;
  /** Lower-case MAC of the branch ENI (`ifAddress`). */
  readonly mac: string;
  /** IPv4 address of the branch ENI; '' when absent (IPv6 clusters). */
  readonly privateIp: string;
  /** IPv6 address; '' when absent. */
  readonly ipv6Addr: string;
  /** 802.1Q tag of the branch on the trunk, 1..4094. */
  readonly vlanId: number;
  readonly subnetCidr: string;
  readonly subnetV6Cidr: string;
}

/** The annotation could not be used; the message names what is wrong. */
export class PodEniAnnotationError extends Error {
  override readonly name = 'PodEniAnnotationError';
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

function str(o: Record<string, unknown>, key: string, i: number): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new PodEniAnnotationError(`element ${i}: ${key} is not a string`);
  return v;
}

/**
 * Parses the value of the `vpc.amazonaws.com/pod-eni` annotation: a non-empty JSON array of
 * `{eniId, ifAddress, privateIp, ipv6Addr, vlanID, subnetCidr, subnetV6Cidr}` objects. Only element 0 is used (a
 * pod gets one branch ENI). Checks what ipamd hands on: a MAC, a VLAN id in 1..4094, and at least one address of
 * the right family when present. Throws `PodEniAnnotationError` naming the problem.
 */
export function parsePodEniAnnotation(value: string): PodEniData {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (e) {
    throw new PodEniAnnotationError(`not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new PodEniAnnotationError('not a JSON array');
  if (parsed.length === 0) throw new PodEniAnnotationError('empty array: no branch ENI listed');
  const first: unknown = parsed[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first))
    throw new PodEniAnnotationError('element 0 is not an object');
  const o = first as Record<string, unknown>;
  const vlan = o.vlanID;
  if (vlan === undefined || vlan === null) throw new PodEniAnnotationError('element 0 has no vlanID');
  if (typeof vlan !== 'number' || !Number.isInteger(vlan) || vlan < 1 || vlan > 4094)
    throw new PodEniAnnotationError(`element 0: vlanID ${JSON.stringify(vlan)} is not an integer in 1..4094`);
  const mac = str(o, 'ifAddress', 0).toLowerCase();
  if (!MAC.test(mac))
    throw new PodEniAnnotationError(`element 0: ifAddress ${JSON.stringify(o.ifAddress ?? null)} is not a MAC address`);
  const privateIp = str(o, 'privateIp', 0);
  const ipv6Addr = str(o, 'ipv6Addr', 0);
  if (privateIp && isIP(privateIp) !== 4)
    throw new PodEniAnnotationError(`element 0: privateIp ${JSON.stringify(privateIp)} is not an IPv4 address`);
  if (ipv6Addr && isIP(ipv6Addr) !== 6)
    throw new PodEniAnnotationError(`element 0: ipv6Addr ${JSON.stringify(ipv6Addr)} is not an IPv6 address`);
  if (!privateIp && !ipv6Addr) throw new PodEniAnnotationError('element 0 has neither privateIp nor ipv6Addr');
  return {
    eniId: str(o, 'eniId', 0),
    mac,
    privateIp,
    ipv6Addr,
    vlanId: vlan,
    subnetCidr: str(o, 'subnetCidr', 0),
    subnetV6Cidr: str(o, 'subnetV6Cidr', 0),
  };
}
