import type { Migration } from './types';

/**
 * Console sessions (docs/console.md): signing in with the admin token opens one. The cookie value is
 * never stored, only its sha256, so a copy of the database opens no session. Kept in the store so every
 * replica serving the console knows every session, and sign-out ends it everywhere.
 */
export const migration011: Migration = {
  version: 11,
  name: 'console_sessions',
  sql: `
CREATE TABLE console_sessions (
  id_hash             text        PRIMARY KEY,
  csrf_token          text        NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  -- Sliding: moved forward on use, never past absolute_expires_at.
  expires_at          timestamptz NOT NULL,
  absolute_expires_at timestamptz NOT NULL
);
CREATE INDEX console_sessions_expires_idx ON console_sessions (expires_at);
`,
};
