// SPDX-License-Identifier: Apache-2.0
export * from './plan';
export * from './targets';
