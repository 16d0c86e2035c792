// SPDX-License-Identifier: Apache-2.0
import type { InstanceIdentity } from '../domain/types';

/** One attached interface as instance metadata lists it (notes 5.2). */
export interface ImdsInterface {
  readonly mac: string;
  readonly eniId: string;
  readonly deviceNumber: number;
  readonly networkCard: number;
  readonly subnetId: string;
  readonly subnetCidr?: string;
  readonly vpcId: string;
  readonly vpcCidrs: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** First entry is the ENI's primary address. */
  readonly localIpv4s: readonly string[];
  readonly ipv4Prefixes: readonly string[];
}

/** Port to the instance metadata service (IMDSv2). Throws on transport failure. */
export interface Imds {
  identity(): Promise<InstanceIdentity>;
  /** Every interface currently attached, primary first. */
  interfaces(): Promise<ImdsInterface[]>;
}
