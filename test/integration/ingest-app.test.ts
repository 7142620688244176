/**
 * The real ingest app on 127.0.0.1:0 with recording collaborators (a dispatcher that can fail or
 * hold, an in-memory delivery recorder that can fail, a logger that keeps every entry), driven by
 * Chatwoot-style signed POSTs over real HTTP.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { signWebhook } from '../../src/chatwoot/signature';
import { createIngestApp } from '../../src/ingest/app';
import type {
  DeliveryRecorder,
  EventDispatcher,
  IngestCounters,
  IngestDeps,
  ContactEvent,
} from '../../src/ingest/types';
import { contactEventBody, fixtureJson, listFixtures, loadFixture, postWebhook, railsJson } from '../helpers/webhooks';

// ---------------------------------------------------------------------------------------------
// Harness
const SECRET = 'Wk7cQm2Rt9Lx4Vb8Np3Hs6Jd';
const URL_TOKEN = 'u7Rk2Lx9Qm4Vb8Np3Hs6JdW1';
/** The ingest clock: 2026-06-20T09:14:03Z, the fixtures' time; sign with NOW_SEC. */
const NOW_SEC = 1781946843;

function testConfig(bodyLimit = '16kb'): AppConfig {
  const connection = (id: string, extra: { webhookSecret?: string; webhookToken?: string; enabled?: boolean }) => ({
    id,
    enabled: extra.enabled ?? true,
    krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|krayin-test-token' },
    chatwoot: {
      url: 'http://127.0.0.1:9',
      accountId: 1,
      apiToken: 'chatwoot-test-token',
      ...(extra.webhookSecret ? { webhookSecret: extra.webhookSecret } : {}),
      ...(extra.webhookToken ? { webhookToken: extra.webhookToken } : {}),
    },
  });
  return appConfigSchema.parse({
    port: 0,
    bodyLimit,
    temporal: {},
    database: {},
    // The "unsigned" connection exists to test that mode; a real deployment needs a secret or a URL token.
    allowUnsignedWebhooks: true,
    connections: [
      connection('main', { webhookSecret: SECRET }),
      connection('unsigned', {}),
      connection('off', { webhookSecret: SECRET, enabled: false }),
      connection('tokened', { webhookToken: URL_TOKEN }),
      connection('both', { webhookSecret: SECRET, webhookToken: URL_TOKEN }),
    ],
  });
}

class RecordingDispatcher implements EventDispatcher {
  readonly events: ContactEvent[] = [];
  calls = 0;
  failure: Error | null = null;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private calledWaiters: (() => void)[] = [];

  async dispatch(e: ContactEvent, connection: { id: string }): Promise<void> {
    // The route hands on the connection it resolved: always the event's own.
    expect(connection.id).toBe(e.connectionId);
    this.calls += 1;
    this.calledWaiters.splice(0).forEach((w) => w());
    if (this.gate) await this.gate;
    if (this.failure) throw this.failure;
    this.events.push(e);
  }

  /** Hold every dispatch until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }
  release(): void {
    this.openGate?.();
    this.gate = null;
  }
  /** Resolves on the next dispatch call (before it completes). */
  nextCall(): Promise<void> {
    return new Promise((resolve) => this.calledWaiters.push(resolve));
  }
}

class MemoryDeliveries implements DeliveryRecorder {
  readonly seen = new Set<string>();
  readonly calls: [string, string, string, number | null][] = [];
  readonly forgotten: string[] = [];
  failure: Error | null = null;

  async record(connectionId: string, deliveryId: string, event: string, contactId: number | null) {
    this.calls.push([connectionId, deliveryId, event, contactId]);
    if (this.failure) throw this.failure;
    const key = `${connectionId}/${deliveryId}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  async forget(connectionId: string, deliveryId: string) {
    this.forgotten.push(deliveryId);
    this.seen.delete(`${connectionId}/${deliveryId}`);
  }
}

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  o: object;
  msg?: string;
}

interface RunningIngest {
  url: string;
  counters: IngestCounters;
  dispatcher: RecordingDispatcher;
  deliveries: MemoryDeliveries;
  logs: LogEntry[];
  close(): Promise<void>;
}

async function startIngest(
  overrides: Partial<Pick<IngestDeps, 'readiness' | 'deliveries' | 'switches' | 'observe'>> & {
    bodyLimit?: string;
    withDeliveries?: boolean;
  } = {},
): Promise<RunningIngest> {
  const dispatcher = new RecordingDispatcher();
  const deliveries = new MemoryDeliveries();
  const logs: LogEntry[] = [];
  const logger = {
    info: (o: object, msg?: string) => logs.push({ level: 'info', o, msg }),
    warn: (o: object, msg?: string) => logs.push({ level: 'warn', o, msg }),
    error: (o: object, msg?: string) => logs.push({ level: 'error', o, msg }),
  };
  const { app, counters } = createIngestApp({
    config: testConfig(overrides.bodyLimit),
    dispatcher,
    deliveries: overrides.deliveries ?? (overrides.withDeliveries === false ? undefined : deliveries),
    readiness: overrides.readiness,
    ...(overrides.switches ? { switches: overrides.switches } : {}),
    ...(overrides.observe ? { observe: overrides.observe } : {}),
    logger,
    now: () => new Date(NOW_SEC * 1000),
  });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counters,
    dispatcher,
    deliveries,
    logs,
    // Idempotent: afterEach closes whatever the last test started.
    close: () =>
      new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Tests

let ingest: RunningIngest;
afterEach(async () => {
  await ingest?.close();
});

const signed = (body: Buffer | string, extra: Parameters<typeof postWebhook>[3] = {}) =>
  postWebhook(ingest.url, 'main', body, { secret: SECRET, timestamp: NOW_SEC, ...extra });

async function get(path: string, method: 'GET' | 'PUT' | 'POST' = 'GET') {
  const res = await request(`${ingest.url}${path}`, { method });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, body: JSON.parse(text) };
}

/** Everything the app logged, as one string: for "no payload / PII in the logs" checks. */
const allLogs = () => JSON.stringify(ingest.logs);
const PII = ['jane', 'Jane', '+4915112345678', 'Acme Logistics', 'Berlin'];

type Expected =
  { status: 'accepted'; conversationId?: number; messageId?: number } | { status: 'ignored'; reason: string };
const FIXTURE_OUTCOMES: Record<string, Expected> = {
  'contact_created.json': { status: 'accepted' },
  'contact_updated.json': { status: 'accepted' },
  'contact_updated.last_activity.json': { status: 'ignored', reason: 'noise' },
  'conversation_created.json': { status: 'accepted', conversationId: 87 },
  'conversation_status_changed.json': { status: 'accepted', conversationId: 87 },
  'conversation_typing_off.json': { status: 'ignored', reason: 'typing' },
  'conversation_typing_on.json': { status: 'ignored', reason: 'typing' },
  'conversation_updated.assignee.json': { status: 'accepted', conversationId: 87 },
  'conversation_updated.custom_attributes.json': { status: 'accepted', conversationId: 87 },
  'conversation_updated.first_reply.json': { status: 'accepted', conversationId: 87 },
  'conversation_updated.json': { status: 'accepted', conversationId: 87 },
  'conversation_updated.status.json': { status: 'accepted', conversationId: 87 },
  'inbox_created.json': { status: 'ignored', reason: 'inbox_event' },
  'inbox_updated.json': { status: 'ignored', reason: 'inbox_event' },
  'message_created.attachment.json': { status: 'accepted', conversationId: 91, messageId: 58302 },
  'message_created.json': { status: 'accepted', conversationId: 87, messageId: 58210 },
  'message_created.outgoing.json': { status: 'accepted', conversationId: 87, messageId: 58217 },
  'message_created.private_note.json': { status: 'accepted', conversationId: 87, messageId: 58214 },
  'message_updated.json': { status: 'accepted', conversationId: 91, messageId: 58305 },
  'webwidget_triggered.json': { status: 'ignored', reason: 'webwidget_triggered' },
};

describe('ingest: every fixture, signed as Chatwoot signs it', () => {
  beforeEach(async () => (ingest = await startIngest()));

  it('covers every fixture', () => {
    expect(Object.keys(FIXTURE_OUTCOMES).sort()).toEqual(listFixtures());
  });

  it.each(Object.entries(FIXTURE_OUTCOMES))('%s', async (name, expected) => {
    const deliveryId = `0f8e7d6c-0000-4000-8000-${String(name.length).padStart(12, '0')}`;
    const res = await signed(loadFixture(name), { deliveryId });
    expect(res.status).toBe(202);
    if (expected.status === 'ignored') {
      expect(res.body).toEqual({ status: 'ignored', reason: expected.reason });
      expect(ingest.dispatcher.calls).toBe(0);
      expect(ingest.counters.ignored).toEqual({ [expected.reason]: 1 });
      return;
    }
    expect(res.body).toEqual({ status: 'accepted', deliveryId });
    const event = fixtureJson(name).event;
    expect(ingest.dispatcher.events).toEqual([
      {
        connectionId: 'main',
        contactId: 1042,
        deliveryId,
        event,
        receivedAt: '2026-06-20T09:14:03.000Z',
        // contact_updated: when the save happened (changed_attributes updated_at), for two-way sync.
        ...(event === 'contact_updated' ? { changedAt: '2026-06-20T08:57:40.118Z' } : {}),
        ...(expected.conversationId === undefined ? {} : { conversationId: expected.conversationId }),
        ...(expected.messageId === undefined ? {} : { messageId: expected.messageId }),
      },
    ]);
    expect(ingest.counters.accepted).toBe(1);
    expect(ingest.deliveries.calls).toEqual([['main', deliveryId, event, 1042]]);
    for (const p of PII) expect(allLogs()).not.toContain(p);
  });
});

describe('ingest: rejections', () => {
  beforeEach(async () => (ingest = await startIngest()));
  const body = loadFixture('contact_created.json');

  it('404 for an unknown connection, before reading the body', async () => {
    const res = await postWebhook(ingest.url, 'nope', body, { secret: SECRET, timestamp: NOW_SEC });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found', reason: 'unknown_connection' });
    expect(ingest.counters.rejected).toEqual({ unknown_connection: 1 });
  });

  it.each([
    ['text/plain', 'content_type_not_json'],
    ['application/x-www-form-urlencoded', 'content_type_not_json'],
    [undefined, 'content_type_not_json'],
    ['application/json; charset=iso-8859-1', 'charset_unsupported'],
  ])('415 for Content-Type %p', async (contentType, reason) => {
    const res = await signed(body, { headers: { 'content-type': contentType } });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: 'unsupported_media_type', reason });
  });

  it('accepts application/json with a UTF-8 charset and +json media types', async () => {
    expect((await signed(body, { headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(202);
    expect((await signed(body, { headers: { 'content-type': 'application/vnd.chatwoot+json' } })).status).toBe(202);
  });

  it('413 (JSON, not HTML) for a body over the configured limit', async () => {
    const big = railsJson({ ...fixtureJson('contact_created.json'), padding: 'x'.repeat(17 * 1024) });
    const res = await signed(big);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'payload_too_large', reason: 'body_too_large' });
    expect(ingest.dispatcher.calls).toBe(0);
  });

  it('415 for a compressed body (Chatwoot never compresses; no inflation here)', async () => {
    const res = await signed(body, { headers: { 'content-encoding': 'gzip' } });
    expect(res.status).toBe(415);
    expect(res.body).toEqual({ error: 'unsupported_media_type', reason: 'content_encoding_unsupported' });
  });

  it.each<[string, Parameters<typeof postWebhook>[3]]>([
    ['missing_signature', { secret: undefined }],
    ['missing_signature', { headers: { 'x-chatwoot-signature': undefined } }],
    ['malformed_signature', { headers: { 'x-chatwoot-signature': 'deadbeef' } }],
    ['missing_timestamp', { headers: { 'x-chatwoot-timestamp': undefined } }],
    ['malformed_timestamp', { headers: { 'x-chatwoot-timestamp': 'now' } }],
    ['stale_timestamp', { timestamp: NOW_SEC - 301 }],
    ['stale_timestamp', { timestamp: NOW_SEC + 301 }],
    ['bad_signature', { secret: 'not-the-secret-at-all-24' }],
    ['bad_signature', { headers: { 'x-chatwoot-timestamp': String(NOW_SEC + 1) } }],
  ])('401 %s', async (reason, opts) => {
    const res = await signed(body, opts);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', reason });
    expect(ingest.counters.rejected).toEqual({ [reason]: 1 });
    expect(ingest.dispatcher.calls).toBe(0);
  });

  it('accepts the edges of the +-5 minute window', async () => {
    expect((await signed(body, { timestamp: NOW_SEC - 300 })).status).toBe(202);
    expect((await signed(body, { timestamp: NOW_SEC + 300 })).status).toBe(202);
  });

  it('401 when the body was re-serialised after signing', async () => {
    const sig = signWebhook(SECRET, body, NOW_SEC);
    const reserialised = JSON.stringify(JSON.parse(body.toString('utf8')));
    const res = await signed(reserialised, { headers: { 'x-chatwoot-signature': sig } });
    expect(res.body).toEqual({ error: 'unauthorized', reason: 'bad_signature' });
  });

  it.each([
    ['not JSON', '{"event": contact_created', 'invalid_json'],
    ['empty', '', 'invalid_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), 'invalid_json'],
    ['an array', '[{"event":"contact_created"}]', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['a string', '"contact_created"', 'not_an_object'],
  ])('400 for a signed body that is %s', async (_label, raw, reason) => {
    const res = await signed(raw);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad_request', reason });
  });

  it('422 with issue paths and without values for a schema mismatch', async () => {
    const bad = railsJson({ ...fixtureJson('contact_created.json'), id: 'jane.doe@example.com', email: 7 });
    const res = await signed(bad);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('invalid_payload');
    expect(res.body.reason).toBe('schema_mismatch');
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'id']);
    expect(res.body.issues[0]).toEqual({ path: expect.any(String), code: 'invalid_type', message: expect.any(String) });
    expect(res.text).not.toContain('jane.doe');
    expect(allLogs()).not.toContain('jane.doe');
    expect(ingest.counters.rejected).toEqual({ schema_mismatch: 1 });
  });

  it('422 for a body without an event name', async () => {
    const { event: _event, ...rest } = fixtureJson('contact_created.json');
    const res = await signed(railsJson(rest));
    expect(res.status).toBe(422);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(['event']);
  });

  it('202 ignored (counted) for an event name this version does not know', async () => {
    const res = await signed(railsJson({ event: 'conversation_deleted', id: 87 }));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'ignored', reason: 'unknown_event' });
    expect(ingest.counters.ignored).toEqual({ unknown_event: 1 });
    expect(ingest.dispatcher.calls).toBe(0);
  });

  it('400 for a malformed X-Chatwoot-Delivery', async () => {
    const res = await signed(body, { deliveryId: 'a b<script>' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'bad_request', reason: 'malformed_delivery_id' });
  });

  it.each([
    ['invalid JSON', '{"event":"contact_created","email":"leak@example.com"', {}, 'invalid_json'],
    ['JSON that is not an object', '["leak@example.com"]', {}, 'not_an_object'],
    ['a malformed delivery id', '{"email":"leak@example.com"}', { deliveryId: 'a b' }, 'malformed_delivery_id'],
  ])('logs a 400 for %s with connection, reason and status, never the body', async (_case, raw, extra, reason) => {
    const res = await signed(raw, extra);
    expect(res.status).toBe(400);
    expect(ingest.logs).toContainEqual({
      level: 'warn',
      o: { connectionId: 'main', status: 400, reason },
      msg: 'webhook rejected',
    });
    expect(JSON.stringify(ingest.logs)).not.toContain('leak@example.com');
  });

  it('counts rejections by reason across requests', async () => {
    await signed(body, { secret: undefined });
    await signed(body, { secret: undefined });
    await signed('[]');
    expect(ingest.counters.rejected).toEqual({ missing_signature: 2, not_an_object: 1 });
  });
});

describe('ingest: delivery ids, duplicates, durability', () => {
  const body = loadFixture('contact_updated.json');

  it('uses sha256 of the raw body as the delivery id when the header is absent', async () => {
    ingest = await startIngest();
    const res = await signed(body, { deliveryId: null });
    const expected = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect(res.body).toEqual({ status: 'accepted', deliveryId: expected });
    expect(ingest.dispatcher.events[0]?.deliveryId).toBe(expected);
    // the same bytes again are the same delivery
    expect((await signed(body, { deliveryId: null })).body).toEqual({ status: 'duplicate', deliveryId: expected });
  });

  it('answers 200 duplicate for a repeated delivery id and dispatches once', async () => {
    ingest = await startIngest();
    const first = await signed(body, { deliveryId: 'd-1' });
    const second = await signed(body, { deliveryId: 'd-1' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ status: 'duplicate', deliveryId: 'd-1' });
    expect(ingest.dispatcher.calls).toBe(1);
    expect(ingest.counters).toMatchObject({ accepted: 1, duplicates: 1 });
  });

  it('still dispatches (and warns) when the delivery recorder fails', async () => {
    ingest = await startIngest();
    ingest.deliveries.failure = new Error('store down');
    const res = await signed(body, { deliveryId: 'd-2' });
    expect(res.status).toBe(202);
    expect(ingest.dispatcher.events).toHaveLength(1);
    expect(ingest.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: 'delivery record failed; dispatching anyway' }),
    );
  });

  it('works without a delivery recorder (the workflow dedupes)', async () => {
    ingest = await startIngest({ withDeliveries: false });
    expect((await signed(body, { deliveryId: 'd-3' })).status).toBe(202);
    expect((await signed(body, { deliveryId: 'd-3' })).status).toBe(202);
    expect(ingest.dispatcher.calls).toBe(2);
  });

  it('503 when dispatch fails; logs ids only; forgets the delivery so a redelivery is accepted', async () => {
    ingest = await startIngest();
    ingest.dispatcher.failure = new Error('14 UNAVAILABLE: temporal down');
    const res = await signed(body, { deliveryId: 'd-4' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: 'unavailable', reason: 'dispatch_failed' });
    expect(ingest.counters.accepted).toBe(0);
    expect(ingest.counters.rejected).toEqual({ dispatch_failed: 1 });
    const errorLog = ingest.logs.find((l) => l.level === 'error');
    expect(errorLog?.o).toEqual({
      connectionId: 'main',
      event: 'contact_updated',
      deliveryId: 'd-4',
      contactId: 1042,
      errorName: 'Error',
      errorMessage: '14 UNAVAILABLE: temporal down',
    });
    for (const p of PII) expect(allLogs()).not.toContain(p);
    expect(ingest.deliveries.forgotten).toEqual(['d-4']);

    ingest.dispatcher.failure = null;
    const retry = await signed(body, { deliveryId: 'd-4' });
    expect(retry.body).toEqual({ status: 'accepted', deliveryId: 'd-4' });
  });

  it('answers only after dispatch resolved', async () => {
    ingest = await startIngest();
    ingest.dispatcher.hold();
    const called = ingest.dispatcher.nextCall();
    let answered = false;
    const pending = signed(body, { deliveryId: 'd-5' }).then((r) => {
      answered = true;
      return r;
    });
    await called;
    // A full round trip on the same server completes while the webhook answer is still held.
    expect((await get('/healthz')).status).toBe(200);
    expect(answered).toBe(false);
    ingest.dispatcher.release();
    expect((await pending).status).toBe(202);
  });
});

describe('ingest: unsigned and disabled connections', () => {
  beforeEach(async () => (ingest = await startIngest()));
  const body = contactEventBody('contact_created', { id: 77, email: 'someone@example.com' });

  it('accepts unsigned webhooks on a connection without a secret (and warned about it at start)', async () => {
    const res = await postWebhook(ingest.url, 'unsigned', body);
    expect(res.status).toBe(202);
    expect(ingest.dispatcher.events[0]).toMatchObject({ connectionId: 'unsigned', contactId: 77 });
    expect(ingest.logs).toContainEqual(expect.objectContaining({ level: 'warn', o: { connectionId: 'unsigned' } }));
  });

  it('verifies the signature of a disabled connection, then ignores it', async () => {
    const ok = await postWebhook(ingest.url, 'off', body, { secret: SECRET, timestamp: NOW_SEC });
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ status: 'ignored', reason: 'connection_disabled' });
    const bad = await postWebhook(ingest.url, 'off', body, { secret: 'wrong-secret-wrong-secret', timestamp: NOW_SEC });
    expect(bad.status).toBe(401);
    expect(ingest.dispatcher.calls).toBe(0);
    expect(ingest.counters.ignored).toEqual({ connection_disabled: 1 });
  });

  it('a connection with a URL token needs exactly that token as the last path segment', async () => {
    expect((await postWebhook(ingest.url, 'tokened', body)).body).toEqual({
      error: 'unauthorized',
      reason: 'missing_url_token',
    });
    const wrong = await postWebhook(ingest.url, `tokened/${'x'.repeat(24)}`, body);
    expect([wrong.status, wrong.body.reason]).toEqual([401, 'bad_url_token']);
    const ok = await postWebhook(ingest.url, `tokened/${URL_TOKEN}`, body);
    expect(ok.status).toBe(202);
    expect(ingest.dispatcher.events).toHaveLength(1);
    expect(JSON.stringify(ingest.logs)).not.toContain(URL_TOKEN);
  });

  it('with a secret and a URL token, both are required', async () => {
    const signed = { secret: SECRET, timestamp: NOW_SEC };
    expect((await postWebhook(ingest.url, 'both', body, signed)).status).toBe(401);
    expect((await postWebhook(ingest.url, `both/${URL_TOKEN}`, body)).body.reason).toBe('missing_signature');
    expect((await postWebhook(ingest.url, `both/${URL_TOKEN}`, body, signed)).status).toBe(202);
  });

  it('a token segment on a connection without one is an unknown URL', async () => {
    const res = await postWebhook(ingest.url, `main/${URL_TOKEN}`, body, { secret: SECRET, timestamp: NOW_SEC });
    expect([res.status, res.body.reason]).toEqual([404, 'unknown_connection']);
  });

  it('an event the store failed to hold is answered "ignored", not "held"', async () => {
    const off = await startIngest({
      switches: {
        isEnabled: async () => false,
        recordIgnored: async () => {
          throw new Error('store down');
        },
      },
    });
    try {
      const res = await postWebhook(off.url, 'main', body, { secret: SECRET, timestamp: NOW_SEC });
      expect([res.status, res.body]).toEqual([202, { status: 'ignored', reason: 'connection_disabled' }]);
      expect(off.counters).toMatchObject({ held: 0, ignored: { connection_disabled: 1 } });
    } finally {
      await off.close();
    }
  });

  it('the runtime switch (admin disable) holds verified, valid events instead of dispatching them', async () => {
    const held: ContactEvent[] = [];
    const off = await startIngest({
      switches: { isEnabled: async () => false, recordIgnored: async (e) => void held.push(e) },
    });
    try {
      const res = await postWebhook(off.url, 'main', body, { secret: SECRET, timestamp: NOW_SEC, deliveryId: 'h-1' });
      expect([res.status, res.body]).toEqual([
        202,
        { status: 'held', reason: 'connection_disabled', deliveryId: 'h-1' },
      ]);
      expect(off.counters.held).toBe(1);
      expect(off.counters.ignored).toEqual({});
      expect(held).toEqual([
        expect.objectContaining({ connectionId: 'main', contactId: 77, event: 'contact_created' }),
      ]);
      expect(off.dispatcher.calls).toBe(0);
      const forged = await postWebhook(off.url, 'main', body, {
        secret: 'not-the-secret-not-the-secret',
        timestamp: NOW_SEC,
      });
      expect(forged.status).toBe(401);
      // Still validated while disabled: a malformed body is refused, not held.
      const malformed = await postWebhook(off.url, 'main', Buffer.from('{"event":'), {
        secret: SECRET,
        timestamp: NOW_SEC,
      });
      expect(malformed.status).toBe(400);
      expect(held).toHaveLength(1);
    } finally {
      await off.close();
    }
  });

  it('reports each request to the observer (metrics)', async () => {
    const seen: { connection: string; outcome: string; reason?: string }[] = [];
    const observed = await startIngest({ observe: (o) => void seen.push(o) });
    try {
      await postWebhook(observed.url, 'main', body, { secret: SECRET, timestamp: NOW_SEC });
      await postWebhook(observed.url, 'main', body, { secret: 'wrong-secret-wrong-secret', timestamp: NOW_SEC });
      await postWebhook(observed.url, 'nope', body);
      // Refused by the body parser, outside the route's own handlers: still the connection's count.
      const big = railsJson({ ...fixtureJson('contact_created.json'), padding: 'x'.repeat(17 * 1024) });
      await postWebhook(observed.url, 'main', big, { secret: SECRET, timestamp: NOW_SEC });
      expect(seen.map(({ connection, outcome, reason }) => ({ connection, outcome, reason }))).toEqual([
        { connection: 'main', outcome: 'accepted', reason: undefined },
        { connection: 'main', outcome: 'rejected', reason: 'bad_signature' },
        { connection: 'unknown', outcome: 'rejected', reason: 'unknown_connection' },
        { connection: 'main', outcome: 'rejected', reason: 'body_too_large' },
      ]);
    } finally {
      await observed.close();
    }
  });

  it('ignores an anonymous visitor contact (no email, phone or identifier)', async () => {
    const anonymous = contactEventBody('contact_created', { id: 78, name: 'billowing-night-17' });
    const res = await postWebhook(ingest.url, 'unsigned', anonymous);
    expect(res.body).toEqual({ status: 'ignored', reason: 'anonymous' });
  });
});

describe('ingest: health, readiness and Express errors as JSON', () => {
  it('refuses to start with a bodyLimit body-parser would read as "no limit"', () => {
    const quiet = { info: () => {}, warn: () => {}, error: () => {} };
    const deps = { dispatcher: new RecordingDispatcher(), logger: quiet };
    // Past the config schema (which checks the format too): the app must not rely on it.
    const config = { ...testConfig(), bodyLimit: '1 megabyte' };
    expect(() => createIngestApp({ ...deps, config })).toThrow('bodyLimit must be a size such as "1mb" or "64kb"');
  });

  it('GET /healthz', async () => {
    ingest = await startIngest();
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('GET /readyz without checks is ready', async () => {
    ingest = await startIngest();
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ok', checks: {} } });
  });

  it('GET /readyz reports failing checks with 503', async () => {
    const checks = { temporal: { ok: true }, store: { ok: false, error: 'connection refused' } };
    ingest = await startIngest({ readiness: async () => ({ ok: false, checks }) });
    expect(await get('/readyz')).toMatchObject({ status: 503, body: { status: 'unavailable', checks } });
  });

  it('GET /readyz is 503 when the readiness function throws', async () => {
    ingest = await startIngest({
      readiness: async () => {
        throw new TypeError('boom');
      },
    });
    expect(await get('/readyz')).toMatchObject({
      status: 503,
      body: { status: 'unavailable', checks: { readiness: { ok: false, error: 'TypeError' } } },
    });
  });

  it('unknown routes, wrong methods and undecodable URLs answer JSON, never HTML', async () => {
    ingest = await startIngest();
    const unknown = await get('/nope');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found', reason: 'no_route' } });
    const wrongMethod = await get('/webhooks/chatwoot/main');
    expect(wrongMethod).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(wrongMethod.headers.allow).toBe('POST');
    const badUrl = await postWebhook(ingest.url, '%E0%A4%A', '{}', { secret: SECRET, timestamp: NOW_SEC });
    expect(badUrl.status).toBe(400);
    expect(badUrl.headers['content-type']).toMatch(/^application\/json/);
    expect(badUrl.body).toEqual({ error: 'bad_request', reason: 'bad_request' });
    for (const r of [unknown, wrongMethod, badUrl]) {
      expect(r.text).not.toMatch(/<html|<pre|at .*\.js:\d+/i);
    }
  });
});
