import type { Migration } from './types';

/**
 * State every worker and ingest replica of a connection must share (docs/architecture.md, "Scale-out"):
 *
 * - krayin_budgets: the connection's Krayin request budget. Krayin limits each user to N requests in a
 *   window (60/min by default); `calls` lists the calls that may still count in that window, as JSON
 *   [ticket, countedUntilMs] pairs, and `blocked_until`/`probe` hold the pause after a 429. One row per
 *   connection, read and written under its row lock, so replicas take slots one at a time.
 * - krayin_auth_blocks: present while Krayin refuses the connection's token; `probe_claimed_at` lets
 *   exactly one replica probe per interval.
 * - notification_states: alert dedupe per (connection, cause), with a version for compare-and-set so two
 *   replicas raising the same cause at once deliver one alert.
 * Times in ms since the epoch are the database's clock (one clock for every replica).
 */
export const migration006: Migration = {
  version: 6,
  name: 'shared_connection_state',
  sql: `
CREATE TABLE krayin_budgets (
  connection_id text        PRIMARY KEY,
  calls         jsonb       NOT NULL DEFAULT '[]'
    CONSTRAINT krayin_budgets_calls_check CHECK (jsonb_typeof(calls) = 'array'),
  blocked_until bigint      NOT NULL DEFAULT 0,
  probe         text        NOT NULL DEFAULT 'none'
    CONSTRAINT krayin_budgets_probe_check CHECK (probe IN ('none', 'needed', 'inflight')),
  probe_expires bigint      NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE krayin_auth_blocks (
  connection_id    text        PRIMARY KEY,
  blocked_since    timestamptz NOT NULL DEFAULT now(),
  probe_claimed_at timestamptz
);

CREATE TABLE notification_states (
  connection_id text        NOT NULL,
  cause         text        NOT NULL,
  state         jsonb       NOT NULL,
  version       integer     NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, cause)
);
`,
};
