// SPDX-License-Identifier: Apache-2.0
/** Test doubles implementing ipamd's ports (stateful fakes, no call-order mocks). */
export * from './fake-aws';
export * from './fake-clock';
export { MemoryCheckpoint } from '../checkpoint';
export { MemoryLogger } from '../ports/logger';
export { MemoryMetrics } from '../ports/metrics';
