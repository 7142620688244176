/**
 * POST /webhooks/krayin/:connection/:token over a real listening ingest app, signalling the real
 * Temporal dev server (no worker: the signal's arrival is read from the poll workflow's history).
 * Covers the answers (404/401/405/413/202/503), coalescing of a burst, Temporal down or hanging, and that
 * neither the body (names, emails) nor the token reaches a log. The last test is Krayin end to end: the
 * fake Krayin, set up by `krayin-hooks install`, calls the endpoint on a person update.
 */
import type { Server } from 'node:http';
import express from 'express';
import net, { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { request } from 'undici';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { createIngestApp } from '../../src/ingest/app';
import { HINT_SIGNAL_TIMEOUT_MS, type KrayinPollHints } from '../../src/ingest/krayin-hint-route';
import type { IngestLogger } from '../../src/ingest/types';
import { KrayinClient } from '../../src/krayin/client';
import { createMetrics, createMetricsRouter, type Metrics } from '../../src/metrics';
import { parsePrometheusText, sampleValue } from './fixtures/metrics-prometheus-text';
import { runKrayinHooksCommand } from '../../src/krayin-hooks/cli';
import { TemporalKrayinPollHints } from '../../src/temporal/krayin-poll-hints';
import { krayinPollWorkflowId } from '../../workflows/krayin-poll-api';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

const TOKEN = 'kH7rT2mQ9xL4vB8nP3sJ6dW1';
const OTHER_TOKEN = 'zZ9yX8wV7uT6sR5qP4oN3mL2';
const EventType = temporal.api.enums.v1.EventType;

function testConfig(
  connections: Array<{ id: string; token?: string; enabled?: boolean; twoWay?: boolean }>,
  krayinUrl = 'http://127.0.0.1:9/api/v1',
  krayinToken = '1|krayin-test-token',
): AppConfig {
  return appConfigSchema.parse({
    port: 0,
    temporal: {},
    database: {},
    allowUnsignedWebhooks: true,
    connections: connections.map((c) => ({
      id: c.id,
      enabled: c.enabled ?? true,
      krayin: { url: krayinUrl, token: krayinToken },
      chatwoot: { url: 'http://127.0.0.1:9', accountId: 1, apiToken: 'chatwoot-test-token' },
      ...(c.token ? { krayinHooks: { token: c.token } } : {}),
      twoWay: { enabled: c.twoWay ?? c.token !== undefined },
    })),
  });
}

interface LogEntry {
  level: string;
  o: object;
  msg?: string;
}

/** `metrics`: hints are counted into it, and GET /metrics serves it on the same server. */
async function startApp(config: AppConfig, hints: KrayinPollHints | undefined, metrics?: Metrics) {
  const logs: LogEntry[] = [];
  const logger: IngestLogger = {
    info: (o, msg) => logs.push({ level: 'info', o, msg }),
    warn: (o, msg) => logs.push({ level: 'warn', o, msg }),
    error: (o, msg) => logs.push({ level: 'error', o, msg }),
  };
  const { app } = createIngestApp({
    config,
    dispatcher: { dispatch: async () => undefined },
    logger,
    ...(hints ? { krayinHints: hints } : {}),
    ...(metrics ? { observeHint: (o) => metrics.krayinHint(o) } : {}),
  });
  const outer = express();
  if (metrics) outer.use(createMetricsRouter(metrics));
  outer.use(app);
  const server: Server = await new Promise((resolve) => {
    const s = outer.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logs,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Krayin's call: always form-encoded, Guzzle's user agent. */
async function postHint(url: string, body = 'entity=persons', path?: string) {
  const started = Date.now();
  const res = await request(url + (path ?? ''), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'GuzzleHttp/7' },
    body,
  });
  const text = await res.body.text();
  return {
    status: res.statusCode,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    ms: Date.now() - started,
  };
}

const temporalAddress = process.env.TEMPORAL_TEST_ADDRESS as string;
let connection: Connection;
let client: Client;
const taskQueue = `krayin-hints-${randomUUID()}`;
const started: string[] = [];

beforeAll(async () => {
  connection = await Connection.connect({ address: temporalAddress });
  client = new Client({ connection });
});

afterAll(async () => {
  for (const id of started)
    await client.workflow
      .getHandle(id)
      .terminate('test done')
      .catch(() => undefined);
  await connection.close();
});

/** The poll-now signals the poll workflow of `connectionId` received, in order. */
async function pollSignals(connectionId: string): Promise<unknown[]> {
  const id = krayinPollWorkflowId(connectionId, taskQueue);
  let history;
  try {
    history = await client.workflow.getHandle(id).fetchHistory();
  } catch {
    return [];
  }
  if (!started.includes(id)) started.push(id);
  const startedEvent = history.events?.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  expect(startedEvent?.workflowExecutionStartedEventAttributes?.workflowType?.name).toBe('krayinPollWorkflow');
  return (history.events ?? [])
    .filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
    .map((e) => {
      const a = e.workflowExecutionSignaledEventAttributes;
      expect(a?.signalName).toBe('krayinPollNow');
      return JSON.parse(Buffer.from(a?.input?.payloads?.[0]?.data ?? []).toString('utf8')) as unknown;
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('POST /webhooks/krayin/:connection/:token', () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  beforeAll(async () => {
    const config = testConfig([
      { id: 'main', token: TOKEN },
      { id: 'burst', token: TOKEN },
      { id: 'notoken' },
      { id: 'off', token: TOKEN, enabled: false },
      { id: 'oneway', token: TOKEN, twoWay: false },
    ]);
    app = await startApp(config, new TemporalKrayinPollHints(client, taskQueue));
  });
  afterAll(() => app.close());

  it('signals the connection poll with the entity Krayin named, and answers 202', async () => {
    const res = await postHint(app.url, 'entity=persons', `/webhooks/krayin/main/${TOKEN}`);
    expect(res).toMatchObject({ status: 202, body: { status: 'accepted' } });
    expect(await pollSignals('main')).toEqual([{ source: 'krayin-webhook', entity: 'persons' }]);
  });

  it('refuses a wrong token (401), an unknown, token-less or one-way connection (404), other methods (405)', async () => {
    expect(await postHint(app.url, '', `/webhooks/krayin/main/${OTHER_TOKEN}`)).toMatchObject({
      status: 401,
      body: { error: 'unauthorized', reason: 'bad_url_token' },
    });
    expect(await postHint(app.url, '', `/webhooks/krayin/nosuch/${TOKEN}`)).toMatchObject({
      status: 404,
      body: { reason: 'unknown_connection' },
    });
    expect(await postHint(app.url, '', `/webhooks/krayin/notoken/${TOKEN}`)).toMatchObject({
      status: 404,
      body: { reason: 'unknown_connection' },
    });
    // A token but two-way sync off: nothing polls Krayin, so there is nothing to hint.
    expect(await postHint(app.url, '', `/webhooks/krayin/oneway/${TOKEN}`)).toMatchObject({
      status: 404,
      body: { reason: 'unknown_connection' },
    });
    expect(await postHint(app.url, '', `/webhooks/krayin/main`)).toMatchObject({ status: 404 });
    const get = await request(`${app.url}/webhooks/krayin/main/${TOKEN}`);
    await get.body.text();
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(await pollSignals('notoken')).toEqual([]);
    expect(await pollSignals('oneway')).toEqual([]);
  });

  it('refuses a body over 16 kB (413) and signals nothing for it', async () => {
    const res = await postHint(app.url, `entity=leads&x=${'a'.repeat(17 * 1024)}`, `/webhooks/krayin/off/${TOKEN}`);
    expect(res).toMatchObject({ status: 413, body: { reason: 'body_too_large' } });
  });

  it('acknowledges a disabled connection without signalling', async () => {
    const res = await postHint(app.url, 'entity=leads', `/webhooks/krayin/off/${TOKEN}`);
    expect(res).toMatchObject({ status: 202, body: { status: 'ignored', reason: 'connection_disabled' } });
    expect(await pollSignals('off')).toEqual([]);
  });

  it('turns a burst of 50 hints into one signal now and one when the second is over', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postHint(app.url, i % 2 ? 'entity=leads' : 'entity=persons', `/webhooks/krayin/burst/${TOKEN}`),
      ),
    );
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(results.filter((r) => r.body?.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.body?.status === 'coalesced')).toHaveLength(49);
    await sleep(1_500);
    const signals = await pollSignals('burst');
    // The trailing signal merges hints of both entities: no entity.
    expect(signals).toHaveLength(2);
    expect(signals[1]).toEqual({ source: 'krayin-webhook' });
    await sleep(1_200);
    expect(await pollSignals('burst')).toHaveLength(2);
  });

  it('never logs the body (names, emails) or the token', async () => {
    const pii = 'name=Jane+Secretname&emails=jane.secret%40example.com+%28work%29&entity=leads';
    await postHint(app.url, pii, `/webhooks/krayin/main/${TOKEN}`);
    await postHint(app.url, pii, `/webhooks/krayin/main/${OTHER_TOKEN}`);
    await postHint(app.url, pii, `/webhooks/krayin/nosuch/${TOKEN}`);
    const text = JSON.stringify(app.logs);
    expect(app.logs.length).toBeGreaterThan(0);
    for (const secret of ['Secretname', 'jane.secret', TOKEN, OTHER_TOKEN]) expect(text).not.toContain(secret);
  });
});

describe('cks_krayin_hints_total on /metrics', () => {
  it('counts every hint by connection, outcome and reason; never the token', async () => {
    const metrics = createMetrics({ connections: ['metered', 'quiet'], defaultMetrics: false });
    const config = testConfig([
      { id: 'metered', token: TOKEN },
      { id: 'quiet', token: TOKEN, enabled: false },
    ]);
    const app = await startApp(config, new TemporalKrayinPollHints(client, taskQueue), metrics);
    try {
      const hint = `/webhooks/krayin/metered/${TOKEN}`;
      // One burst: the first signals the poll, the other three join the trailing signal.
      const burst = [await postHint(app.url, 'entity=persons', hint)];
      burst.push(...(await Promise.all([1, 2, 3].map(() => postHint(app.url, 'entity=leads', hint)))));
      expect(burst.map((r) => r.body?.status)).toEqual(['accepted', 'coalesced', 'coalesced', 'coalesced']);
      expect((await postHint(app.url, '', `/webhooks/krayin/metered/${OTHER_TOKEN}`)).status).toBe(401);
      expect((await postHint(app.url, '', `/webhooks/krayin/nosuch/${TOKEN}`)).status).toBe(404);
      expect((await postHint(app.url, `x=${'a'.repeat(17 * 1024)}`, hint)).status).toBe(413);
      expect((await postHint(app.url, 'entity=leads', `/webhooks/krayin/quiet/${TOKEN}`)).status).toBe(202);
      const get = await request(`${app.url}${hint}`);
      await get.body.text();
      expect(get.statusCode).toBe(405);

      const res = await request(`${app.url}/metrics`);
      const text = await res.body.text();
      expect(res.statusCode).toBe(200);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(OTHER_TOKEN);
      const exposition = parsePrometheusText(text);
      const count = (connection: string, outcome: string, reason = 'none') =>
        sampleValue(exposition, 'cks_krayin_hints_total', { connection, outcome, reason });
      expect(count('metered', 'accepted')).toBe(1);
      expect(count('metered', 'coalesced')).toBe(3);
      expect(count('metered', 'rejected', 'bad_url_token')).toBe(1);
      expect(count('metered', 'rejected', 'body_too_large')).toBe(1);
      expect(count('metered', 'rejected', 'method_not_allowed')).toBe(1);
      expect(count('other', 'rejected', 'unknown_connection')).toBe(1);
      expect(count('quiet', 'ignored', 'connection_disabled')).toBe(1);
      const total = exposition.samples
        .filter((s) => s.name === 'cks_krayin_hints_total')
        .reduce((sum, s) => sum + s.value, 0);
      expect(total).toBe(9);
      await sleep(1_200); // the trailing signal
      expect(await pollSignals('metered')).toHaveLength(2);
    } finally {
      await app.close();
    }
  });
});

describe('when Temporal cannot take the signal', () => {
  it('answers 503 within the bound when nothing listens at the Temporal address any more', async () => {
    const port = await freePort();
    // A lazy connection: the service connected at start; Temporal went away later.
    const lazy = Connection.lazy({ address: `127.0.0.1:${port}` });
    const app = await startApp(
      testConfig([{ id: 'main', token: TOKEN }]),
      new TemporalKrayinPollHints(new Client({ connection: lazy }), taskQueue),
    );
    try {
      const res = await postHint(app.url, 'entity=persons', `/webhooks/krayin/main/${TOKEN}`);
      expect(res).toMatchObject({ status: 503, body: { error: 'unavailable', reason: 'temporal_unavailable' } });
      expect(res.ms).toBeLessThan(HINT_SIGNAL_TIMEOUT_MS + 1_000);
    } finally {
      await app.close();
      // The client's gRPC retries of the abandoned call end at its deadline; closing before that throws.
      await sleep(2_500);
      await lazy.close();
    }
  });

  it('answers 503 within the bound when Temporal accepts the connection but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const blackhole = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
    const lazy = Connection.lazy({ address });
    const app = await startApp(
      testConfig([{ id: 'main', token: TOKEN }]),
      new TemporalKrayinPollHints(new Client({ connection: lazy }), taskQueue),
    );
    try {
      const first = await postHint(app.url, 'entity=persons', `/webhooks/krayin/main/${TOKEN}`);
      expect(first).toMatchObject({ status: 503, body: { reason: 'temporal_unavailable' } });
      expect(first.ms).toBeGreaterThanOrEqual(HINT_SIGNAL_TIMEOUT_MS - 100);
      expect(first.ms).toBeLessThan(HINT_SIGNAL_TIMEOUT_MS + 1_000);
      // Right after a failure, hints do not wait again: one Krayin save waited, not every one.
      const second = await postHint(app.url, 'entity=persons', `/webhooks/krayin/main/${TOKEN}`);
      expect(second).toMatchObject({ status: 503, body: { reason: 'temporal_unavailable' } });
      expect(second.ms).toBeLessThan(500);
      expect(app.logs.filter((l) => l.level === 'error')).toHaveLength(1);
    } finally {
      await app.close();
      await sleep(500);
      await lazy.close().catch(() => undefined);
      for (const socket of sockets) socket.destroy();
      blackhole.close();
    }
  });

  it('answers 503 when this process has no way to signal (no hint sender wired)', async () => {
    const app = await startApp(testConfig([{ id: 'main', token: TOKEN }]), undefined);
    try {
      expect(await postHint(app.url, 'entity=persons', `/webhooks/krayin/main/${TOKEN}`)).toMatchObject({
        status: 503,
        body: { reason: 'hints_unavailable' },
      });
    } finally {
      await app.close();
    }
  });
});

describe('Krayin end to end: installed hooks make a person update signal the poll', () => {
  let fake: FakeKrayin;
  afterAll(() => fake?.close());

  it('krayin-hooks install, then a person update in Krayin -> hint -> poll signal', async () => {
    fake = await startFakeKrayin();
    const config0 = testConfig([{ id: 'e2e', token: TOKEN }], fake.apiBase, fake.token);
    const app = await startApp(config0, new TemporalKrayinPollHints(client, taskQueue));
    try {
      const out: string[] = [];
      const code = await runKrayinHooksCommand(['install', '--connection', 'e2e', '--public-url', app.url], config0, {
        out: { log: (l) => out.push(l), error: (l) => out.push(l) },
      });
      expect({ code, out }).toMatchObject({ code: 0 });
      const krayin = new KrayinClient({ baseUrl: fake.apiBase, token: fake.token, timezone: 'UTC' });
      try {
        const input = { name: 'Ann Hint', emails: [{ value: 'ann@example.com', label: 'work' }], contact_numbers: [] };
        const person = await krayin.createPerson(input);
        await sleep(1_100); // the create's hint opened a window: let it close
        await krayin.updatePerson(person.id, { ...input, name: 'Ann Hinted', user_id: null });
      } finally {
        await krayin.close();
      }
      const calls = fake.webhookCalls();
      expect(calls.map((c) => [c.event, c.status])).toEqual([
        ['contacts.person.create.after', 202],
        ['contacts.person.update.after', 202],
      ]);
      expect(calls[0]?.form).toEqual([['entity', 'persons']]);
      expect(await pollSignals('e2e')).toEqual([
        { source: 'krayin-webhook', entity: 'persons' },
        { source: 'krayin-webhook', entity: 'persons' },
      ]);
    } finally {
      await app.close();
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
