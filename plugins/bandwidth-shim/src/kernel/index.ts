// SPDX-License-Identifier: Apache-2.0
export * from './exec';
export * from './shaping-kernel';
export * from './tc-kernel';
