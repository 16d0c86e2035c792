// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';

/**
 * The ifb device name the reference plugin uses: "bwp" + first 12 hex chars of SHA-512(network name + container
 * id), 15 characters (IFNAMSIZ - 1). DEL recomputes it, so it must never change.
 */
export function ifbName(networkName: string, containerId: string): string {
  return `bwp${createHash('sha512')
    .update(networkName + containerId)
    .digest('hex')
    .slice(0, 12)}`;
}
