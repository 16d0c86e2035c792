// SPDX-License-Identifier: Apache-2.0
export * from './subnet-selection';
export * from './subnet-directory';
export * from './subnet-discovery';
export * from './sdk-subnet-directory';
export * from './discovery-placement';
