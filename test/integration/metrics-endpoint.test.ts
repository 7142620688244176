/** GET /metrics on a real listening server, scraped over HTTP and parsed as Prometheus text. */
import express from 'express';
import { request } from 'undici';
import { createMetrics, createMetricsRouter, type Metrics } from '../../src/metrics';
import { listen, type RunningServer } from './fixtures/codec-http-server';
import { parsePrometheusText, sampleValue, type Exposition } from './fixtures/metrics-prometheus-text';

const TOKEN = 'metrics-scrape-token-123456';
const PII = ['ana.lima@example.net', '+55 11 91234-5678', 'Ana Lima'];

let metrics: Metrics;
let open: RunningServer;
let guarded: RunningServer;
let inboundWaiting = 0;
let parked = [
  { connectionId: 'default', count: 2 },
  { connectionId: 'acme', count: 0 },
];

beforeAll(async () => {
  metrics = createMetrics({
    connections: ['default', 'acme'],
    collectParked: async () => parked,
    collectInboundLog: async () => inboundWaiting,
  });
  const openApp = express();
  openApp.use(createMetricsRouter(metrics));
  open = await listen(openApp);
  const guardedApp = express();
  guardedApp.use(createMetricsRouter(metrics, { token: TOKEN }));
  guarded = await listen(guardedApp);
});

afterAll(async () => {
  await open.close();
  await guarded.close();
});

async function scrape(base: string, headers: Record<string, string> = {}) {
  const res = await request(`${base}/metrics`, { headers });
  return { status: res.statusCode, contentType: res.headers['content-type'], text: await res.body.text() };
}

async function scrapeParsed(): Promise<Exposition> {
  const res = await scrape(open.url);
  expect(res.status).toBe(200);
  return parsePrometheusText(res.text);
}

describe('GET /metrics', () => {
  it('serves the Prometheus text format with every metric family', async () => {
    const res = await scrape(open.url);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types } = parsePrometheusText(res.text);
    expect(Object.fromEntries([...types].filter(([n]) => n.startsWith('cks_')))).toEqual({
      cks_webhooks_total: 'counter',
      cks_webhook_duration_seconds: 'histogram',
      cks_krayin_hints_total: 'counter',
      cks_syncs_total: 'counter',
      cks_sync_duration_seconds: 'histogram',
      cks_krayin_calls_total: 'counter',
      cks_link_mismatches_total: 'counter',
      cks_krayin_call_duration_seconds: 'histogram',
      cks_metrics_collect_errors_total: 'counter',
      cks_parked_syncs: 'gauge',
      cks_inbound_forwarded_total: 'counter',
      cks_inbound_log_events: 'gauge',
      cks_backfill_contacts_total: 'counter',
    });
    expect(types.get('process_cpu_user_seconds_total')).toBe('counter');
    expect(types.get('nodejs_eventloop_lag_seconds')).toBe('gauge');
  });

  it('reflects what was observed, scrape after scrape', async () => {
    const before = await scrapeParsed();
    const accepted = { connection: 'default', outcome: 'accepted', reason: 'none' };
    const start = sampleValue(before, 'cks_webhooks_total', accepted) ?? 0;
    metrics.webhook({ connection: 'default', outcome: 'accepted', durationSeconds: 0.004 });
    metrics.webhook({ connection: 'default', outcome: 'rejected', reason: 'stale_timestamp', durationSeconds: 0.001 });
    metrics.sync({ connection: 'acme', outcome: 'unchanged', durationSeconds: 0.3 });
    metrics.krayinCall({
      connection: 'acme',
      endpoint: 'GET /contacts/persons/search',
      status: 429,
      durationSeconds: 0.2,
    });
    const after = await scrapeParsed();
    expect(sampleValue(after, 'cks_webhooks_total', accepted)).toBe(start + 1);
    expect(
      sampleValue(after, 'cks_webhooks_total', {
        connection: 'default',
        outcome: 'rejected',
        reason: 'stale_timestamp',
      }),
    ).toBe(1);
    expect(sampleValue(after, 'cks_syncs_total', { connection: 'acme', outcome: 'unchanged' })).toBe(1);
    expect(
      sampleValue(after, 'cks_krayin_calls_total', {
        connection: 'acme',
        endpoint: 'GET /contacts/persons/search',
        status: '429',
      }),
    ).toBe(1);
    expect(
      sampleValue(after, 'cks_webhook_duration_seconds_bucket', {
        connection: 'default',
        outcome: 'accepted',
        le: '0.005',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(after, 'cks_sync_duration_seconds_bucket', { connection: 'acme', outcome: 'unchanged', le: '0.25' }),
    ).toBe(0);
    expect(
      sampleValue(after, 'cks_sync_duration_seconds_bucket', { connection: 'acme', outcome: 'unchanged', le: '0.5' }),
    ).toBe(1);
  });

  it('reads the inbound log backlog on each scrape and counts forwarded events', async () => {
    expect(sampleValue(await scrapeParsed(), 'cks_inbound_log_events', {})).toBe(0);
    inboundWaiting = 7;
    metrics.inboundForwarded(3);
    metrics.inboundForwarded(0);
    const e = await scrapeParsed();
    expect(sampleValue(e, 'cks_inbound_log_events', {})).toBe(7);
    expect(sampleValue(e, 'cks_inbound_forwarded_total', {})).toBe(3);

    // The store does not answer: unknown (NaN), not "nothing waiting", and the collector error is counted
    // (the counter is rendered alongside, so it shows from the next scrape).
    const failed = sampleValue(e, 'cks_metrics_collect_errors_total', { collector: 'inbound_log_events' }) ?? 0;
    inboundWaiting = Number.NaN;
    expect(sampleValue(await scrapeParsed(), 'cks_inbound_log_events', {})).toBeNaN();
    const next = await scrapeParsed();
    expect(sampleValue(next, 'cks_metrics_collect_errors_total', { collector: 'inbound_log_events' })).toBe(failed + 1);
    inboundWaiting = 0;
  });

  it('queries the parked count on each scrape', async () => {
    expect(sampleValue(await scrapeParsed(), 'cks_parked_syncs', { connection: 'default' })).toBe(2);
    parked = [{ connectionId: 'default', count: 5 }];
    const e = await scrapeParsed();
    expect(sampleValue(e, 'cks_parked_syncs', { connection: 'default' })).toBe(5);
    expect(sampleValue(e, 'cks_parked_syncs', { connection: 'acme' })).toBeUndefined();
  });

  it('never exposes PII given as reason, endpoint, connection or status', async () => {
    for (const pii of PII) {
      metrics.webhook({ connection: pii, outcome: 'rejected', reason: pii });
      metrics.krayinCall({ connection: 'default', endpoint: pii, status: 200, durationSeconds: 0.1 });
      metrics.krayinCall({
        connection: 'default',
        endpoint: `PUT /contacts/persons/${pii}`,
        status: 200,
        durationSeconds: 0.1,
      });
      metrics.krayinCall({ connection: pii, endpoint: 'POST /leads', status: pii as never, durationSeconds: 0.1 });
    }
    const res = await scrape(open.url);
    for (const pii of PII) expect(res.text).not.toContain(pii);
    const e = parsePrometheusText(res.text);
    const labelValues = e.samples.filter((s) => s.name.startsWith('cks_')).flatMap((s) => Object.values(s.labels));
    for (const v of labelValues) expect(v).not.toMatch(/@|\+\d|Ana|Lima/);
    expect(sampleValue(e, 'cks_webhooks_total', { connection: 'other', outcome: 'rejected', reason: 'other' })).toBe(3);
    expect(sampleValue(e, 'cks_krayin_calls_total', { connection: 'default', endpoint: 'other', status: '200' })).toBe(
      6,
    );
  });

  describe('with a token', () => {
    it('answers 401 without it or with a wrong one', async () => {
      const none = await scrape(guarded.url);
      expect(none.status).toBe(401);
      expect(none.text).not.toContain('cks_');
      const wrong = await scrape(guarded.url, { authorization: 'Bearer metrics-scrape-token-12345X' });
      expect(wrong.status).toBe(401);
    });

    it('serves the metrics with it', async () => {
      const res = await scrape(guarded.url, { authorization: `Bearer ${TOKEN}` });
      expect(res.status).toBe(200);
      expect(parsePrometheusText(res.text).types.get('cks_syncs_total')).toBe('counter');
    });

    it('refuses a weak token at start-up', () => {
      expect(() => createMetricsRouter(metrics, { token: 'secret' })).toThrow(/at least 16/);
    });
  });
});
