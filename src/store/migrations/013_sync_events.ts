import type { Migration } from './types';

/**
 * Analytics (docs/console.md, "Analytics"): one row per recorded sync step of a contact: its outcome
 * (synced, skipped, parked, failed, gone) or a conversation written to Krayin. The console's figures are
 * read from here, so they survive restarts and are the same on every replica. Ids, counts and times
 * only. Rows older than ANALYTICS_RETENTION_DAYS are pruned.
 *
 * krayin_call_tallies: Krayin calls made by a contact's Krayin steps and not yet counted in a row (the
 * next row of that contact takes them).
 */
export const migration013: Migration = {
  version: 13,
  name: 'sync_events',
  sql: `
CREATE TABLE sync_events (
  id                  bigserial   PRIMARY KEY,
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  occurred_at         timestamptz NOT NULL DEFAULT now(),
  kind                text        NOT NULL
    CONSTRAINT sync_events_kind_check
    CHECK (kind IN ('synced', 'skipped', 'parked', 'failed', 'gone', 'conversation')),
  -- ParkReason.kind for parked and failed rows.
  reason_kind         text,
  krayin_calls        integer     NOT NULL DEFAULT 0,
  -- Oldest webhook of the contact received since its previous row -> this row (Krayin write done).
  latency_ms          integer,
  persons_created     integer     NOT NULL DEFAULT 0,
  persons_updated     integer     NOT NULL DEFAULT 0,
  leads_created       integer     NOT NULL DEFAULT 0,
  leads_updated       integer     NOT NULL DEFAULT 0,
  activities_created  integer     NOT NULL DEFAULT 0,
  activities_updated  integer     NOT NULL DEFAULT 0,
  -- Highest audit_log id of the contact counted into this row (the next row counts from there).
  audit_upto          bigint      NOT NULL DEFAULT 0
);
CREATE INDEX sync_events_connection_time_idx ON sync_events (connection_id, occurred_at);
CREATE INDEX sync_events_contact_idx ON sync_events (connection_id, chatwoot_contact_id, id DESC);
CREATE INDEX sync_events_time_idx ON sync_events (occurred_at);

-- Per-message Krayin activities are counted from message_links (no audit entry of their own).
CREATE INDEX message_links_conversation_idx ON message_links (connection_id, chatwoot_conversation_id, created_at);

CREATE TABLE krayin_call_tallies (
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  calls               integer     NOT NULL,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id)
);
`,
};
