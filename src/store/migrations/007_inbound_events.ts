import type { Migration } from './types';

/**
 * The inbound log (INGEST_MODE=log, docs/architecture.md "Ingest"): accepted webhooks, written in
 * group commits and answered 2xx after COMMIT, then handed to Temporal by the forwarder, which deletes
 * each row once its signalWithStart was accepted. Ids and event names only (never bodies or PII).
 *
 * - inbound_events: `seq` is the order of arrival, which the forwarder keeps per contact.
 *   (connection_id, delivery_id) is unique: a delivery appended twice is one row.
 * - inbound_forwarder_lease: one forwarder drains at a time (several ingest replicas share the store);
 *   the holder renews `expires_at`, another replica takes over once it passed (the database's clock).
 */
export const migration007: Migration = {
  version: 7,
  name: 'inbound_events',
  sql: `
CREATE TABLE inbound_events (
  seq                 bigserial   PRIMARY KEY,
  connection_id       text        NOT NULL,
  delivery_id         text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  event               jsonb       NOT NULL,
  accepted_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inbound_events_delivery_key UNIQUE (connection_id, delivery_id)
);

CREATE TABLE inbound_forwarder_lease (
  name       text        PRIMARY KEY,
  holder     text        NOT NULL,
  expires_at timestamptz NOT NULL
);
`,
};
