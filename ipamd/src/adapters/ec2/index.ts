// SPDX-License-Identifier: Apache-2.0
export * from './sdk-ec2-api';
