// SPDX-License-Identifier: Apache-2.0
/** Instance metadata: the port and its IMDSv2 adapter. */
export * from './imds-client';
export * from './node-metadata';
