// SPDX-License-Identifier: Apache-2.0
export * from './composition';
export * from './conflist-sink';
export * from './daemon';
export * from './entrypoint';
export * from './wait-healthy';
