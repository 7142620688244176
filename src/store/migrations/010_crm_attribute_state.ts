import type { Migration } from './types';

/**
 * CRM facts in Chatwoot (docs/two-way-sync.md, "CRM facts in Chatwoot"): per contact, what the sync last wrote of its
 * Krayin lead onto the Chatwoot contact. Compared before writing (only changes are written), read by
 * the stage/owner note (the last stage and owner written) and by the forward path to recognise the
 * contact_updated echo of these writes. Values are kept as one-way hashes only (owner names are
 * personal data); labels are our own `crm-` labels (configuration, not personal data).
 */
export const migration010: Migration = {
  version: 10,
  name: 'crm_attribute_state',
  sql: `
CREATE TABLE crm_attribute_state (
  connection_id       text        NOT NULL,
  chatwoot_contact_id bigint      NOT NULL,
  krayin_lead_id      bigint      NOT NULL,
  -- Hash over attribute_hashes: equal means the contact already shows the lead as it is.
  attributes_hash     text        NOT NULL,
  -- {"crm_lead_stage": "<hex sha256 of the canonical JSON value>", ...}; keys absent = not on the contact.
  attribute_hashes    jsonb       NOT NULL
    CONSTRAINT crm_attribute_state_hashes_check CHECK (jsonb_typeof(attribute_hashes) = 'object'),
  -- The crm- labels last set on the contact (JSON array of strings).
  labels              jsonb       NOT NULL DEFAULT '[]'::jsonb
    CONSTRAINT crm_attribute_state_labels_check CHECK (jsonb_typeof(labels) = 'array'),
  -- The lead's stage and owner as last written (the note of a change compares against them).
  stage_id            bigint,
  owner_id            bigint,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, chatwoot_contact_id)
);
`,
};
