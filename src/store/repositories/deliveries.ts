/** webhook_deliveries: dedupe of X-Chatwoot-Delivery ids (Chatwoot fans out duplicates). */
import type { Db } from '../db';
import type { Store } from '../types';

// ON CONFLICT DO NOTHING RETURNING is the race-free "first one wins": of N concurrent inserts of one id,
// exactly one gets a row back, with no read-then-write window.
const RECORD = `INSERT INTO webhook_deliveries (connection_id, delivery_id, event, chatwoot_contact_id, received_at)
VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, now()))
ON CONFLICT (connection_id, delivery_id) DO NOTHING
RETURNING 1 AS inserted`;

export function deliveriesRepository(db: Db): Store['deliveries'] {
  return {
    async record(connectionId, deliveryId, event, contactId, receivedAt) {
      const { rows } = await db.query(RECORD, [connectionId, deliveryId, event, contactId, receivedAt ?? null]);
      return rows.length === 1;
    },

    async prune(before) {
      const { rowCount } = await db.query('DELETE FROM webhook_deliveries WHERE received_at < $1', [before]);
      return rowCount;
    },
  };
}
