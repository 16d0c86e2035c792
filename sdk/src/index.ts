// SPDX-License-Identifier: Apache-2.0
/**
 * `@vpc-cni-ts/sdk`: the light core a plugin needs at start-up: spec types and versions, result parsing and
 * conversion, the wire error type, CNI_ARGS and the dispatcher. Heavier parts live in subpaths:
 * `@vpc-cni-ts/sdk/validation`, `/chain`, `/log`, `/testing`, `/di`.
 */
export * from './args';
export * from './errors';
export * from './skel';
export * from './spec';
