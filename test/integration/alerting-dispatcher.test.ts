/**
 * The alert sent when webhooks cannot be made durable says what failed: the inbound log is full, the
 * store behind it is unavailable, or Temporal did not accept the event. Real inbound log on a real
 * store (PGlite), real Temporal client (to an address where no Temporal listens), real Notifier with a
 * channel that records what it was asked to deliver.
 */
import { Client, Connection } from '@temporalio/client';
import { appConfigSchema } from '../../src/config/schema';
import { InboundLogDispatcher } from '../../src/inbound/log-dispatcher';
import type { ContactEvent, EventDispatcher } from '../../src/ingest/types';
import { Notifier, type NotificationChannel, type RenderedMessage } from '../../src/notify';
import { alertingDispatcher } from '../../src/runtime/alerting-dispatcher';
import { freePort } from '../../src/dev/temporal-dev-server';
import { TemporalDispatcher } from '../../src/temporal/dispatcher';
import { storeEngines, type TestStore } from '../helpers/databases';

const config = appConfigSchema.parse({
  port: 0,
  temporal: {},
  database: {},
  connections: [
    {
      id: 'main',
      krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|krayin-test-token' },
      chatwoot: { url: 'http://127.0.0.1:9', accountId: 1, apiToken: 'chatwoot-token', webhookSecret: 'x'.repeat(24) },
    },
  ],
});
const connection = config.connections[0]!;
let n = 0;
const event = (): ContactEvent => ({
  connectionId: 'main',
  contactId: 42,
  deliveryId: `alert-${n++}`,
  event: 'contact_updated',
  receivedAt: new Date().toISOString(),
});

class RecordingChannel implements NotificationChannel {
  readonly name = 'recording';
  readonly sent: RenderedMessage[] = [];
  async send(m: RenderedMessage): Promise<void> {
    this.sent.push(m);
  }
}
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function alerting(inner: EventDispatcher) {
  const channel = new RecordingChannel();
  const notifier = new Notifier({
    channelsFor: () => ({ channels: [channel], windowMs: 60_000, retryAfterFailureMs: 60_000 }),
    logger: quiet,
  });
  return { dispatcher: alertingDispatcher(inner, notifier), channel, notifier };
}

async function sentAfter(channel: RecordingChannel, count: number): Promise<RenderedMessage[]> {
  const deadline = Date.now() + 5_000;
  while (channel.sent.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return channel.sent;
}

describe('the dispatch alert says what failed', () => {
  const engine = storeEngines()[0]!;
  let t: TestStore;
  beforeEach(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterEach(() => t.dispose());

  it('inbound log full: says so, and that the log drains once Temporal is reachable', async () => {
    const log = new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents: 1 });
    await log.start();
    const { dispatcher, channel } = alerting(log);
    await dispatcher.dispatch(event(), connection);
    await expect(dispatcher.dispatch(event(), connection)).rejects.toMatchObject({ reason: 'inbound_log_full' });
    log.stop();
    const [alert] = await sentAfter(channel, 1);
    expect(alert!.subject).toMatch(/inbound log is full/);
    expect(alert!.body).toMatch(/INGEST_LOG_MAX_EVENTS/);
    expect(`${alert!.subject} ${alert!.body}`).not.toMatch(/cannot be handed to Temporal|database/);

    // Room again: the recovery message names the inbound log.
    log.forwarded(1);
    await dispatcher.dispatch(event(), connection);
    const [, resolved] = await sentAfter(channel, 2);
    expect(resolved!.body).toMatch(/inbound log accepts events again/);
  });

  it('store unavailable: says the database failed, not Temporal', async () => {
    const log = new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents: 100 });
    await log.start();
    log.stop();
    const { dispatcher, channel } = alerting(log);
    await t.store.close(); // the database goes away
    await expect(dispatcher.dispatch(event(), connection)).rejects.toMatchObject({ name: 'InboundStoreError' });
    const [alert] = await sentAfter(channel, 1);
    expect(alert!.subject).toMatch(/database is unavailable/);
    expect(`${alert!.subject} ${alert!.body}`).not.toMatch(/Temporal/);
  });

  it('Temporal unreachable (INGEST_MODE=direct): says Temporal', async () => {
    // Nothing listens on that port; the deadline spares the client's retries (seconds of backoff).
    const temporal = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const { dispatcher, channel } = alerting(
      new TemporalDispatcher(new Client({ connection: temporal }), 'alert-test'),
    );
    await expect(
      temporal.withDeadline(Date.now() + 2_000, () => dispatcher.dispatch(event(), connection)),
    ).rejects.toThrow();
    const [alert] = await sentAfter(channel, 1);
    expect(alert!.subject).toMatch(/cannot be handed to Temporal/);
    await temporal.close();
  }, 60_000);
});
