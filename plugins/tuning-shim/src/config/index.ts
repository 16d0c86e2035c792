// SPDX-License-Identifier: Apache-2.0
export * from './allowlist';
export * from './keys';
export * from './tuning-config';
