import type { EventDispatcher } from '../src/ingest/types';
import type { Store } from '../src/store/types';
import type { ParkReason } from '../workflows/api';
import type { ConnectionRegistry, ConnectionRuntime } from '../src/sync/connections';
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

/**
 * What each activity set may reach of a connection, so that "a Krayin activity calls only Krayin"
 * is checked by the compiler: the Krayin set sees no Chatwoot client, the Chatwoot set no Krayin one.
 */
export type KrayinSide = Pick<ConnectionRuntime, 'config' | 'krayin' | 'lookups'>;
export type ChatwootSide = Pick<ConnectionRuntime, 'config' | 'chatwoot' | 'agents'>;

interface SetDeps<Side> extends Omit<ActivityDeps, 'connections'> {
  connections: { get(connectionId: string): Side };
}

/** Dependencies of the Krayin set (activities/krayin). */
export type KrayinActivityDeps = SetDeps<KrayinSide>;
/** Dependencies of the Chatwoot set (activities/chatwoot). */
export type ChatwootActivityDeps = SetDeps<ChatwootSide>;
/** Dependencies of the store set (activities/store): no connection clients at all. */
export type StoreActivityDeps = Omit<ActivityDeps, 'connections'>;
