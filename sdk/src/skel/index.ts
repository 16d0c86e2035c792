// SPDX-License-Identifier: Apache-2.0
export * from './dispatcher';
export * from './env';
export * from './plugin-io';
export * from './request-plugin';
