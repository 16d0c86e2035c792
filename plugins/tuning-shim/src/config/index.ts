// SPDX-License-Identifier: Apache-2.0
export * from './allowlist';
export * from './tuning-config';
