// SPDX-License-Identifier: Apache-2.0
/** Wire codec of rpc.CNIBackend and grpc.health.v1 (no dependencies; safe for the plugin's start-up budget). */
export * from './messages';
export * from './wire';
