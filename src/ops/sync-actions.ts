/**
 * What an operator can do to a connection's syncs, shared by the admin API (src/admin/router.ts, the
 * CLI's backend) and the console's Problems page, so both behave the same: replay one contact, resume
 * the parked ones, deliver or drop the events held while the connection was paused.
 */
import type { ConnectionConfig } from '../config/schema';
import type { ContactEvent } from '../ingest/types';
import type { ConnectionSwitches } from './connection-switches';
import type { ConnectionProbes } from './reachability';
import type { ParkReason, Store } from '../store/types';

export interface SyncActionDeps {
  store: Store;
  switches: ConnectionSwitches;
  /** Re-runs a contact's sync now, ignoring the stored hash (TemporalDispatcher.retry). */
  retry(connectionId: string, contactId: number, requestedBy: string): Promise<void>;
  /** Makes an event durable in Temporal, as ingest does (TemporalDispatcher.dispatch). */
  dispatch(event: ContactEvent, connection: ConnectionConfig): Promise<void>;
  probes: Pick<ConnectionProbes, 'contactExists'>;
}

export const PARK_KINDS = ['validation', 'auth', 'mapping', 'ambiguous', 'not_found', 'config', 'internal'] as const;
/** Contacts resumed per retry-parked call; `more: true` says to call again. */
export const RETRY_BATCH = 5_000;
/** Held events delivered per catch-up call; `more: true` says to call again. */
export const CATCH_UP_BATCH = 1_000;

export type ReplayResult = 'replaying' | 'no_such_contact' | 'chatwoot_unreachable';

/**
 * Re-runs one contact's sync from current Chatwoot data. Chatwoot is asked first: a replay of a contact
 * Chatwoot does not know would start a workflow that finds nothing and idles, while the operator is told
 * it worked.
 */
export async function replayContact(
  deps: SyncActionDeps,
  connectionId: string,
  contactId: number,
  requestedBy: string,
): Promise<ReplayResult> {
  let exists: boolean;
  try {
    exists = await deps.probes.contactExists(connectionId, contactId);
  } catch {
    return 'chatwoot_unreachable';
  }
  if (!exists) return 'no_such_contact';
  await deps.store.syncState.clearHash(connectionId, contactId);
  await deps.retry(connectionId, contactId, requestedBy);
  await deps.store.audit.append({ connectionId, contactId, action: 'sync.replay_requested' });
  return 'replaying';
}

/** Resumes parked (and failed) syncs, all or one park kind, at most RETRY_BATCH per call. */
export async function retryParked(
  deps: SyncActionDeps,
  connectionId: string,
  reason: ParkReason['kind'] | undefined,
  requestedBy: string,
): Promise<{ resumed: number; more: boolean }> {
  // Each retry signals (or restarts) the contact's workflow, which records the new outcome itself.
  const parked = await deps.store.syncState.listParked(connectionId, reason, RETRY_BATCH);
  for (const p of parked) await deps.retry(connectionId, p.contactId, requestedBy);
  return { resumed: parked.length, more: parked.length === RETRY_BATCH };
}

export async function discardHeld(deps: SyncActionDeps, connectionId: string): Promise<number> {
  const discarded = await deps.store.heldEvents.discardAll(connectionId);
  await deps.store.audit.append({
    connectionId,
    contactId: null,
    action: 'held_events.discarded',
    detail: { discarded },
  });
  return discarded;
}

export type CatchUpResult =
  | { outcome: 'connection_disabled' }
  | { outcome: 'dispatch_failed'; delivered: number; remaining: number }
  | { outcome: 'delivering'; delivered: number; contacts: number; remaining: number; more: boolean };

/**
 * Delivers what ingest held while the connection was paused, oldest first, at most CATCH_UP_BATCH, through
 * the same dispatcher as live webhooks (the workflow dedupes by delivery id, so a repeated call is harmless).
 */
export async function deliverHeld(deps: SyncActionDeps, connection: ConnectionConfig): Promise<CatchUpResult> {
  const connectionId = connection.id;
  if (!connection.enabled || (await deps.switches.state(connectionId)).disabled) {
    return { outcome: 'connection_disabled' };
  }
  const batch = await deps.store.heldEvents.oldest(connectionId, CATCH_UP_BATCH);
  const delivered: number[] = [];
  try {
    for (const { seq, ...event } of batch) {
      await deps.dispatch(event, connection);
      delivered.push(seq);
    }
  } catch {
    await deps.store.heldEvents.remove(connectionId, delivered);
    return {
      outcome: 'dispatch_failed',
      delivered: delivered.length,
      remaining: (await deps.store.heldEvents.count(connectionId)).events,
    };
  }
  await deps.store.heldEvents.remove(connectionId, delivered);
  const remaining = (await deps.store.heldEvents.count(connectionId)).events;
  return {
    outcome: 'delivering',
    delivered: delivered.length,
    contacts: new Set(batch.map((e) => e.contactId)).size,
    remaining,
    more: remaining > 0,
  };
}
