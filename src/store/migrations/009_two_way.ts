import type { Migration } from './types';

/**
 * Two-way sync (docs/two-way-sync.md). Per contact and compared field: the hash of the value both
 * sides last agreed on (`base_hash`), of what we last wrote to each side and when, and of the last
 * Krayin value the poll handed over (so a value that could not be applied is not handed over on every
 * poll). And the conflicts a field's owner decided: both sides' hashes, their change times and the
 * winner. Salted hashes only, never the values (src/store/README.md, "No PII"). The poll's watermarks
 * are sync_cursors rows (`krayin-poll:persons`, `krayin-poll:leads`).
 */
export const migration009: Migration = {
  version: 9,
  name: 'two_way',
  sql: `
CREATE TABLE two_way_fields (
  connection_id text NOT NULL,
  chatwoot_contact_id bigint NOT NULL,
  field text NOT NULL,
  base_hash text,
  chatwoot_written_hash text,
  chatwoot_written_at timestamptz,
  krayin_written_hash text,
  krayin_written_at timestamptz,
  krayin_seen_hash text,
  krayin_seen_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id, field)
);

CREATE TABLE two_way_conflicts (
  id bigserial PRIMARY KEY,
  connection_id text NOT NULL,
  chatwoot_contact_id bigint NOT NULL,
  field text NOT NULL,
  chatwoot_hash text NOT NULL,
  krayin_hash text NOT NULL,
  chatwoot_changed_at timestamptz,
  krayin_changed_at timestamptz,
  owner text NOT NULL,
  winner text NOT NULL CHECK (winner IN ('chatwoot', 'krayin')),
  decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX two_way_conflicts_contact ON two_way_conflicts (connection_id, chatwoot_contact_id, id DESC);
CREATE INDEX two_way_conflicts_connection ON two_way_conflicts (connection_id, id DESC);
`,
};
