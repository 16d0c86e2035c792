// SPDX-License-Identifier: Apache-2.0
/** Filesystem adapters: atomic writes and executable installation. */
export * from './atomic-write';
export * from './install-plan';
export * from './installer';
