// SPDX-License-Identifier: Apache-2.0
import { type EgressPlan } from '../plan/egress-plan';

/** What egress-cni needs from the kernel, in domain terms. */
export interface EgressKernel {
  /** Writes a sysctl in the plugin's own (host) namespace, e.g. `net/ipv4/ip_forward`. */
  setHostSysctl(path: string, value: string): Promise<void>;
  /** Creates the veth pair and configures both ends as planned (pod sysctls first). */
  createInterfaces(netns: string, plan: EgressPlan): Promise<void>;
  /** Deletes `ifName` inside the pod; a missing link or namespace is not an error. Returns its addresses. */
  deletePodInterface(netns: string, ifName: string): Promise<string[]>;
  /** `iptables-save` / `ip6tables-save` output, of one table or (default) all. */
  saveRules(family: 4 | 6, table?: 'nat' | 'filter'): Promise<string>;
  /** Feeds `iptables-restore --noflush` (or the v6 variant); no-op for empty input. */
  restoreRules(family: 4 | 6, input: string): Promise<void>;
  /** False when the namespace path is gone or no longer a live namespace (the pod is gone). */
  netnsExists(netns: string): Promise<boolean>;
}
