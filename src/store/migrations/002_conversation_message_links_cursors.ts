import type { Migration } from './types';

/**
 * Tables for the conversation/message sync and reconciliation, created ahead of the features that fill
 * them so those issues only add columns if they need to.
 */
export const migration002: Migration = {
  version: 2,
  name: 'conversation_message_links_cursors',
  sql: `
CREATE TABLE conversation_links (
  connection_id            text        NOT NULL,
  -- The display id Chatwoot uses in payloads and in its API.
  chatwoot_conversation_id bigint      NOT NULL,
  chatwoot_contact_id      bigint,
  krayin_activity_id       bigint,
  krayin_lead_id           bigint,
  krayin_person_id         bigint,
  -- Hash of the activity content last written (skip no-op updates).
  last_hash                text,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_conversation_id)
);

CREATE TABLE message_links (
  connection_id            text        NOT NULL,
  chatwoot_message_id      bigint      NOT NULL,
  chatwoot_conversation_id bigint      NOT NULL,
  krayin_activity_id       bigint      NOT NULL,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_message_id)
);

-- Checkpoints of long-running scans (reconcile, krayin-pull, backfill), e.g. {"updatedSince": "..."}.
CREATE TABLE sync_cursors (
  connection_id text        NOT NULL,
  name          text        NOT NULL,
  value         jsonb       NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, name)
);
`,
};
