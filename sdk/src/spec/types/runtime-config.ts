// SPDX-License-Identifier: Apache-2.0
/** `portMappings` capability entry (containerd sends capitalised keys; normalise first). */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol?: string;
  hostIP?: string;
}

/** `bandwidth` capability: rates in bits/s, bursts in bits; 0 means no limit. */
export interface BandwidthEntry {
  ingressRate?: number;
  ingressBurst?: number;
  egressRate?: number;
  egressBurst?: number;
}

/** One `ipRanges` entry (same as host-local `ranges`). */
export interface IpRange {
  subnet: string;
  rangeStart?: string;
  rangeEnd?: string;
  gateway?: string;
}

/** `dns` capability as runtimes send it. */
export interface RuntimeDns {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

/**
 * `runtimeConfig`: the intersection of the plugin's declared `capabilities` and what the runtime offers
 * (CONVENTIONS.md). Unknown capabilities pass through as extra keys.
 */
export interface RuntimeConfig {
  portMappings?: PortMapping[];
  bandwidth?: BandwidthEntry;
  ipRanges?: IpRange[][];
  dns?: RuntimeDns;
  ips?: string[];
  mac?: string;
  infinibandGUID?: string;
  deviceID?: string;
  aliases?: string[];
  cgroupPath?: string;
  CNIDeviceInfoFile?: string;
  'io.kubernetes.cri.pod-annotations'?: Record<string, string>;
  [capability: string]: unknown;
}

/** Well-known capability names (CONVENTIONS.md). */
export const WELL_KNOWN_CAPABILITIES = Object.freeze([
  'portMappings',
  'bandwidth',
  'ipRanges',
  'dns',
  'ips',
  'mac',
  'infinibandGUID',
  'deviceID',
  'aliases',
  'cgroupPath',
  'CNIDeviceInfoFile',
  'io.kubernetes.cri.pod-annotations',
] as const);
