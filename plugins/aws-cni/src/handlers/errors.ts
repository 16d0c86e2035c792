import { CniError, CniErrorCode } from '@vpc-cni-ts/sdk';
// type-only (erased): the SDK kernel module (child_process, fs/promises) is required only when an error needs it,
// so DEL can send DelNetwork before loading it
import type * as SdkKernel from '@vpc-cni-ts/sdk/kernel';

import { NetConfError } from '../config/net-conf';
import { GrpcCallError, GrpcStatus } from '../ipamd/grpc-common';

/** "datastore: unknown pod": ipamd's answer to DEL of a pod it does not know, which DEL treats as success. */
export const UNKNOWN_POD = 'datastore: unknown pod';

/** gRPC statuses after which trying again later may work. */
const TRANSIENT = new Set<number>([GrpcStatus.UNAVAILABLE, GrpcStatus.DEADLINE_EXCEEDED, 8 /* RESOURCE_EXHAUSTED */]);

/** Maps a failed ipamd call to the wire error: unreachable socket and transient statuses are code 11. */
export function ipamdCallError(err: unknown, verb: string, target: string): CniError {
  if (err instanceof GrpcCallError) {
    if (err.unavailable) {
      return new CniError(
        CniErrorCode.TryAgainLater,
        `ipamd is not answering on its socket ${target}: ${err.message}`,
        {
          details: 'is the aws-node pod (ipamd) running on this node?',
          cause: err,
        },
      );
    }
    const code = TRANSIENT.has(err.code) ? CniErrorCode.TryAgainLater : CniErrorCode.Internal;
    return new CniError(code, `ipamd ${verb} failed (gRPC status ${err.code}): ${err.message}`, { cause: err });
  }
  return new CniError(CniErrorCode.Internal, `ipamd ${verb} failed: ${(err as Error)?.message ?? String(err)}`, {
    cause: err,
  });
}

/** Maps configuration errors to code 7 and kernel errors to a message naming the failed step. */
export function toWireError(err: unknown, context: string): CniError {
  if (err instanceof CniError) return err;
  if (err instanceof NetConfError) return new CniError(CniErrorCode.InvalidNetworkConfig, err.message, { cause: err });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isKernelError } = require('@vpc-cni-ts/sdk/kernel') as typeof SdkKernel;
  if (isKernelError(err)) return new CniError(CniErrorCode.Internal, `${context}: ${err.message}`, { cause: err });
  return new CniError(CniErrorCode.Internal, `${context}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}
