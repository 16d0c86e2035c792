// SPDX-License-Identifier: Apache-2.0
import type { InstanceLimits } from '../limits';
import type { Eni, Subnet } from '../domain/types';

/** What to create: a new ENI with secondary IPs or /28 prefixes (never both). */
export interface CreateEniRequest {
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  readonly description: string;
  readonly secondaryIpCount?: number;
  readonly ipv4PrefixCount?: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** Addresses EC2 added to an ENI. */
export interface AssignedAddresses {
  readonly ips: readonly string[];
  readonly prefixes: readonly string[];
}

/**
 * Port to EC2, in domain terms. Adapters own pagination, retries with backoff and jitter, throttling and per-call
 * counts. Every method throws `Ec2Error` on failure.
 */
export interface Ec2Api {
  /** Describe ENIs by id. Unknown ids raise `not-found`. */
  describeNetworkInterfaces(ids: readonly string[]): Promise<Eni[]>;
  /** Every ENI attached to the instance (filter `attachment.instance-id`), paginated by the adapter. */
  describeInstanceEnis(instanceId: string): Promise<Eni[]>;
  describeSubnet(subnetId: string): Promise<Subnet | undefined>;
  createNetworkInterface(req: CreateEniRequest): Promise<Eni>;
  /** Attach at `deviceIndex`; returns the attachment id. */
  attachNetworkInterface(eniId: string, instanceId: string, deviceIndex: number): Promise<string>;
  setDeleteOnTermination(eniId: string, attachmentId: string): Promise<void>;
  detachNetworkInterface(attachmentId: string): Promise<void>;
  deleteNetworkInterface(eniId: string): Promise<void>;
  assignPrivateIpAddresses(
    eniId: string,
    req: { readonly ipCount?: number; readonly prefixCount?: number },
  ): Promise<AssignedAddresses>;
  unassignPrivateIpAddresses(
    eniId: string,
    req: { readonly ips?: readonly string[]; readonly prefixes?: readonly string[] },
  ): Promise<void>;
  /** AssignIpv6Addresses with `Ipv6PrefixCount`: /80 prefixes for IPv6 mode. Returns the prefixes added. */
  assignIpv6Prefixes(eniId: string, count: number): Promise<string[]>;
  createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void>;
  /** Limits of an instance type (fallback when the vendored table lacks it). */
  describeInstanceType(instanceType: string): Promise<InstanceLimits | undefined>;
}
