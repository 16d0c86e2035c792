// SPDX-License-Identifier: Apache-2.0
import type { Kernel, NetnsRef } from '@vpc-cni-ts/sdk/kernel';

/** Port: the Linux ifindex of the node's link with a given MAC (the trunk ENI's). */
export interface TrunkLinkIndex {
  /** ifindex of the link whose MAC is `mac` in the host namespace; undefined when there is none. */
  indexOfMac(mac: string): Promise<number | undefined>;
}

/** `TrunkLinkIndex` through the SDK kernel adapter (`ip -j link show` in the host namespace). */
export class KernelTrunkLinkIndex implements TrunkLinkIndex {
  constructor(
    private readonly kernel: Pick<Kernel, 'findLinkByMac'>,
    private readonly netns: NetnsRef,
  ) {}

  async indexOfMac(mac: string): Promise<number | undefined> {
    return (await this.kernel.findLinkByMac(this.netns, mac))?.index;
  }
}

/** In-memory `TrunkLinkIndex` (tests, and nodes where the links are known up front). */
export class MemoryTrunkLinkIndex implements TrunkLinkIndex {
  private readonly links = new Map<string, number>();

  constructor(links: Readonly<Record<string, number>> = {}) {
    for (const [mac, index] of Object.entries(links)) this.set(mac, index);
  }

  set(mac: string, index: number): void {
    this.links.set(mac.toLowerCase(), index);
  }

  async indexOfMac(mac: string): Promise<number | undefined> {
    return this.links.get(mac.toLowerCase());
  }
}
