/** held_events: webhooks of a disabled connection, kept for `catch-up` (ids and event names only). */
import type { Db } from '../db';
import type { HeldEvent, Store } from '../types';
import { jsonParam, toId } from './row-values';

const HOLD = `INSERT INTO held_events (connection_id, delivery_id, chatwoot_contact_id, event)
VALUES ($1, $2, $3, $4::jsonb)
ON CONFLICT (connection_id, delivery_id) DO NOTHING
RETURNING 1 AS inserted`;

const COUNT = `SELECT count(*) AS events, count(DISTINCT chatwoot_contact_id) AS contacts
FROM held_events WHERE connection_id = $1`;

const OLDEST = `SELECT seq, connection_id, delivery_id, chatwoot_contact_id, event FROM held_events
WHERE connection_id = $1 ORDER BY seq LIMIT $2`;

interface Row {
  seq: unknown;
  connection_id: string;
  delivery_id: string;
  chatwoot_contact_id: unknown;
  event: { event?: unknown; receivedAt?: unknown; conversationId?: unknown; messageId?: unknown };
}

function toHeldEvent(row: Row): HeldEvent {
  const e = row.event;
  return {
    seq: toId(row.seq, 'seq'),
    connectionId: row.connection_id,
    deliveryId: row.delivery_id,
    contactId: toId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    event: String(e.event),
    receivedAt: String(e.receivedAt),
    ...(typeof e.conversationId === 'number' ? { conversationId: e.conversationId } : {}),
    ...(typeof e.messageId === 'number' ? { messageId: e.messageId } : {}),
  };
}

export function heldEventsRepository(db: Db): Store['heldEvents'] {
  return {
    async hold(e) {
      const event = {
        event: e.event,
        receivedAt: e.receivedAt,
        ...(e.conversationId === undefined ? {} : { conversationId: e.conversationId }),
        ...(e.messageId === undefined ? {} : { messageId: e.messageId }),
      };
      const { rows } = await db.query(HOLD, [e.connectionId, e.deliveryId, e.contactId, jsonParam(event)]);
      return rows.length === 1;
    },

    async count(connectionId) {
      const { rows } = await db.query<{ events: unknown; contacts: unknown }>(COUNT, [connectionId]);
      return { events: Number(rows[0]?.events ?? 0), contacts: Number(rows[0]?.contacts ?? 0) };
    },

    async oldest(connectionId, limit) {
      const { rows } = await db.query<Row>(OLDEST, [connectionId, limit]);
      return rows.map(toHeldEvent);
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
