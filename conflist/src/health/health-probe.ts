// SPDX-License-Identifier: Apache-2.0
/** grpc.health.v1 serving status (`HealthCheckResponse.ServingStatus`). */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** The port: asks a daemon whether it serves. */
export interface HealthProbe {
  /** One check with a deadline; rejects when the daemon cannot be reached or does not answer in time. */
  check(): Promise<ServingStatus>;
}
