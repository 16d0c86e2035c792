// SPDX-License-Identifier: Apache-2.0
export * from './common';
export * from './net-conf';
export * from './result';
export * from './result-020';
export * from './result-040';
export * from './result-100';
export * from './runtime-config';
