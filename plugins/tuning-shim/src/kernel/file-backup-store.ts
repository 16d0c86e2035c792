// SPDX-License-Identifier: Apache-2.0
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { getCaseInsensitive, isPlainObject } from '../config/keys';
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
    const out: LinkBackup = {};
    const mac = getCaseInsensitive(v, 'mac');
    if (typeof mac === 'string' && mac) out.mac = mac;
    const promisc = getCaseInsensitive(v, 'promisc');
    if (typeof promisc === 'boolean') out.promisc = promisc;
    const mtu = getCaseInsensitive(v, 'mtu');
    if (typeof mtu === 'number' && mtu > 0) out.mtu = mtu;
    const allmulti = getCaseInsensitive(v, 'allmulti');
    if (typeof allmulti === 'boolean') out.allmulti = allmulti;
    const txq = getCaseInsensitive(v, 'txQLen');
    if (typeof txq === 'number' && txq >= 0) out.txQLen = txq;
    return out;
  }

  async remove(dataDir: string, cid: string, ifName: string): Promise<void> {
    await rm(fileOf(dataDir, cid, ifName), { force: true });
  }
}
