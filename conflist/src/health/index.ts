// SPDX-License-Identifier: Apache-2.0
/** grpc.health.v1 check: the port, a hand-written codec and the grpc-js adapter. */
export * from './grpc-health-probe';
export * from './health-codec';
export * from './health-probe';
