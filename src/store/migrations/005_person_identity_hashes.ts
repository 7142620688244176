import type { Migration } from './types';

/**
 * Salted one-way hashes of the emails and phones the sync last wrote to a contact's Krayin person,
 * keyed by that person's id. They let the sync recognise its person after the contact's email changed
 * in Chatwoot, without keeping any email or phone here (src/sync/ownership.ts): before writing through
 * a stored person id, the person must carry one of the contact's identities or one of these.
 */
export const migration005: Migration = {
  version: 5,
  name: 'person_identity_hashes',
  sql: `
CREATE TABLE person_identity_hashes (
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  krayin_person_id    bigint      NOT NULL,
  -- JSON array of hex sha256 strings.
  hashes              jsonb       NOT NULL
    CONSTRAINT person_identity_hashes_array_check CHECK (jsonb_typeof(hashes) = 'array'),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id)
);
`,
};
