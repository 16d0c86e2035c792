// SPDX-License-Identifier: Apache-2.0
/** `@vpc-cni-ts/sdk/invoke`: run delegated plugins (IPAM) from inside a plugin. */
export * from './delegate';
