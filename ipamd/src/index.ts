// SPDX-License-Identifier: Apache-2.0
/**
 * `@vpc-cni-ts/ipamd`: the node daemon's library surface. Subpaths: `/limits`, `/config`, `/rpc` (wire codec for the
 * plugin's lean client), `/testing` (stateful fakes).
 */
export * from './config';
export * from './daemon';
export * from './datastore';
export * from './domain/types';
export * from './limits';
export * from './planner';
export * from './ports';
export * from './server';
export * from './service';
export {
  CheckpointError,
  CheckpointWriter,
  FileCheckpoint,
  type Checkpoint,
  CHECKPOINT_VERSION,
  encodeCheckpoint,
  decodeCheckpoint,
} from './checkpoint';
export { PoolManager, type NodeInfo } from './pool';
