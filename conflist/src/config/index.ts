// SPDX-License-Identifier: Apache-2.0
/** The only place that reads environment variables: validated, frozen configuration objects. */
export * from './config-error';
export * from './conflist-config';
export * from './entrypoint-config';
export * from './env';
export * from './init-config';
export * from './parse-bool';
export * from './paths-config';
