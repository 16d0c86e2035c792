// SPDX-License-Identifier: Apache-2.0
/** Pure conflist generation: config + node facts -> typed `10-aws.conflist`, and its validation seam. */
export * from './build-conflist';
export * from './conflist-types';
export * from './node-facts';
export * from './validate-conflist';
export * from './plugin-validators';
