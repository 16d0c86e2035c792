// SPDX-License-Identifier: Apache-2.0
import { type Dns } from './common';
import { type RuntimeConfig } from './runtime-config';

/** `{containerID, ifname}` of an attachment that GC must leave alone. */
export interface GcAttachment {
  containerID: string;
  ifname: string;
}

/**
 * What a plugin receives on stdin: one plugin object of a conflist plus the runtime's injected keys.
 * Plugins extend it with their own keys (`interface MyConf extends NetConf { mtu?: number }`).
 */
export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  /** Capabilities the plugin declares; libcni passes it through, so tolerate it. */
  capabilities?: Record<string, boolean>;
  runtimeConfig?: RuntimeConfig;
  /** Previous plugin's result, raw (parse with `parsePrevResult`). */
  prevResult?: unknown;
  ipMasq?: boolean;
  ipam?: { type?: string; [key: string]: unknown };
  dns?: Dns;
  /** Reserved, structured per-attachment metadata (`args.cni.*`). */
  args?: Record<string, unknown>;
  /** GC only. */
  'cni.dev/valid-attachments'?: GcAttachment[];
  /** GC only: legacy spelling libcni also sends. */
  'cni.dev/attachments'?: GcAttachment[];
}

/** A plugin entry in a conflist (before the runtime injects name/cniVersion). */
export interface PluginConf {
  type: string;
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

/** A network configuration list (spec section 1). */
export interface NetConfList {
  cniVersion: string;
  cniVersions?: string[];
  name: string;
  disableCheck?: boolean;
  disableGC?: boolean;
  loadOnlyInlinedPlugins?: boolean;
  plugins: PluginConf[];
}
