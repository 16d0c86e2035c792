// SPDX-License-Identifier: Apache-2.0
/** `@vpc-cni-ts/sdk/kernel/fakes`: stateful in-memory fakes of the kernel ports, for unit tests. */
export { FakeKernel, type FakeKernelOptions, addressCovers } from './fake-kernel';
export { FakeFirewall, type FakeFirewallOptions } from './fake-firewall';
export { FakeTrafficControl } from './fake-traffic-control';
