// SPDX-License-Identifier: Apache-2.0
/** The port: what the init step and entrypoint ask instance metadata. */
export interface NodeMetadata {
  /** IMDS `local-ipv4`; undefined when the instance has none. */
  localIpv4(): Promise<string | undefined>;
  /** IMDS `ipv6` (primary ENI's IPv6 address); undefined when it has none. */
  primaryIpv6(): Promise<string | undefined>;
  /** IMDS `mac`: the primary ENI's MAC address. */
  primaryMac(): Promise<string>;
}

/** An IMDS request that failed for a reason other than "not found". */
export class ImdsError extends Error {
  override readonly name = 'ImdsError';
}
