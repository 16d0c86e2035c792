// SPDX-License-Identifier: Apache-2.0
export * from './config/egress-config';
export * from './handlers';
export * from './ipam';
export * from './kernel';
export * from './log/file-logger';
export * from './plan';
