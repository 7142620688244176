/** contact_sync_states: where each contact's sync stands. Every mark* is a single upsert statement. */
import type { Db } from '../db';
import { redactJson, redactText } from '../redact';
import type { ParkReason, StatusCount, Store, SyncState, SyncStatus } from '../types';
import { jsonParam, toId } from './row-values';

interface SyncStateRow {
  connection_id: string;
  chatwoot_contact_id: unknown;
  status: SyncStatus;
  last_hash: string | null;
  last_synced_at: Date | null;
  park_reason: ParkReason | null;
  parked_at: Date | null;
  note: string | null;
  updated_at: Date;
}

const COLUMNS =
  'connection_id, chatwoot_contact_id, status, last_hash, last_synced_at, park_reason, parked_at, note, updated_at';

const KEY = 'ON CONFLICT (connection_id, chatwoot_contact_id) DO UPDATE SET';
const CLEAR_PARK = 'park_reason = NULL, parked_at = NULL';

// A pending row's updated_at is "pending since": a second start of the same sync keeps it.
const MARK_PENDING = `INSERT INTO contact_sync_states AS s (connection_id, chatwoot_contact_id, status)
VALUES ($1, $2, 'pending')
${KEY} status = 'pending', ${CLEAR_PARK}, note = NULL,
  updated_at = CASE WHEN s.status = 'pending' THEN s.updated_at ELSE now() END`;

const MARK_SYNCED = `INSERT INTO contact_sync_states (connection_id, chatwoot_contact_id, status, last_hash, last_synced_at)
VALUES ($1, $2, 'synced', $3, $4)
${KEY} status = 'synced', last_hash = EXCLUDED.last_hash, last_synced_at = EXCLUDED.last_synced_at,
  ${CLEAR_PARK}, note = NULL, updated_at = now()`;

const MARK_SKIPPED = `INSERT INTO contact_sync_states (connection_id, chatwoot_contact_id, status, note)
VALUES ($1, $2, 'skipped', $3)
${KEY} status = 'skipped', note = EXCLUDED.note, ${CLEAR_PARK}, updated_at = now()`;

// Keeps parked_at of a row that is already parked: it means "parked since" (see types.ts).
const MARK_PARKED = `INSERT INTO contact_sync_states AS s (connection_id, chatwoot_contact_id, status, park_reason, parked_at)
VALUES ($1, $2, 'parked', $3::jsonb, $4)
${KEY} status = 'parked', park_reason = EXCLUDED.park_reason,
  parked_at = CASE WHEN s.status = 'parked' THEN s.parked_at ELSE EXCLUDED.parked_at END,
  note = NULL, updated_at = now()`;

const MARK_FAILED = `INSERT INTO contact_sync_states (connection_id, chatwoot_contact_id, status, park_reason, parked_at)
VALUES ($1, $2, 'failed', $3::jsonb, $4)
${KEY} status = 'failed', park_reason = EXCLUDED.park_reason, parked_at = EXCLUDED.parked_at,
  note = NULL, updated_at = now()`;

// FILTER: failed rows carry parked_at too, but only parked rows count as "parked since".
const COUNT_BY_STATUS = `SELECT connection_id, status, count(*) AS count,
  min(parked_at) FILTER (WHERE status = 'parked') AS oldest_parked_at,
  min(updated_at) FILTER (WHERE status = 'pending') AS oldest_pending_since
FROM contact_sync_states
WHERE $1::text IS NULL OR connection_id = $1
GROUP BY connection_id, status
ORDER BY connection_id, status`;

const LIST_PARKED = `SELECT ${COLUMNS} FROM contact_sync_states
WHERE connection_id = $1 AND status IN ('parked', 'failed') AND ($2::text IS NULL OR park_reason->>'kind' = $2)
ORDER BY parked_at, chatwoot_contact_id
LIMIT $3`;

function toSyncState(row: SyncStateRow): SyncState {
  return {
    connectionId: row.connection_id,
    contactId: toId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    status: row.status,
    lastHash: row.last_hash,
    lastSyncedAt: row.last_synced_at,
    parkReason: row.park_reason,
    parkedAt: row.parked_at,
    note: row.note,
    updatedAt: row.updated_at,
  };
}

export function syncStatesRepository(db: Db): Store['syncState'] {
  return {
    async get(connectionId, contactId) {
      const { rows } = await db.query<SyncStateRow>(
        `SELECT ${COLUMNS} FROM contact_sync_states WHERE connection_id = $1 AND chatwoot_contact_id = $2`,
        [connectionId, contactId],
      );
      return rows[0] ? toSyncState(rows[0]) : null;
    },

    async markPending(connectionId, contactId) {
      await db.query(MARK_PENDING, [connectionId, contactId]);
    },

    async markSynced(connectionId, contactId, hash, at) {
      await db.query(MARK_SYNCED, [connectionId, contactId, hash, at]);
    },

    async markSkipped(connectionId, contactId, note) {
      await db.query(MARK_SKIPPED, [connectionId, contactId, redactText(note)]);
    },

    async markParked(connectionId, contactId, reason, at) {
      await db.query(MARK_PARKED, [connectionId, contactId, jsonParam(redactJson(reason)), at]);
    },

    async markFailed(connectionId, contactId, reason, at) {
      await db.query(MARK_FAILED, [connectionId, contactId, jsonParam(redactJson(reason)), at]);
    },

    async clearHash(connectionId, contactId) {
      await db.query(
        `UPDATE contact_sync_states SET last_hash = NULL, updated_at = now()
         WHERE connection_id = $1 AND chatwoot_contact_id = $2`,
        [connectionId, contactId],
      );
    },

    async countByStatus(connectionId) {
      const { rows } = await db.query<{
        connection_id: string;
        status: SyncStatus;
        count: unknown;
        oldest_parked_at: Date | null;
        oldest_pending_since: Date | null;
      }>(COUNT_BY_STATUS, [connectionId ?? null]);
      return rows.map((row): StatusCount => ({
        connectionId: row.connection_id,
        status: row.status,
        count: toId(row.count, 'count'),
        oldestParkedAt: row.oldest_parked_at,
        oldestPendingSince: row.oldest_pending_since,
      }));
    },

    async listParked(connectionId, kind, limit = 100) {
      const { rows } = await db.query<SyncStateRow>(LIST_PARKED, [connectionId, kind ?? null, limit]);
      return rows.map(toSyncState);
    },
  };
}
