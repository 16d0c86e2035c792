// SPDX-License-Identifier: Apache-2.0
import { Ec2Error, classifyEc2Code } from '../../ports';

/**
 * Turns an @aws-sdk/client-ec2 failure into the port's `Ec2Error`: EC2's error code and the kind ipamd acts on.
 * Connection failures and client timeouts count as `ServiceUnavailable`; an unknown 5xx is transient, a 429 throttling.
 */
export function toEc2Error(action: string, e: unknown): Ec2Error {
  if (e instanceof Ec2Error) return e;
  const err = e as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = err.$metadata?.httpStatusCode;
  let code = err.Code ?? err.name ?? 'UnknownError';
  if (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(err.code ?? '') ||
    code === 'TimeoutError' ||
    code === 'RequestTimeout'
  )
    code = 'ServiceUnavailable';
  let kind = classifyEc2Code(code);
  if (kind === 'other' && status !== undefined && status >= 500) kind = 'transient';
  if (kind === 'other' && status === 429) kind = 'throttled';
  return new Ec2Error(action, code, err.message ?? String(e), kind, { cause: e });
}
