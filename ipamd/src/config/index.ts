// SPDX-License-Identifier: Apache-2.0
export * from './ipamd-config';
export * from './load-config';
export { isIpv4, isIpv4Cidr } from './parse';
