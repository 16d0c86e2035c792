// SPDX-License-Identifier: Apache-2.0
/** `@vpc-cni-ts/sdk/testing`: helpers for plugin authors' tests (never imported by production code). */
export * from './conversion-fixtures';
export * from './memory-io';
export * from './run-plugin';
export * from './netns';
export * from './node-plugin-wrapper';
