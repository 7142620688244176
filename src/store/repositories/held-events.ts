/** held_events: webhooks of a disabled connection, kept for `catch-up` (ids and event names only). */
import type { Db } from '../db';
import type { Store } from '../types';
import { jsonParam } from './row-values';
import { eventColumn, fromStoredEventRow, type StoredEventRow } from './stored-events';

const HOLD = `INSERT INTO held_events (connection_id, delivery_id, chatwoot_contact_id, event)
VALUES ($1, $2, $3, $4::jsonb)
ON CONFLICT (connection_id, delivery_id) DO NOTHING
RETURNING 1 AS inserted`;

const COUNT = `SELECT count(*) AS events, count(DISTINCT chatwoot_contact_id) AS contacts
FROM held_events WHERE connection_id = $1`;

const OLDEST = `SELECT seq, connection_id, delivery_id, chatwoot_contact_id, event FROM held_events
WHERE connection_id = $1 ORDER BY seq LIMIT $2`;

export function heldEventsRepository(db: Db): Store['heldEvents'] {
  return {
    async hold(e) {
      const { rows } = await db.query(HOLD, [e.connectionId, e.deliveryId, e.contactId, jsonParam(eventColumn(e))]);
      return rows.length === 1;
    },

    async count(connectionId) {
      const { rows } = await db.query<{ events: unknown; contacts: unknown }>(COUNT, [connectionId]);
      return { events: Number(rows[0]?.events ?? 0), contacts: Number(rows[0]?.contacts ?? 0) };
    },

    async oldest(connectionId, limit) {
      const { rows } = await db.query<StoredEventRow>(OLDEST, [connectionId, limit]);
      return rows.map(fromStoredEventRow);
    },

    async remove(connectionId, seqs) {
      if (seqs.length === 0) return 0;
      const { rowCount } = await db.query(
        'DELETE FROM held_events WHERE connection_id = $1 AND seq = ANY($2::bigint[])',
        [connectionId, seqs],
      );
      return rowCount;
    },

    async discardAll(connectionId) {
      const { rowCount } = await db.query('DELETE FROM held_events WHERE connection_id = $1', [connectionId]);
      return rowCount;
    },
  };
}
