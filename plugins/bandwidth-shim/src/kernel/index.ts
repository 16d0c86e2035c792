// SPDX-License-Identifier: Apache-2.0
export * from './shaping-kernel';
export * from './tc-kernel';
