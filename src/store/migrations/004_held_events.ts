import type { Migration } from './types';

/**
 * Webhooks that arrived while their connection was disabled, held so `catch-up` can deliver them once
 * it is enabled again. PII-free like the workflow signal they become: ids and event names only.
 * One row per delivery id (a redelivery is held once).
 */
export const migration004: Migration = {
  version: 4,
  name: 'held_events',
  sql: `
CREATE TABLE held_events (
  seq bigserial PRIMARY KEY,
  connection_id text NOT NULL,
  delivery_id text NOT NULL,
  chatwoot_contact_id bigint NOT NULL,
  event jsonb NOT NULL,
  held_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, delivery_id)
);
CREATE INDEX held_events_by_connection ON held_events (connection_id, seq);
`,
};
