// SPDX-License-Identifier: Apache-2.0
/** Host ports (sysctl, links) and their filesystem adapters. */
export * from './host-links';
export * from './sysctl';
