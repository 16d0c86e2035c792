// SPDX-License-Identifier: Apache-2.0
import type { InstanceIdentity } from '../domain/types';
import type { InstanceLimits } from '../limits';

/** Facts about this node learned at start-up, fixed for the process lifetime. */
export interface NodeInfo {
  readonly identity: InstanceIdentity;
  readonly limits: InstanceLimits;
  readonly vpcId: string;
  readonly vpcCidrs: readonly string[];
  readonly primaryEniId: string;
  readonly primarySubnetId: string;
  readonly securityGroupIds: readonly string[];
}
