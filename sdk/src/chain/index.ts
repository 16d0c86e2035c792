// SPDX-License-Identifier: Apache-2.0
export * from './chain-executor';
export * from './conflist';
export * from './plugin-exec';
export * from './request-config';
export * from './result-cache';
