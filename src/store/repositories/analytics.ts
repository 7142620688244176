/**
 * The analytics page's figures (docs/console.md, "Analytics"), read from sync_events for one connection
 * and a period [from, to) of whole days in the viewer's time zone. Days without rows are filled in by
 * the caller's list of days (src/analytics/period.ts); everything here is one SQL pass per figure.
 */
import type { Db } from '../db';
import type { AnalyticsDay, AnalyticsPeriod, AnalyticsSummary, Store } from '../types';

/** The period's bounds as timestamptz, from local dates in the time zone ($2 from, $3 to, $4 zone). */
const IN_PERIOD = `connection_id = $1
  AND occurred_at >= ($2::date)::timestamp AT TIME ZONE $4
  AND occurred_at < ($3::date)::timestamp AT TIME ZONE $4`;

const params = (p: AnalyticsPeriod) => [p.connectionId, p.from, p.to, p.timeZone];

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const maybe = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function analyticsRepository(db: Db): Store['analytics'] {
  return {
    async daily(p) {
      const { rows } = await db.query<Record<string, unknown>>(
        `SELECT to_char(occurred_at AT TIME ZONE $4, 'YYYY-MM-DD') AS day,
                count(*) FILTER (WHERE kind = 'synced')::int AS synced,
                count(*) FILTER (WHERE kind = 'skipped')::int AS skipped,
                count(*) FILTER (WHERE kind = 'parked')::int AS parked,
                count(*) FILTER (WHERE kind = 'failed')::int AS failed,
                count(*) FILTER (WHERE kind = 'gone')::int AS gone,
                count(*) FILTER (WHERE kind = 'conversation')::int AS conversations,
                sum(persons_created)::int AS persons_created, sum(persons_updated)::int AS persons_updated,
                sum(leads_created)::int AS leads_created, sum(leads_updated)::int AS leads_updated,
                sum(activities_created)::int AS activities_created,
                sum(activities_updated)::int AS activities_updated,
                sum(krayin_calls)::int AS krayin_calls
         FROM sync_events WHERE ${IN_PERIOD}
         GROUP BY 1 ORDER BY 1`,
        params(p),
      );
      return rows.map((r): AnalyticsDay => ({
        day: String(r.day),
        synced: num(r.synced),
        skipped: num(r.skipped),
        parked: num(r.parked),
        failed: num(r.failed),
        gone: num(r.gone),
        conversations: num(r.conversations),
        personsCreated: num(r.persons_created),
        personsUpdated: num(r.persons_updated),
        leadsCreated: num(r.leads_created),
        leadsUpdated: num(r.leads_updated),
        activitiesCreated: num(r.activities_created),
        activitiesUpdated: num(r.activities_updated),
        krayinCalls: num(r.krayin_calls),
      }));
    },

    async reasons(p) {
      const { rows } = await db.query<{ kind: string; reason_kind: string | null; count: unknown }>(
        `SELECT kind, reason_kind, count(*)::int AS count FROM sync_events
         WHERE ${IN_PERIOD} AND kind IN ('parked', 'failed')
         GROUP BY kind, reason_kind ORDER BY count DESC, kind, reason_kind`,
        params(p),
      );
      return rows.map((r) => ({
        status: r.kind as 'parked' | 'failed',
        reasonKind: r.reason_kind ?? 'unknown',
        count: num(r.count),
      }));
    },

    async summary(p) {
      const { rows } = await db.query<Record<string, unknown>>(
        `WITH e AS (SELECT * FROM sync_events WHERE ${IN_PERIOD}),
         minutes AS (SELECT date_trunc('minute', occurred_at) AS m, sum(krayin_calls) AS calls FROM e GROUP BY 1)
         SELECT count(*) FILTER (WHERE kind <> 'conversation')::int AS outcomes,
                count(*)::int AS steps,
                count(*) FILTER (WHERE kind = 'parked')::int AS parked,
                count(*) FILTER (WHERE kind = 'failed')::int AS failed,
                coalesce(sum(krayin_calls), 0)::int AS krayin_calls,
                avg(krayin_calls)::float8 AS calls_avg,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY krayin_calls)::float8 AS calls_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY krayin_calls)::float8 AS calls_p95,
                count(latency_ms)::int AS latency_count,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::float8 AS latency_p50,
                percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::float8 AS latency_p95,
                (SELECT coalesce(max(calls), 0)::int FROM minutes) AS peak_minute_calls,
                (SELECT count(*)::int FROM minutes WHERE calls > 0) AS busy_minutes
         FROM e`,
        params(p),
      );
      const r = rows[0] ?? {};
      const summary: AnalyticsSummary = {
        outcomes: num(r.outcomes),
        steps: num(r.steps),
        parked: num(r.parked),
        failed: num(r.failed),
        krayinCalls: num(r.krayin_calls),
        callsPerStep: { avg: maybe(r.calls_avg), p50: maybe(r.calls_p50), p95: maybe(r.calls_p95) },
        latencyMs: { count: num(r.latency_count), p50: maybe(r.latency_p50), p95: maybe(r.latency_p95) },
        peakMinuteCalls: num(r.peak_minute_calls),
        busyMinutes: num(r.busy_minutes),
      };
      return summary;
    },

    async linkedLeads(connectionId, limit) {
      const { rows } = await db.query<{ id: unknown }>(
        `SELECT DISTINCT krayin_lead_id AS id FROM contact_links
         WHERE connection_id = $1 AND krayin_lead_id IS NOT NULL ORDER BY 1 DESC LIMIT $2`,
        [connectionId, limit],
      );
      const total = await db.query<{ n: unknown }>(
        `SELECT count(DISTINCT krayin_lead_id)::int AS n FROM contact_links
         WHERE connection_id = $1 AND krayin_lead_id IS NOT NULL`,
        [connectionId],
      );
      return { total: num(total.rows[0]?.n), ids: rows.map((r) => Number(r.id)) };
    },
  };
}
