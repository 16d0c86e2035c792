// SPDX-License-Identifier: Apache-2.0

/** An ENI as host networking needs it (link by MAC, route table by device number). */
export interface EniLink {
  readonly eniId: string;
  readonly mac: string;
  readonly deviceNumber: number;
  readonly primaryIp: string;
  readonly subnetCidr?: string;
}

/**
 * Seam for host networking of secondary ENIs (notes 3.5: link up, route table, rules). The kernel adapter comes
 * with the host-networking work; until then `NoopHostNetwork` is wired.
 */
export interface HostNetwork {
  setupEni(eni: EniLink): Promise<void>;
  teardownEni(eni: EniLink): Promise<void>;
}

export class NoopHostNetwork implements HostNetwork {
  async setupEni(): Promise<void> {}
  async teardownEni(): Promise<void> {}
}
