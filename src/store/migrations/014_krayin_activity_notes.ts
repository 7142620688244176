import type { Migration } from './types';

/**
 * Krayin activities as notes (CRM_ACTIVITY_NOTES, docs/two-way-sync.md): per contact and Krayin activity,
 * a salted hash of what the last private note showed of it (src/two-way/activity-notes.ts). A re-poll of
 * the same activity finds the hash and writes nothing; an edit of what the note shows writes one
 * "updated" note. Hashes only: titles and user names are personal data.
 * (The shared numbering plan reserves 016 for this table: renumber when 014/015 land first.)
 */
export const migration014: Migration = {
  version: 14,
  name: 'krayin_activity_notes',
  sql: `
CREATE TABLE krayin_activity_notes (
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  krayin_activity_id  bigint      NOT NULL,
  note_hash           text        NOT NULL,
  noted_at            timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id, krayin_activity_id)
);
`,
};
