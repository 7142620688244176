/** person_identity_hashes: hashes of the identities last written to a contact's Krayin person. */
import type { Db } from '../db';
import type { Store } from '../types';
import { toId } from './row-values';

interface Row {
  krayin_person_id: unknown;
  hashes: unknown;
}

export function writtenIdentitiesRepository(db: Db): Store['writtenIdentities'] {
  return {
    async get(connectionId, contactId) {
      const { rows } = await db.query<Row>(
        `SELECT krayin_person_id, hashes FROM person_identity_hashes
         WHERE connection_id = $1 AND chatwoot_contact_id = $2`,
        [connectionId, contactId],
      );
      const row = rows[0];
      if (!row) return null;
      const hashes = Array.isArray(row.hashes) ? row.hashes.filter((h): h is string => typeof h === 'string') : [];
      return { personId: toId(row.krayin_person_id, 'krayin_person_id'), hashes };
    },

    async set(connectionId, contactId, personId, hashes) {
      await db.query(
        `INSERT INTO person_identity_hashes (connection_id, chatwoot_contact_id, krayin_person_id, hashes)
         VALUES ($1, $2, $3, $4::jsonb)
         ON CONFLICT (connection_id, chatwoot_contact_id) DO UPDATE
         SET krayin_person_id = EXCLUDED.krayin_person_id, hashes = EXCLUDED.hashes, updated_at = now()`,
        [connectionId, contactId, personId, JSON.stringify(hashes)],
      );
    },
  };
}
