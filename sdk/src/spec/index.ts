// SPDX-License-Identifier: Apache-2.0
export * from './convert';
export * from './result-helpers';
export * from './types';
export * from './versions';
