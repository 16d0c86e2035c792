// SPDX-License-Identifier: Apache-2.0

/** Where the next ENI goes: candidate subnets, best first, and its security groups. */
export interface NewEniPlacement {
  readonly subnetIds: readonly string[];
  /** Security groups for the new ENI; undefined = the primary ENI's (notes 4.7/4.8). */
  readonly securityGroupIds?: readonly string[];
  /** Where the choice came from, for logs: `primary`, `discovery`, `eniconfig:<name>`. */
  readonly source: string;
}

/** An ENI as placement judges it. */
export interface PlacedEni {
  readonly id: string;
  readonly subnetId: string;
  readonly isPrimary: boolean;
}

/**
 * Placement policy of the pool: which subnet and security groups a new ENI gets (subnet discovery, or custom
 * networking's ENIConfig), and which attached ENIs must not give pod addresses (the primary ENI under custom
 * networking, ENIs in subnets tagged `kubernetes.io/role/cni=0`).
 */
export interface EniPlacement {
  /** Asked once per ENI creation (ENIConfigs are read fresh). Throws `PlacementError` when nothing can be decided. */
  forNewEni(): Promise<NewEniPlacement>;
  /** The ids among `enis` excluded for pod addresses. Never throws for EC2/API trouble: it falls back and logs. */
  excludedEnis(enis: readonly PlacedEni[]): Promise<readonly string[]>;
}

/** No place for a new ENI (e.g. the node's ENIConfig does not exist); the message says what to fix. */
export class PlacementError extends Error {
  override readonly name = 'PlacementError';
}

/** Default placement: the primary ENI's subnet and security groups, nothing excluded. */
export class PrimarySubnetPlacement implements EniPlacement {
  constructor(private readonly primarySubnetId: string) {}
  async forNewEni(): Promise<NewEniPlacement> {
    return { subnetIds: [this.primarySubnetId], source: 'primary' };
  }
  async excludedEnis(): Promise<readonly string[]> {
    return [];
  }
}
