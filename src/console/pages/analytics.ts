/**
 * The console's "Analytics" page (docs/console.md, "Analytics"): per connection and period, what the sync
 * did per day, why contacts needed attention, what it cost in Krayin calls against the connection's
 * budget, how long a change took from Chatwoot to Krayin, and where the synced leads are now in Krayin.
 * Figures come from the store (sync_events, repositories/analytics.ts), so every replica shows the same
 * and a restart loses nothing; only the lead stages are read from Krayin (bounded, cached: conversion.ts).
 * Every chart has its figures in a table (charts drawn by Chart.js in public/analytics.js from JSON).
 */
import express, { type Router } from 'express';
import { LeadStageReader, type Conversion } from '../../analytics/conversion';
import { choosePeriod, RANGES, type ChosenPeriod, type Range } from '../../analytics/period';
import { analyticsRetentionDays } from '../../analytics/retention';
import { duration, figure, percent, reasonWords } from '../../analytics/words';
import type { ConnectionConfig } from '../../config/schema';
import type { AnalyticsDay, AnalyticsSummary } from '../../store/types';
import { html, raw, type SafeHtml } from '../html';
import { page } from '../layout';
import type { ConsoleDeps } from '../types';

const RANGE_WORDS: Record<Range, string> = {
  '7': 'Last 7 days',
  '30': 'Last 30 days',
  '90': 'Last 90 days',
  dates: 'Chosen dates',
};

/** Data for a chart, read by public/analytics.js: never executed, `<` escaped so it cannot end the element. */
interface ChartSpec {
  type: 'bar' | 'line';
  stacked?: boolean;
  horizontal?: boolean;
  labels: string[];
  datasets: { label: string; data: number[] }[];
}

function chart(id: string, description: string, spec: ChartSpec): SafeHtml {
  const json = JSON.stringify(spec).replace(/</g, '\\u003c');
  return html`<div class="chart-box">
    <canvas data-chart="${id}" role="img" aria-label="${description} (the table below has the same figures)"></canvas>
    <script type="application/json" id="${id}">
      ${raw(json)}
    </script>
  </div>`;
}

function table(id: string, caption: string, head: string[], rows: (string | number)[][]): SafeHtml {
  return html`<table id="${id}">
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${head.map((h, i) => html`<th scope="col" ${i > 0 ? raw('class="num"') : ''}>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            ${r.map((v, i) => (i === 0 ? html`<th scope="row">${v}</th>` : html`<td class="num">${v}</td>`))}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** One entry per day of the period, zeros where nothing was recorded. */
function fillDays(period: ChosenPeriod, days: AnalyticsDay[]): AnalyticsDay[] {
  const byDay = new Map(days.map((d) => [d.day, d]));
  return period.days.map(
    (day) =>
      byDay.get(day) ?? {
        day,
        synced: 0,
        skipped: 0,
        parked: 0,
        failed: 0,
        gone: 0,
        conversations: 0,
        personsCreated: 0,
        personsUpdated: 0,
        leadsCreated: 0,
        leadsUpdated: 0,
        activitiesCreated: 0,
        activitiesUpdated: 0,
        krayinCalls: 0,
      },
  );
}

function filterForm(connections: ConnectionConfig[], selected: string, period: ChosenPeriod): SafeHtml {
  return html`<form method="get" action="/console/analytics" class="filters">
    <div class="field">
      <label for="connection">Connection</label>
      <select id="connection" name="connection">
        ${connections.map(
          (c) => html`<option value="${c.id}" ${c.id === selected ? raw('selected') : ''}>${c.id}</option>`,
        )}
      </select>
    </div>
    <div class="field">
      <label for="range">Period</label>
      <select id="range" name="range">
        ${RANGES.map(
          (r) => html`<option value="${r}" ${r === period.range ? raw('selected') : ''}>${RANGE_WORDS[r]}</option>`,
        )}
      </select>
    </div>
    <div class="field">
      <label for="from">First day (for chosen dates)</label>
      <input type="date" id="from" name="from" value="${period.from}" />
    </div>
    <div class="field">
      <label for="to">Last day (for chosen dates)</label>
      <input type="date" id="to" name="to" value="${period.last}" />
    </div>
    <div class="field">
      <label for="tz">Time zone</label>
      <input type="text" id="tz" name="tz" value="${period.timeZone}" list="tz-list" autocomplete="off" />
      <datalist id="tz-list">
        ${['UTC', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata'].map(
          (z) => html`<option value="${z}"></option>`,
        )}
      </datalist>
    </div>
    <div class="field">
      <button type="submit">Show</button>
    </div>
  </form>`;
}

function cards(s: AnalyticsSummary, totals: AnalyticsDay, rpm: number): SafeHtml {
  const card = (id: string, value: string, words: string, hint?: string) =>
    html`<div class="card" id="${id}">
      <div class="figure">${value}</div>
      <div>${words}</div>
      ${hint ? html`<div class="hint">${hint}</div>` : ''}
    </div>`;
  return html`<div class="cards">
    ${card('card-synced', String(totals.synced), 'Contact syncs written to Krayin')}
    ${card('card-leads', String(totals.leadsCreated), 'Leads created')}
    ${card('card-attention', percent(s.parked, s.outcomes), 'Needed attention', `${s.parked} of ${s.outcomes} sync results`)}
    ${card('card-failed', percent(s.failed, s.outcomes), 'Failed', `${s.failed} of ${s.outcomes} sync results`)}
    ${card(
      'card-calls',
      figure(s.callsPerStep.avg),
      'Krayin calls per sync (average)',
      `median ${figure(s.callsPerStep.p50)}, 95% at most ${figure(s.callsPerStep.p95)}`,
    )}
    ${card(
      'card-latency',
      duration(s.latencyMs.p50),
      'From Chatwoot change to Krayin (median)',
      `95% within ${duration(s.latencyMs.p95)}`,
    )}
    ${card(
      'card-budget',
      percent(s.peakMinuteCalls, rpm),
      'Krayin limit used in the busiest minute',
      `${s.peakMinuteCalls} of ${rpm} calls a minute`,
    )}
  </div>`;
}

function sum(days: AnalyticsDay[]): AnalyticsDay {
  const total = fillDays({ days: ['total'] } as ChosenPeriod, [])[0]!;
  for (const d of days)
    for (const k of Object.keys(total) as (keyof AnalyticsDay)[]) if (k !== 'day') (total[k] as number) += d[k];
  return total;
}

export function conversionSection(c: Conversion, connectionId: string): SafeHtml {
  const labels = c.stages.map((s) => `${s.stage} (${s.pipeline})`);
  const read = c.read - c.missing;
  return html`<h2 id="conversion-title">Where synced leads are now in Krayin</h2>
    ${
      c.total === 0
        ? html`<p>No contact of ${connectionId} has a lead in Krayin yet.</p>`
        : html`${chart('chart-conversion', 'Synced leads by their stage in Krayin now', {
            type: 'bar',
            horizontal: true,
            labels,
            datasets: [{ label: 'Leads', data: c.stages.map((s) => s.leads) }],
          })}
          ${table(
            'conversion',
            'Synced leads by stage',
            ['Stage', 'Leads', 'Share'],
            c.stages.map((s) => [`${s.stage} (${s.pipeline})`, s.leads, percent(s.leads, read)]),
          )}`
    }
    <p class="hint" id="conversion-cost">
      Read from Krayin at ${c.readAt.toISOString().slice(11, 16)} UTC: ${c.read} of ${c.total} linked leads (the
      newest)${c.missing ? `, ${c.missing} no longer in Krayin` : ''}. This cost ${c.krayinCalls} Krayin call(s), taken
      after the sync's own calls, and is read again at most every 15 minutes.
    </p>`;
}

export function analyticsPage(deps: ConsoleDeps): Router {
  const router = express.Router();
  const stages = new LeadStageReader({ now: () => deps.now() });

  const connectionOf = (q: unknown): ConnectionConfig | undefined => {
    const all = deps.connections();
    return all.find((c) => c.id === q) ?? all[0];
  };

  router.get('/', async (req, res) => {
    const session = res.locals.session;
    const connection = connectionOf(req.query.connection);
    if (!connection) {
      res.send(
        page({
          title: 'Analytics',
          active: 'analytics',
          session,
          body: html`<p>No connection yet. <a href="/console/connections">Add one</a>.</p>`,
        }),
      );
      return;
    }
    const period = choosePeriod(req.query, deps.now());
    const q = { connectionId: connection.id, from: period.from, to: period.to, timeZone: period.timeZone };
    let body: SafeHtml;
    try {
      const [daily, reasons, summary] = await Promise.all([
        deps.store.analytics.daily(q),
        deps.store.analytics.reasons(q),
        deps.store.analytics.summary(q),
      ]);
      const days = fillDays(period, daily);
      const totals = sum(days);
      const rpm = connection.krayin.requestsPerMinute;
      const results = reasons.reduce((n, r) => n + r.count, 0);
      body = html`${filterForm(deps.connections(), connection.id, period)}
        ${period.problem ? html`<p class="error" role="alert">${period.problem}</p>` : ''}
        <p class="hint" id="period">
          ${connection.id}: ${period.from} to ${period.last} (${period.days.length} days, time zone ${period.timeZone}).
          Figures come from the sync's own records, kept ${analyticsRetentionDays(deps.config)} days.
        </p>

        <section aria-labelledby="glance-title">
          <h2 id="glance-title">At a glance</h2>
          ${cards(summary, totals, rpm)}
        </section>

        <section aria-labelledby="records-title">
          <h2 id="records-title">Records created and updated in Krayin per day</h2>
          ${chart('chart-records', 'Records created and updated in Krayin per day', {
            type: 'bar',
            stacked: true,
            labels: period.days,
            datasets: [
              { label: 'Contacts created', data: days.map((d) => d.personsCreated) },
              { label: 'Contacts updated', data: days.map((d) => d.personsUpdated) },
              { label: 'Leads created', data: days.map((d) => d.leadsCreated) },
              { label: 'Leads updated', data: days.map((d) => d.leadsUpdated) },
              { label: 'Conversation notes created', data: days.map((d) => d.activitiesCreated) },
              { label: 'Conversation notes updated', data: days.map((d) => d.activitiesUpdated) },
            ],
          })}
          ${table(
            'daily-records',
            'Records created and updated in Krayin per day',
            [
              'Day',
              'Contacts created',
              'Contacts updated',
              'Leads created',
              'Leads updated',
              'Conversation notes created',
              'Conversation notes updated',
            ],
            [...days, totals].map((d) => [
              d.day === 'total' ? 'Total' : d.day,
              d.personsCreated,
              d.personsUpdated,
              d.leadsCreated,
              d.leadsUpdated,
              d.activitiesCreated,
              d.activitiesUpdated,
            ]),
          )}
        </section>

        <section aria-labelledby="results-title">
          <h2 id="results-title">Sync results per day</h2>
          ${chart('chart-results', 'Sync results per day', {
            type: 'bar',
            stacked: true,
            labels: period.days,
            datasets: [
              { label: 'Written to Krayin', data: days.map((d) => d.synced) },
              { label: 'Skipped by the rules', data: days.map((d) => d.skipped) },
              { label: 'Needed attention', data: days.map((d) => d.parked) },
              { label: 'Failed', data: days.map((d) => d.failed) },
              { label: 'Deleted in Chatwoot', data: days.map((d) => d.gone) },
            ],
          })}
          ${table(
            'daily-results',
            'Sync results per day',
            [
              'Day',
              'Written to Krayin',
              'Skipped by the rules',
              'Needed attention',
              'Failed',
              'Deleted in Chatwoot',
              'Conversations written',
              'Krayin calls',
            ],
            [...days, totals].map((d) => [
              d.day === 'total' ? 'Total' : d.day,
              d.synced,
              d.skipped,
              d.parked,
              d.failed,
              d.gone,
              d.conversations,
              d.krayinCalls,
            ]),
          )}
        </section>

        <section aria-labelledby="reasons-title">
          <h2 id="reasons-title">Why contacts needed attention or failed</h2>
          ${
            reasons.length === 0
              ? html`<p id="no-reasons">No contact needed attention or failed in this period.</p>`
              : html`${chart('chart-reasons', 'Why contacts needed attention or failed', {
                  type: 'bar',
                  horizontal: true,
                  labels: reasons.map(
                    (r) => `${r.status === 'parked' ? 'Needed attention' : 'Failed'}: ${reasonWords(r.reasonKind)}`,
                  ),
                  datasets: [{ label: 'Times', data: reasons.map((r) => r.count) }],
                })}
                  ${table(
                    'reasons',
                    'Why contacts needed attention or failed',
                    ['Reason', 'Result', 'Times', 'Share of all sync results'],
                    reasons.map((r) => [
                      reasonWords(r.reasonKind),
                      r.status === 'parked' ? 'Needed attention' : 'Failed',
                      r.count,
                      percent(r.count, summary.outcomes),
                    ]),
                  )}
                  <p class="hint">${results} of ${summary.outcomes} sync results in this period.</p>`
          }
        </section>

        <section aria-labelledby="krayin-title">
          <h2 id="krayin-title">Krayin calls and speed</h2>
          ${table(
            'krayin-use',
            'Krayin calls and speed',
            ['Figure', 'Value'],
            [
              ['Krayin calls in the period', summary.krayinCalls],
              ['Syncs and conversation updates counted', summary.steps],
              ['Krayin calls per sync, average', figure(summary.callsPerStep.avg)],
              ['Krayin calls per sync, median', figure(summary.callsPerStep.p50)],
              ['Krayin calls per sync, 95% at most', figure(summary.callsPerStep.p95)],
              ['Krayin calls in the busiest minute', summary.peakMinuteCalls],
              ['Krayin limit per minute for this connection', rpm],
              ['Limit used in the busiest minute', percent(summary.peakMinuteCalls, rpm)],
              [
                'Krayin calls per minute, average over minutes with calls',
                summary.busyMinutes === 0 ? 'no data' : figure(summary.krayinCalls / summary.busyMinutes),
              ],
              ['Changes timed from Chatwoot to Krayin', summary.latencyMs.count],
              ['From Chatwoot change to Krayin, median', duration(summary.latencyMs.p50)],
              ['From Chatwoot change to Krayin, 95% within', duration(summary.latencyMs.p95)],
            ],
          )}
        </section>

        <section
          id="conversion-section"
          aria-labelledby="conversion-title"
          hx-get="/console/analytics/conversion?connection=${encodeURIComponent(connection.id)}"
          hx-trigger="load"
          hx-swap="innerHTML"
        >
          <h2 id="conversion-title">Where synced leads are now in Krayin</h2>
          <p aria-busy="true">Reading the leads' stages from Krayin…</p>
        </section>`;
    } catch {
      // ConsoleDeps has no logger: the store's own errors show in its logs; the page says it plainly.
      body = html`${filterForm(deps.connections(), connection.id, period)}
        <p class="error" role="alert">The figures could not be read just now. Try again in a moment.</p>`;
    }
    res.send(
      page({ title: 'Analytics', active: 'analytics', session, body, scripts: ['chart.umd.min.js', 'analytics.js'] }),
    );
  });

  /** The conversion section (htmx): lead stages read from Krayin, bounded and cached. */
  router.get('/conversion', async (req, res) => {
    const connection = deps.connections().find((c) => c.id === req.query.connection);
    if (!connection) {
      res.status(404).send(html`<p class="error">Unknown connection.</p>`.value);
      return;
    }
    try {
      const runtime = deps.services.connections.get(connection.id);
      const c = await stages.read(connection.id, deps.store, runtime.krayin, () => runtime.lookups.pipelines());
      res.send(conversionSection(c, connection.id).value);
    } catch {
      res.send(
        html`<h2 id="conversion-title">Where synced leads are now in Krayin</h2>
          <p class="error">
            Krayin could not be read just now, so the leads' stages are not shown. The other figures above do not need
            Krayin.
          </p>`.value,
      );
    }
  });

  return router;
}
