// SPDX-License-Identifier: Apache-2.0
import { type LinkSettings, type SysctlEntry } from '../config/tuning-config';

/** The attributes of a pod interface tuning can change, as currently set. */
export interface LinkState {
  readonly mac: string;
  readonly mtu: number;
  readonly promisc: boolean;
  readonly allmulti: boolean;
  readonly txQLen: number;
}

/** What tuning-shim needs from the kernel, in domain terms; every call acts inside the pod namespace. */
export interface TuningKernel {
  /** Writes the sysctls in order, then returns the interface's state. @throws naming the failing key. */
  writeSysctlsAndReadLink(netns: string, ifName: string, sysctls: readonly SysctlEntry[]): Promise<LinkState>;
  /** Applies link settings (only those defined). */
  setLink(netns: string, ifName: string, settings: LinkSettings): Promise<void>;
  /** Reads sysctls (trailing newline trimmed) and the interface state. */
  read(netns: string, ifName: string, paths: readonly string[]): Promise<{ sysctls: string[]; link: LinkState }>;
  /** False when the namespace path is gone or no longer a live namespace (the pod is gone). */
  netnsExists(netns: string): Promise<boolean>;
}

/** The backup of original values the reference writes to `<dataDir>/<containerID>_<ifname>.json`. */
export interface LinkBackup {
  mac?: string;
  promisc?: boolean;
  mtu?: number;
  allmulti?: boolean;
  txQLen?: number;
}

/** Where the backup file lives (same name as the reference, so upgraded nodes restore on DEL). */
export interface BackupStore {
  save(dataDir: string, containerId: string, ifName: string, backup: LinkBackup): Promise<void>;
  load(dataDir: string, containerId: string, ifName: string): Promise<LinkBackup | undefined>;
  remove(dataDir: string, containerId: string, ifName: string): Promise<void>;
}
