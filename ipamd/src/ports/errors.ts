// SPDX-License-Identifier: Apache-2.0

/** Broad classes of EC2 failure the pool manager acts on (notes 4.10, 5.1). */
export type Ec2ErrorKind =
  | 'throttled'
  | 'subnet-full'
  | 'no-contiguous-cidr'
  | 'address-limit'
  | 'not-found'
  | 'unauthorized'
  | 'eni-limit'
  | 'transient'
  | 'other';

/**
 * The one error type the `Ec2Api` port throws. `code` is EC2's error code (e.g. `InsufficientCidrBlocks`); `kind`
 * is what ipamd does about it. Adapters map SDK errors to this; fakes throw it directly.
 */
export class Ec2Error extends Error {
  override readonly name = 'Ec2Error';
  constructor(
    readonly action: string,
    readonly code: string,
    message: string,
    readonly kind: Ec2ErrorKind = classifyEc2Code(code),
    options?: { cause?: unknown },
  ) {
    super(`${action}: ${code}: ${message}`, options);
  }
}

const KINDS: Record<string, Ec2ErrorKind> = {
  RequestLimitExceeded: 'throttled',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  TooManyRequestsException: 'throttled',
  InsufficientFreeAddressesInSubnet: 'subnet-full',
  InsufficientCidrBlocks: 'no-contiguous-cidr',
  PrivateIpAddressLimitExceeded: 'address-limit',
  AttachmentLimitExceeded: 'eni-limit',
  NetworkInterfaceLimitExceeded: 'eni-limit',
  'InvalidNetworkInterfaceID.NotFound': 'not-found',
  'InvalidAttachmentID.NotFound': 'not-found',
  UnauthorizedOperation: 'unauthorized',
  InternalError: 'transient',
  InternalFailure: 'transient',
  ServiceUnavailable: 'transient',
  Unavailable: 'transient',
};

/** Map an EC2 error code to the class ipamd reacts to. */
export function classifyEc2Code(code: string): Ec2ErrorKind {
  return KINDS[code] ?? 'other';
}

/** True when an error is an `Ec2Error` of one of `kinds`. */
export function isEc2Error(err: unknown, ...kinds: Ec2ErrorKind[]): err is Ec2Error {
  return err instanceof Ec2Error && (kinds.length === 0 || kinds.includes(err.kind));
}
