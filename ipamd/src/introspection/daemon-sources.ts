// SPDX-License-Identifier: Apache-2.0
import type { Datastore } from '../datastore';
import type { Clock } from '../ports';
import { viewOfDatastore, type DatastoreView, type DatastoreViewExtras } from './datastore-view';
import type { PoolStatusSource } from './views';

/** What the daemon exposes after `start()` (`IpamdDaemon` fits: `store`, `poolManager`). */
export interface DaemonHandles {
  readonly store: Datastore | undefined;
  readonly poolManager: PoolStatusSource | undefined;
}

/**
 * Lazy sources over a running daemon for introspection and the gauges: the datastore view (empty while starting)
 * and a pool status that says `starting` until the pool manager exists.
 */
export function daemonSources(
  daemon: DaemonHandles,
  clock: Clock,
  extras: DatastoreViewExtras = {},
): { datastore: () => DatastoreView; pool: PoolStatusSource } {
  return {
    datastore: () => (daemon.store ? viewOfDatastore(daemon.store, clock.now(), extras) : { cards: [] }),
    pool: {
      currentTargets: () => daemon.poolManager?.currentTargets() ?? {},
      stats: () => daemon.poolManager?.stats() ?? {},
      blockReason: () =>
        daemon.poolManager
          ? daemon.poolManager.blockReason()
          : { reason: 'starting', detail: 'ipamd is starting: the pool manager is not running yet' },
    },
  };
}
