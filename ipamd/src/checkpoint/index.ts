// SPDX-License-Identifier: Apache-2.0
export * from './checkpoint-store';
export * from './format';
