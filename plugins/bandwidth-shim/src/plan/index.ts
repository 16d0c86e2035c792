// SPDX-License-Identifier: Apache-2.0
export * from './ifb-name';
export * from './shaping-plan';
export * from './tbf';
