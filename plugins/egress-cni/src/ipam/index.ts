// SPDX-License-Identifier: Apache-2.0
export * from './allocator';
export * from './file-lease-store';
export * from './lease-store';
