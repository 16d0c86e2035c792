// SPDX-License-Identifier: Apache-2.0
export * from './ipam-errors';
export * from './ipam-service';
