// SPDX-License-Identifier: Apache-2.0

/** Kinds of failure the gRPC layer maps to status codes. */
export type IpamErrorKind = 'invalid-argument' | 'no-address' | 'unknown-pod' | 'internal' | 'unavailable';

/** The one error type crossing from the IPAM service to the gRPC boundary; `cause` keeps the original. */
export class IpamError extends Error {
  override readonly name = 'IpamError';
  constructor(
    readonly kind: IpamErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
