// SPDX-License-Identifier: Apache-2.0
/** `@vpc-cni-ts/sdk/kernel`: kernel ports (links, addresses, routes, rules, sysctl, firewall, tc), adapters, fakes. */
export * from './errors';
export * from './ip';
export * from './validate';
export * from './netns';
export * from './types';
export * from './kernel-port';
export { IpRoute2Kernel, type IpRoute2KernelOptions } from './iproute2-kernel';
export { type ProcessRunner, type RunOptions, type RunResult, SpawnRunner } from './process-runner';
