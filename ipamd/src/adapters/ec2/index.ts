// SPDX-License-Identifier: Apache-2.0
export * from './sdk-ec2-api';
export * from './counting-ec2-adapter';
export * from './ec2-errors';
