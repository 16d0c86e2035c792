// SPDX-License-Identifier: Apache-2.0
export * from './convert';
export * from './types';
export * from './versions';
