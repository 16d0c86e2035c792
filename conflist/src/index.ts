// SPDX-License-Identifier: Apache-2.0
/** `@vpc-cni-ts/conflist`: the conflist generator, the init step and the entrypoint. */
export * from './config';
export * from './generate';
export * from './tokens';
