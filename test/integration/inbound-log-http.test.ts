/**
 * INGEST_MODE=log over real HTTP with Temporal down: the real ingest app on 127.0.0.1:0 in front of the
 * inbound log (Postgres and PGlite) and a forwarder talking to a Temporal dev server of this file's own,
 * which the test stops and starts again on the same port and SQLite file.
 *
 * - Temporal down: webhooks are still answered 202 (they are committed to the log), and once Temporal
 *   is back every one reaches its contact workflow, once, with nothing left in the log;
 * - over the bound: 503 `{error:'unavailable', reason:'inbound_log_full'}`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { appConfigSchema } from '../../src/config/schema';
import { ensureTemporalBinary } from '../../src/dev/temporal-binary';
import { freePort, startDevServer, type DevServer } from '../../src/dev/temporal-dev-server';
import { InboundForwarder } from '../../src/inbound/forwarder';
import { InboundLogDispatcher } from '../../src/inbound/log-dispatcher';
import { createIngestApp } from '../../src/ingest/app';
import type { IngestLogger } from '../../src/ingest/types';
import { TemporalDispatcher } from '../../src/temporal/dispatcher';
import { contactWorkflowId } from '../../workflows/api';
import { storeEngines, type TestStore } from '../helpers/databases';
import { contactEventBody, postWebhook } from '../helpers/webhooks';

const SECRET = 'inbound-http-secret-0123456789';
const CONNECTION = 'main';
const config = appConfigSchema.parse({
  port: 0,
  temporal: {},
  database: {},
  connections: [
    {
      id: CONNECTION,
      krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|krayin-test-token' },
      chatwoot: { url: 'http://127.0.0.1:9', accountId: 1, apiToken: 'chatwoot-test-token', webhookSecret: SECRET },
    },
  ],
});
const quiet: IngestLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let dev: DevServer;
let devPort: number;
const devDb = path.join(mkdtempSync(path.join(tmpdir(), 'inbound-http-')), 'temporal.sqlite');
const startDev = async () =>
  startDevServer({
    binary: await ensureTemporalBinary(),
    headless: true,
    port: devPort,
    dbFile: devDb,
    readyTimeoutMs: 120_000,
  });
let temporal: Connection;
let client: Client;

beforeAll(async () => {
  devPort = await freePort();
  dev = await startDev();
  temporal = await Connection.connect({ address: dev.address });
  client = new Client({ connection: temporal, namespace: 'default' });
}, 180_000);
afterAll(async () => {
  await temporal?.close();
  await dev?.stop();
});

async function signalledDeliveries(contactId: number): Promise<string[]> {
  const history = await client.workflow.getHandle(contactWorkflowId(CONNECTION, contactId)).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map(
      (e) =>
        (
          defaultPayloadConverter.fromPayload(e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!) as {
            deliveryId: string;
          }
        ).deliveryId,
    );
}

let nextContact = 8_000_000 + Math.floor(Math.random() * 1_000_000);

describe.each(storeEngines().map((e) => [e.name, e] as const))('INGEST_MODE=log over HTTP on %s', (_n, engine) => {
  let t: TestStore;
  let server: Server | null = null;
  let log: InboundLogDispatcher;
  let forwarder: InboundForwarder;
  let base: string;

  async function startIngest(maxEvents: number): Promise<void> {
    forwarder = new InboundForwarder({
      inbound: t.store.inbound,
      temporal: new TemporalDispatcher(client, `inbound-http-${randomUUID()}`),
      connections: config.connections,
      logger: quiet,
      concurrency: 8,
      idlePollMs: 50,
      maxBackoffMs: 500,
      onForwarded: (n) => log.forwarded(n),
    });
    log = new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents, onAppended: () => forwarder.wake() });
    await log.start();
    const { app } = createIngestApp({ config, dispatcher: log, deliveries: t.store.deliveries, logger: quiet });
    const s = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => s.once('listening', () => resolve()));
    server = s;
    base = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  }

  beforeEach(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterEach(async () => {
    log?.stop();
    await forwarder?.stop();
    if (server) await new Promise((r) => server!.close(r));
    server = null;
    await t.dispose();
  });

  const send = (contactId: number, deliveryId: string) =>
    postWebhook(
      base,
      CONNECTION,
      contactEventBody('contact_updated', { id: contactId, name: 'X', email: `c${contactId}@example.com` }),
      {
        secret: SECRET,
        deliveryId,
      },
    );

  it('Temporal down: webhooks answered 202, delivered once each when it is back', async () => {
    await startIngest(1_000);
    await dev.stop(); // Temporal is down from here
    forwarder.start();
    const sent = Array.from({ length: 6 }, (_, i) => ({
      contact: nextContact++,
      delivery: `down-${i}-${randomUUID()}`,
    }));
    for (const s of sent) {
      const res = await send(s.contact, s.delivery);
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ status: 'accepted', deliveryId: s.delivery });
    }
    await waitUntil(async () => forwarder.stats.failures > 0);
    expect(await t.store.inbound.count()).toBe(6);

    dev = await startDev(); // Temporal is back, same port, same history
    await waitUntil(async () => (await t.store.inbound.count()) === 0, 90_000);
    for (const s of sent) expect(await signalledDeliveries(s.contact)).toEqual([s.delivery]);
  }, 180_000);

  it('over the bound: 503 inbound_log_full, with the reason', async () => {
    await startIngest(2); // the forwarder is not started: nothing drains
    expect((await send(nextContact++, `b-1-${randomUUID()}`)).status).toBe(202);
    expect((await send(nextContact++, `b-2-${randomUUID()}`)).status).toBe(202);
    const refused = await send(nextContact++, `b-3-${randomUUID()}`);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'unavailable', reason: 'inbound_log_full' });
    expect(await t.store.inbound.count()).toBe(2);
  });
});

async function waitUntil(pred: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
