// SPDX-License-Identifier: Apache-2.0
export * from './request';
export * from './sdk-adapter';
