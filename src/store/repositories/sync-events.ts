/**
 * sync_events: one row per recorded sync step of a contact (its outcome, or a conversation written to
 * Krayin), with the Krayin calls it cost, the webhook-to-Krayin latency and the records it created or
 * updated. The analytics page reads it (repositories/analytics.ts). Ids, counts and times only.
 */
import type { Db } from '../db';
import type { Store } from '../types';

/** audit_log actions (written by the Krayin activities) -> the sync_events column they count into. */
const AUDIT_COUNTS: Record<string, string[]> = {
  persons_created: ['person.created'],
  persons_updated: ['person.updated'],
  leads_created: ['lead.created'],
  leads_updated: ['lead.stage_moved', 'lead.owner_set'],
  activities_created: ['conversation.written'],
  activities_updated: ['conversation.updated'],
};
const COLUMNS = Object.keys(AUDIT_COUNTS);

/** Without a previous row of the contact, only the last day's audit entries and webhooks are looked at. */
const FIRST_ROW_LOOKBACK = "interval '1 day'";

export function syncEventsRepository(db: Db): Store['syncEvents'] {
  const countSql = COLUMNS.map(
    (col) => `count(*) FILTER (WHERE action IN (${AUDIT_COUNTS[col]!.map((a) => `'${a}'`).join(', ')}))::int AS ${col}`,
  ).join(',\n           ');
  const allActions = Object.values(AUDIT_COUNTS)
    .flat()
    .map((a) => `'${a}'`)
    .join(', ');
  // One statement: takes the contact's call tally, counts its audit entries since its previous row and
  // the oldest webhook since then, and inserts the row (a conversation step that did nothing adds none).
  const recordSql = `
    WITH prev AS (
      SELECT occurred_at, audit_upto FROM sync_events
      WHERE connection_id = $1 AND chatwoot_contact_id = $2 ORDER BY id DESC LIMIT 1
    ), since AS (
      SELECT coalesce((SELECT audit_upto FROM prev), 0) AS audit_upto,
             coalesce((SELECT occurred_at FROM prev), now() - ${FIRST_ROW_LOOKBACK}) AS at,
             CASE WHEN EXISTS (SELECT 1 FROM prev) THEN '-infinity'::timestamptz
                  ELSE now() - ${FIRST_ROW_LOOKBACK} END AS audit_at
    ), tally AS (
      DELETE FROM krayin_call_tallies WHERE connection_id = $1 AND chatwoot_contact_id = $2 RETURNING calls
    ), counts AS (
      SELECT ${countSql},
             count(*) FILTER (WHERE action IN (${allActions}))::int AS total,
             max(a.id) AS upto
      FROM audit_log a, since
      WHERE a.connection_id = $1 AND a.chatwoot_contact_id = $2 AND a.id > since.audit_upto AND a.at >= since.audit_at
    ), first_webhook AS (
      SELECT min(received_at) AS at FROM webhook_deliveries d, since
      WHERE d.connection_id = $1 AND d.chatwoot_contact_id = $2 AND d.received_at > since.at
    ), messages AS (
      -- Per-message Krayin activities (optional per-message sync) write no audit entry: their links count.
      SELECT count(*)::int AS n FROM message_links m, since
      WHERE m.connection_id = $1 AND m.created_at > since.at
        AND m.chatwoot_conversation_id IN (
          SELECT chatwoot_conversation_id FROM conversation_links WHERE connection_id = $1 AND chatwoot_contact_id = $2)
    ), calls AS (
      SELECT coalesce(sum(calls), 0)::int AS n FROM tally
    )
    INSERT INTO sync_events (connection_id, chatwoot_contact_id, kind, reason_kind, krayin_calls, latency_ms,
                             ${COLUMNS.join(', ')}, audit_upto)
    SELECT $1, $2, $3, $4, calls.n,
           CASE WHEN $5::boolean AND first_webhook.at IS NOT NULL
                THEN greatest(0, round(extract(epoch FROM (now() - first_webhook.at)) * 1000))::int END,
           ${COLUMNS.map((c) => (c === 'activities_created' ? `counts.${c} + messages.n` : `counts.${c}`)).join(', ')},
           coalesce(counts.upto, since.audit_upto)
    FROM since, counts, first_webhook, calls, messages
    WHERE $3 <> 'conversation' OR calls.n > 0 OR counts.total > 0 OR messages.n > 0`;

  return {
    async record({ connectionId, contactId, kind, reasonKind = null }) {
      const measureLatency = kind === 'synced' || kind === 'conversation';
      await db.query(recordSql, [connectionId, contactId, kind, reasonKind, measureLatency]);
    },

    async addKrayinCalls(connectionId, contactId, calls) {
      if (calls <= 0) return;
      await db.query(
        `INSERT INTO krayin_call_tallies (connection_id, chatwoot_contact_id, calls) VALUES ($1, $2, $3)
         ON CONFLICT (connection_id, chatwoot_contact_id)
         DO UPDATE SET calls = krayin_call_tallies.calls + EXCLUDED.calls, updated_at = now()`,
        [connectionId, contactId, calls],
      );
    },

    async prune(before) {
      const events = await db.query('DELETE FROM sync_events WHERE occurred_at < $1', [before]);
      // A tally no row took (the contact never recorded an outcome since) is as old as its last update.
      const tallies = await db.query('DELETE FROM krayin_call_tallies WHERE updated_at < $1', [before]);
      return events.rowCount + tallies.rowCount;
    },
  };
}
