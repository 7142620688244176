import type { Migration } from './types';

/**
 * The core of the store: identity links, per-contact sync state, webhook dedupe and the audit log.
 * Ids are bigint (Krayin uses unsigned int ids, which overflow int4); every row is keyed by connection.
 */
export const migration001: Migration = {
  version: 1,
  name: 'contact_links_sync_state_deliveries_audit',
  sql: `
CREATE TABLE contact_links (
  connection_id          text        NOT NULL,
  chatwoot_contact_id    bigint      NOT NULL,
  krayin_person_id       bigint,
  krayin_organization_id bigint,
  krayin_lead_id         bigint,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id)
);
-- Krayin -> Chatwoot write-back starts from a Krayin person or lead id.
CREATE INDEX contact_links_person_idx ON contact_links (connection_id, krayin_person_id)
  WHERE krayin_person_id IS NOT NULL;
CREATE INDEX contact_links_lead_idx ON contact_links (connection_id, krayin_lead_id)
  WHERE krayin_lead_id IS NOT NULL;

CREATE TABLE organization_links (
  connection_id          text        NOT NULL,
  -- Normalised company name (src/mapping); an opaque key to the store.
  name_key               text        NOT NULL,
  krayin_organization_id bigint      NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, name_key)
);

CREATE TABLE contact_sync_states (
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  status              text        NOT NULL
    CONSTRAINT contact_sync_states_status_check
    CHECK (status IN ('pending', 'synced', 'parked', 'failed', 'skipped')),
  last_hash           text,
  last_synced_at      timestamptz,
  -- ParkReason JSON for parked and failed rows.
  park_reason         jsonb
    CONSTRAINT contact_sync_states_park_reason_object_check
    CHECK (park_reason IS NULL OR jsonb_typeof(park_reason) = 'object'),
  parked_at           timestamptz,
  note                text,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id),
  CONSTRAINT contact_sync_states_reason_when_stopped_check
    CHECK (status NOT IN ('parked', 'failed') OR (park_reason IS NOT NULL AND parked_at IS NOT NULL))
);
CREATE INDEX contact_sync_states_status_idx ON contact_sync_states (connection_id, status);
-- listParked (oldest first) and oldestParkedAt.
CREATE INDEX contact_sync_states_parked_idx ON contact_sync_states (connection_id, parked_at)
  WHERE status = 'parked';

CREATE TABLE webhook_deliveries (
  connection_id       text        NOT NULL,
  -- X-Chatwoot-Delivery header value.
  delivery_id         text        NOT NULL,
  event               text        NOT NULL,
  chatwoot_contact_id bigint,
  received_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, delivery_id)
);
CREATE INDEX webhook_deliveries_received_at_idx ON webhook_deliveries (received_at);

CREATE TABLE audit_log (
  id                  bigserial   PRIMARY KEY,
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint,
  action              text        NOT NULL,
  detail              jsonb,
  at                  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_contact_idx ON audit_log (connection_id, chatwoot_contact_id, id DESC);
`,
};
