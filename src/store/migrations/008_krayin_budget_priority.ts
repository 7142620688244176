import type { Migration } from './types';

/**
 * Live calls before background ones (src/krayin/budget-rules.ts, CallPriority): while a live caller
 * waits for a Krayin slot, `live_waiting_until` (ms since the epoch, the database's clock) tells every
 * replica's background callers (a backfill) to hold back, so a backfill never makes a webhook wait.
 */
export const migration008: Migration = {
  version: 8,
  name: 'krayin_budget_priority',
  sql: `
ALTER TABLE krayin_budgets ADD COLUMN live_waiting_until bigint NOT NULL DEFAULT 0;
`,
};
