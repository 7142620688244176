/** krayin_activity_notes: the hash of what the last note showed of a Krayin activity, per contact. */
import type { Db } from '../db';
import type { Store } from '../types';

export function activityNotesRepository(db: Db): Store['activityNotes'] {
  return {
    async get(connectionId, contactId, activityId) {
      const { rows } = await db.query<{ note_hash: string }>(
        `SELECT note_hash FROM krayin_activity_notes
         WHERE connection_id = $1 AND chatwoot_contact_id = $2 AND krayin_activity_id = $3`,
        [connectionId, contactId, activityId],
      );
      return rows[0]?.note_hash ?? null;
    },

    async set(connectionId, contactId, activityId, noteHash) {
      await db.query(
        `INSERT INTO krayin_activity_notes (connection_id, chatwoot_contact_id, krayin_activity_id, note_hash)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, chatwoot_contact_id, krayin_activity_id) DO UPDATE
         SET note_hash = EXCLUDED.note_hash, noted_at = now()`,
        [connectionId, contactId, activityId, noteHash],
      );
    },
  };
}
