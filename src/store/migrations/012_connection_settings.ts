import type { Migration } from './types';

/**
 * Connection settings edited in the console (src/settings, docs/configuration.md "Settings edited in the
 * console"). One row per (connection, dotted path): a JSON value, or for a secret only its AES-GCM
 * ciphertext and the id of the key that sealed it (never the clear value). console_connections lists the
 * connections added in the console (the others come from the environment or the config file).
 * settings_version is ONE row bumped in the same transaction as every change: replicas poll it (a cheap
 * primary-key read) and reload the settings only when it moved.
 */
export const migration012: Migration = {
  version: 12,
  name: 'connection_settings',
  sql: `
CREATE TABLE connection_settings (
  connection_id     text        NOT NULL,
  path              text        NOT NULL,
  value             jsonb       NULL,
  secret_ciphertext text        NULL,
  key_id            text        NULL,
  updated_by        text        NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, path),
  CHECK ((secret_ciphertext IS NULL) = (key_id IS NULL)),
  CHECK (secret_ciphertext IS NULL OR value IS NULL)
);
CREATE TABLE console_connections (
  connection_id text        PRIMARY KEY,
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text        NOT NULL
);
CREATE TABLE settings_version (
  id      smallint PRIMARY KEY CHECK (id = 1),
  version bigint   NOT NULL
);
INSERT INTO settings_version (id, version) VALUES (1, 0);
`,
};
