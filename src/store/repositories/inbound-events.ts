/**
 * inbound_events: the inbound log of INGEST_MODE=log (migration 007). Ingest appends accepted webhooks in
 * group commits; the forwarder reads the oldest, hands them to Temporal and removes them.
 */
import type { Db } from '../db';
import type { Store } from '../types';
import { eventColumn, fromStoredEventRow, type StoredEventRow } from './stored-events';

// One statement for a whole batch: one round trip and one commit (one WAL flush on Postgres) however
// many webhooks arrived together. WITH ORDINALITY + ORDER BY keeps `seq` in the order of the batch.
const APPEND = `INSERT INTO inbound_events (connection_id, delivery_id, chatwoot_contact_id, event)
SELECT c, d, k, e::jsonb
FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS t(c, d, k, e, n)
ORDER BY n
ON CONFLICT (connection_id, delivery_id) DO NOTHING`;

const OLDEST = `SELECT seq, connection_id, delivery_id, chatwoot_contact_id, event FROM inbound_events
WHERE connection_id = ANY($1::text[]) ORDER BY seq LIMIT $2`;

// Take the lease when it is free, expired or already ours; the database's clock decides for every replica.
const LEASE = `INSERT INTO inbound_forwarder_lease (name, holder, expires_at)
VALUES ($1, $2, now() + ($3::bigint * interval '1 millisecond'))
ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
WHERE inbound_forwarder_lease.holder = EXCLUDED.holder OR inbound_forwarder_lease.expires_at < now()
RETURNING holder`;

export function inboundEventsRepository(db: Db): Store['inbound'] {
  return {
    async append(events) {
      if (events.length === 0) return;
      await db.query(APPEND, [
        events.map((e) => e.connectionId),
        events.map((e) => e.deliveryId),
        events.map((e) => e.contactId),
        events.map((e) => JSON.stringify(eventColumn(e))),
      ]);
    },

    async oldest(connectionIds, limit) {
      if (connectionIds.length === 0) return [];
      const { rows } = await db.query<StoredEventRow>(OLDEST, [connectionIds, limit]);
      return rows.map(fromStoredEventRow);
    },

    async remove(seqs) {
      if (seqs.length === 0) return 0;
      const { rowCount } = await db.query('DELETE FROM inbound_events WHERE seq = ANY($1::bigint[])', [seqs]);
      return rowCount;
    },

    async count() {
      const { rows } = await db.query<{ n: unknown }>('SELECT count(*) AS n FROM inbound_events');
      return Number(rows[0]?.n ?? 0);
    },

    async claimLease(name, holder, ttlMs) {
      const { rows } = await db.query(LEASE, [name, holder, Math.round(ttlMs)]);
      return rows.length === 1;
    },

    async releaseLease(name, holder) {
      await db.query('DELETE FROM inbound_forwarder_lease WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
}
