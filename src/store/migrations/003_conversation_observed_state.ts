import type { Migration } from './types';

/**
 * What the conversation looked like when we last synced it (status, labels, assignee, first reply,
 * priority: no message text, no contact data), so stage rules fire on real changes whatever order
 * Chatwoot's webhooks arrive in; and the newest message already written as an activity.
 */
export const migration003: Migration = {
  version: 3,
  name: 'conversation_observed_state',
  sql: `
ALTER TABLE conversation_links ADD COLUMN observed_state jsonb;
ALTER TABLE conversation_links ADD COLUMN last_message_id bigint;
CREATE INDEX conversation_links_by_contact ON conversation_links (connection_id, chatwoot_contact_id);
`,
};
