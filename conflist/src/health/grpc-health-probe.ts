// SPDX-License-Identifier: Apache-2.0
import * as grpc from '@grpc/grpc-js';

import { decodeHealthResponse, encodeHealthRequest } from './health-codec';
import { type HealthProbe, type ServingStatus } from './health-probe';

/** Full method name of the standard health check. */
export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

/** The gRPC target for a unix socket path. */
export const unixTarget = (socketPath: string): string => `unix://${socketPath}`;

/**
 * Adapter: one `grpc.health.v1.Health/Check` per call over a fresh channel (like the standalone probe upstream
 * runs), closed afterwards so a restarted daemon is seen at once. `deadlineMs` bounds connect + answer.
 */
export class GrpcHealthProbe implements HealthProbe {
  constructor(
    private readonly target: string,
    private readonly deadlineMs = 1000,
    private readonly service = '',
  ) {}

  check(): Promise<ServingStatus> {
    const client = new grpc.Client(this.target, grpc.credentials.createInsecure());
    return new Promise<ServingStatus>((resolve, reject) => {
      client.makeUnaryRequest(
        HEALTH_CHECK_METHOD,
        (req: Buffer) => req,
        (res: Buffer) => decodeHealthResponse(res),
        encodeHealthRequest(this.service),
        new grpc.Metadata(),
        { deadline: Date.now() + this.deadlineMs },
        (err: grpc.ServiceError | null, status?: ServingStatus) => {
          client.close();
          if (err) reject(err);
          else resolve(status ?? 'UNKNOWN');
        },
      );
    });
  }
}
