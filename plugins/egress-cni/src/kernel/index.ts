// SPDX-License-Identifier: Apache-2.0
export * from './egress-kernel';
export * from './ip-egress-kernel';
