// SPDX-License-Identifier: Apache-2.0
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** The host's network interfaces, as far as the init step needs them. */
export interface HostLinks {
  /** The name of the link whose hardware address is `mac` (case-insensitive); undefined if none. */
  findByMac(mac: string): Promise<string | undefined>;
}

/** Adapter over /sys/class/net (`<root>/<ifname>/address`); `root` is a temp dir in tests. */
export class SysfsHostLinks implements HostLinks {
  constructor(private readonly root: string) {}

  async findByMac(mac: string): Promise<string | undefined> {
    const want = mac.trim().toLowerCase();
    for (const name of (await fsp.readdir(this.root)).sort()) {
      try {
        const addr = (await fsp.readFile(path.join(this.root, name, 'address'), 'utf8')).trim().toLowerCase();
        if (addr === want) return name;
      } catch {
        // not a link directory, or no address (some virtual links): skip
      }
    }
    return undefined;
  }
}
