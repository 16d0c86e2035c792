// SPDX-License-Identifier: Apache-2.0
export * from './config';
export * from './handlers';
export * from './kernel';
