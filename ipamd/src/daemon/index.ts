// SPDX-License-Identifier: Apache-2.0
export * from './ipamd-daemon';
export * from './ipamd-runtime';
