// SPDX-License-Identifier: Apache-2.0
/**
 * `@vpc-cni-ts/sdk/di`: typed tsyringe tokens for composition roots. Importing it loads `reflect-metadata`;
 * keep it out of the minimal plugin path (a plugin's main can wire by hand).
 */
export * from './tokens';
