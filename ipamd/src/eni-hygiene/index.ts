// SPDX-License-Identifier: Apache-2.0
export * from './eni-tags';
export * from './eni-management';
export * from './hygiene-api';
export * from './leaked-enis';
export * from './eni-tagger';
export * from './sdk-hygiene-api';
export * from './memory-hygiene-api';
