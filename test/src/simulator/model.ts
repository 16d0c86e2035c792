import { type InstanceLimits } from '@vpc-cni-ts/ipamd/limits';

import { type Cidr4 } from './ipv4';
import { type Cidr6 } from './ipv6';
import { type Subnet6Pool } from './subnet6-pool';
import { type SubnetPool } from './subnet-pool';

/** Mutable tag set of a resource, in insertion order. */
export type Tags = Map<string, string>;

export interface Vpc {
  readonly vpcId: string;
  readonly cidrBlocks: readonly Cidr4[];
  readonly ipv6CidrBlocks: readonly Cidr6[];
  readonly tags: Tags;
}

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly cidr: Cidr4;
  readonly ipv6Cidr?: Cidr6;
  readonly pool: SubnetPool;
  readonly pool6?: Subnet6Pool;
  readonly tags: Tags;
}

export type AttachmentStatus = 'attaching' | 'attached' | 'detaching';

export interface Attachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  deleteOnTermination: boolean;
  status: AttachmentStatus;
  readonly attachTime: number;
  /** When the current transition (attaching or detaching) completes. */
  settleAt: number;
}

export interface Eni {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly macAddress: string;
  description: string;
  groups: string[];
  readonly tags: Tags;
  readonly interfaceType: string;
  sourceDestCheck: boolean;
  readonly primaryIp: number;
  /** Secondary private IPv4 addresses, in assignment order. */
  readonly secondaryIps: number[];
  /** Network addresses of delegated /28 prefixes. */
  readonly ipv4Prefixes: number[];
  readonly ipv6Addresses: bigint[];
  /** Network addresses of delegated /80 prefixes. */
  readonly ipv6Prefixes: bigint[];
  attachment?: Attachment;
  readonly createdAt: number;
}

export interface Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly limits: InstanceLimits;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly primaryEniId: string;
  readonly tags: Tags;
  readonly launchTime: number;
  state: 'running' | 'terminated';
}
