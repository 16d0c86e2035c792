// SPDX-License-Identifier: Apache-2.0
export * from './file-backup-store';
export * from './ip-tuning-kernel';
export * from './tuning-kernel';
