// SPDX-License-Identifier: Apache-2.0
export * from './backoff';
export * from './node-info';
export * from './pool-manager';
