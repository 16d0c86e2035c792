// SPDX-License-Identifier: Apache-2.0
import { eniConfigNameFor, type EniConfigKeys, type KubeApi } from '../kube';
import { PlacementError, type EniPlacement, type Logger, type NewEniPlacement, type PlacedEni } from '../ports';

export interface CustomNetworkPlacementDeps {
  readonly kube: KubeApi;
  readonly nodeName: string;
  readonly keys: EniConfigKeys;
  readonly logger: Logger;
  /** ENIs excluded for other reasons (`kubernetes.io/role/cni=0` subnets); default none. */
  readonly alsoExcluded?: (enis: readonly PlacedEni[]) => Promise<readonly string[]>;
}

/**
 * Custom networking (AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG, notes 4.7): every new ENI goes in the subnet of the node's
 * ENIConfig, with its security groups (the primary ENI's when the list is empty); the node and its ENIConfig are read
 * fresh for each ENI, so relabelling a node takes effect on its next ENI. The primary ENI never gives pod addresses.
 */
export class CustomNetworkPlacement implements EniPlacement {
  private readonly log: Logger;

  constructor(private readonly d: CustomNetworkPlacementDeps) {
    this.log = d.logger.child({ component: 'custom-networking' });
  }

  async forNewEni(): Promise<NewEniPlacement> {
    const { kube, nodeName, keys } = this.d;
    let name: string;
    try {
      name = eniConfigNameFor(await kube.getNode(nodeName), keys);
    } catch (e) {
      throw new PlacementError(
        `custom networking: cannot read node ${nodeName} to find its ENIConfig (${(e as Error).message})`,
        { cause: e },
      );
    }
    let cfg;
    try {
      cfg = await kube.getEniConfig(name);
    } catch (e) {
      throw new PlacementError(`custom networking: cannot read ENIConfig "${name}" (${(e as Error).message})`, {
        cause: e,
      });
    }
    if (!cfg)
      throw new PlacementError(
        `custom networking: ENIConfig "${name}" does not exist (node ${nodeName} selects it by the ${keys.annotationKey} annotation, the ${keys.labelKey} label, or "default"); create it or relabel the node`,
      );
    if (!cfg.subnet) throw new PlacementError(`custom networking: ENIConfig "${name}" has no spec.subnet`);
    this.log.debug({ eniConfig: name, subnet: cfg.subnet, securityGroups: cfg.securityGroups }, 'ENIConfig read');
    return {
      subnetIds: [cfg.subnet],
      securityGroupIds: cfg.securityGroups.length ? cfg.securityGroups : undefined,
      source: `eniconfig:${name}`,
    };
  }

  async excludedEnis(enis: readonly PlacedEni[]): Promise<readonly string[]> {
    const other = (await this.d.alsoExcluded?.(enis)) ?? [];
    return [...new Set([...enis.filter((e) => e.isPrimary).map((e) => e.id), ...other])];
  }
}
