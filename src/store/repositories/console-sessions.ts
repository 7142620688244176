/** console_sessions: the console's sign-in sessions, by the sha256 of their cookie value. */
import type { Db } from '../db';
import type { Store } from '../types';

interface Row {
  id_hash: string;
  csrf_token: string;
  expires_at: Date;
  absolute_expires_at: Date;
}

export function consoleSessionsRepository(db: Db): Store['consoleSessions'] {
  return {
    async create(s) {
      await db.query(
        `INSERT INTO console_sessions (id_hash, csrf_token, expires_at, absolute_expires_at) VALUES ($1, $2, $3, $4)`,
        [s.idHash, s.csrfToken, s.expiresAt, s.absoluteExpiresAt],
      );
    },

    async get(idHash, now) {
      const { rows } = await db.query<Row>(
        `SELECT id_hash, csrf_token, expires_at, absolute_expires_at FROM console_sessions
         WHERE id_hash = $1 AND expires_at > $2`,
        [idHash, now],
      );
      const row = rows[0];
      return row
        ? {
            idHash: row.id_hash,
            csrfToken: row.csrf_token,
            expiresAt: row.expires_at,
            absoluteExpiresAt: row.absolute_expires_at,
          }
        : null;
    },

    async extend(idHash, expiresAt) {
      await db.query(
        `UPDATE console_sessions SET expires_at = LEAST($2::timestamptz, absolute_expires_at) WHERE id_hash = $1`,
        [idHash, expiresAt],
      );
    },

    async remove(idHash) {
      await db.query('DELETE FROM console_sessions WHERE id_hash = $1', [idHash]);
    },

    async prune(now) {
      const { rowCount } = await db.query('DELETE FROM console_sessions WHERE expires_at <= $1', [now]);
      return rowCount ?? 0;
    },
  };
}
