// SPDX-License-Identifier: Apache-2.0
export * from './normalize-keys';
export * from './validator';
export * from './validators';
