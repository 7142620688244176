import type { EventDispatcher } from '../src/ingest/types';
import type { Store, ParkReason } from '../src/store/types';
import type { ConnectionRegistry } from '../src/sync/connections';
import type { RecordType } from '../src/sync/ownership';

export type SyncOutcomeKind = 'synced' | 'unchanged' | 'skipped' | 'gone' | 'parked' | 'failed';

/** Told about every sync's outcome (metrics, alerts). Must not throw. */
export interface SyncObserver {
  sync(connectionId: string, outcome: SyncOutcomeKind, durationSeconds?: number): void;
  parked(connectionId: string, reason: ParkReason): void;
  /** A stored link named a Krayin record that is no longer ours (it was not written to). */
  linkMismatch?(connectionId: string, recordType: RecordType): void;
}

/** What activities need from the process: the store and each connection's clients. */
export interface ActivityDeps {
  store: Store;
  connections: ConnectionRegistry;
  observer?: SyncObserver;
  now?: () => Date;
  /** signalWithStart of contact workflows (the webhook path); the reconciliation activities need it. */
  dispatcher?: EventDispatcher;
}
