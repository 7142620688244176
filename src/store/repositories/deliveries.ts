/** webhook_deliveries: dedupe of X-Chatwoot-Delivery ids (Chatwoot fans out duplicates). */
import type { Db } from '../db';
import type { Store } from '../types';

// ON CONFLICT DO NOTHING RETURNING is the race-free "first one wins": of N concurrent inserts of one id,
// exactly one gets a row back, with no read-then-write window.
const RECORD = `INSERT INTO webhook_deliveries (connection_id, delivery_id, event, chatwoot_contact_id, received_at)
VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()))
ON CONFLICT (connection_id, delivery_id) DO NOTHING
RETURNING 1 AS inserted`;

const RECORD_MANY = `INSERT INTO webhook_deliveries (connection_id, delivery_id, event, chatwoot_contact_id)
SELECT c, d, e, k FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) AS t(c, d, e, k)
ON CONFLICT (connection_id, delivery_id) DO NOTHING
RETURNING connection_id, delivery_id`;

export function deliveriesRepository(db: Db): Store['deliveries'] {
  return {
    async record(connectionId, deliveryId, event, contactId, receivedAt) {
      const { rows } = await db.query(RECORD, [connectionId, deliveryId, event, contactId, receivedAt ?? null]);
      return rows.length === 1;
    },

    async recordMany(deliveries) {
      if (deliveries.length === 0) return [];
      const { rows } = await db.query<{ connection_id: string; delivery_id: string }>(RECORD_MANY, [
        deliveries.map((d) => d.connectionId),
        deliveries.map((d) => d.deliveryId),
        deliveries.map((d) => d.event),
        deliveries.map((d) => d.contactId),
      ]);
      // Inserted keys; each is "new" for its first occurrence in the input only.
      const fresh = new Set(rows.map((r) => `${r.connection_id}\u0000${r.delivery_id}`));
      return deliveries.map((d) => fresh.delete(`${d.connectionId}\u0000${d.deliveryId}`));
    },

    async prune(before) {
      const { rowCount } = await db.query('DELETE FROM webhook_deliveries WHERE received_at < $1', [before]);
      return rowCount;
    },
  };
}
