// SPDX-License-Identifier: Apache-2.0
export * from './clock';
export * from './ec2-api';
export * from './errors';
export * from './imds';
export * from './logger';
export * from './metrics';
export * from './host-network';
export * from './node-status';
export * from './eni-placement';
