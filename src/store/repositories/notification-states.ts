/**
 * notification_states: the notifier's dedupe state per (connection, cause), versioned. compareAndSet is
 * one statement: an INSERT that only succeeds when no row exists, or an UPDATE that only matches the
 * version the caller read, so of two replicas deciding from the same version exactly one wins.
 */
import type { Db } from '../db';
import type { Store } from '../types';

export function notificationStatesRepository(db: Db): Store['notificationStates'] {
  return {
    async get(connectionId, cause) {
      const { rows } = await db.query<{ state: unknown; version: number }>(
        'SELECT state, version FROM notification_states WHERE connection_id = $1 AND cause = $2',
        [connectionId, cause],
      );
      const row = rows[0];
      return row ? { value: row.state as never, version: row.version } : null;
    },

    async compareAndSet(connectionId, cause, expectedVersion, value) {
      const json = JSON.stringify(value);
      if (expectedVersion === null) {
        const { rowCount } = await db.query(
          `INSERT INTO notification_states (connection_id, cause, state, version) VALUES ($1, $2, $3::jsonb, 1)
           ON CONFLICT (connection_id, cause) DO NOTHING RETURNING version`,
          [connectionId, cause, json],
        );
        return rowCount === 1;
      }
      const { rowCount } = await db.query(
        `UPDATE notification_states SET state = $3::jsonb, version = version + 1, updated_at = now()
         WHERE connection_id = $1 AND cause = $2 AND version = $4 RETURNING version`,
        [connectionId, cause, json, expectedVersion],
      );
      return rowCount === 1;
    },
  };
}
