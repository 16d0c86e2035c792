// SPDX-License-Identifier: Apache-2.0
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { normalizeKeys } from '@vpc-cni-ts/sdk/validation';

import { isPlainObject, LINK_KEY_SPELLING } from '../config/tuning-config';
import { type BackupStore, type LinkBackup } from './tuning-kernel';

const fileOf = (dir: string, cid: string, ifName: string): string => join(dir, `${cid}_${ifName}.json`);

/**
 * Backups as JSON files named and shaped like the reference's (`{"mac","promisc","mtu","allmulti","txQLen"}`,
 * one-space indent), so a DEL after an upgrade restores what the reference changed, and the other way round.
 */
export class FileBackupStore implements BackupStore {
  async save(dataDir: string, cid: string, ifName: string, b: LinkBackup): Promise<void> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await writeFile(fileOf(dataDir, cid, ifName), JSON.stringify(b, null, 1), { mode: 0o600 });
  }

  async load(dataDir: string, cid: string, ifName: string): Promise<LinkBackup | undefined> {
    let text: string;
    try {
      text = await readFile(fileOf(dataDir, cid, ifName), 'utf8');
    } catch {
      return undefined;
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return {};
    }
    if (!isPlainObject(v)) return {};
    const b = normalizeKeys<Record<string, unknown>>(v, LINK_KEY_SPELLING);
    const out: LinkBackup = {};
    if (typeof b.mac === 'string' && b.mac) out.mac = b.mac;
    if (typeof b.promisc === 'boolean') out.promisc = b.promisc;
    if (typeof b.mtu === 'number' && b.mtu > 0) out.mtu = b.mtu;
    if (typeof b.allmulti === 'boolean') out.allmulti = b.allmulti;
    if (typeof b.txQLen === 'number' && b.txQLen >= 0) out.txQLen = b.txQLen;
    return out;
  }

  async remove(dataDir: string, cid: string, ifName: string): Promise<void> {
    await rm(fileOf(dataDir, cid, ifName), { force: true });
  }
}
