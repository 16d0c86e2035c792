// SPDX-License-Identifier: Apache-2.0
export * from './ec2';
export * from './imds';
