/** sync_cursors: named JSON checkpoints so a restarted scan resumes where it stopped. */
import type { Db } from '../db';
import type { Cursor, JsonValue, Store } from '../types';

interface CursorRow {
  connection_id: string;
  name: string;
  value: JsonValue;
  updated_at: Date;
}

export function cursorsRepository(db: Db): Store['cursors'] {
  return {
    async get(connectionId, name) {
      const { rows } = await db.query<CursorRow>(
        'SELECT connection_id, name, value, updated_at FROM sync_cursors WHERE connection_id = $1 AND name = $2',
        [connectionId, name],
      );
      const row = rows[0];
      if (!row) return null;
      const cursor: Cursor = {
        connectionId: row.connection_id,
        name: row.name,
        value: row.value,
        updatedAt: row.updated_at,
      };
      return cursor;
    },

    async set(connectionId, name, value) {
      // JSON text, not the raw value: a JS null would otherwise become SQL NULL instead of JSON null.
      await db.query(
        `INSERT INTO sync_cursors (connection_id, name, value) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (connection_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [connectionId, name, JSON.stringify(value)],
      );
    },
  };
}
