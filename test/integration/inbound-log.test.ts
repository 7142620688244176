/**
 * The inbound log of INGEST_MODE=log on real Postgres and PGlite, forwarded to the real Temporal dev
 * server of the integration project (no worker: Temporal accepting the signal is what we check, read
 * back from the workflow's history).
 *
 * - group commit: concurrent dispatches share a few INSERTs, each resolves only once its row is there;
 * - order: the forwarder signals each contact's events in order of arrival;
 * - a crash between COMMIT and signal: the event waits in the log and is delivered once after restart;
 * - the bound: beyond `maxEvents` waiting events, dispatch refuses with `inbound_log_full`.
 * Temporal down and the HTTP answers: inbound-log-http.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { appConfigSchema, type ConnectionConfig } from '../../src/config/schema';
import { BatchedDeliveryRecorder } from '../../src/inbound/batched-deliveries';
import { FORWARDER_LEASE, InboundForwarder } from '../../src/inbound/forwarder';
import { InboundLogDispatcher } from '../../src/inbound/log-dispatcher';
import type { ContactEvent, IngestLogger } from '../../src/ingest/types';
import { TemporalDispatcher } from '../../src/temporal/dispatcher';
import { contactWorkflowId } from '../../workflows/api';
import { storeEngines, type TestStore } from '../helpers/databases';

const CONNECTION = 'inbound';
const config = appConfigSchema.parse({
  temporal: {},
  database: {},
  connections: [
    {
      id: CONNECTION,
      krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|krayin-test-token' },
      chatwoot: {
        url: 'http://127.0.0.1:9',
        accountId: 1,
        apiToken: 'chatwoot-test-token',
        webhookSecret: 'secret-secret-secret-1234',
      },
    },
  ],
});
const connection = config.connections[0] as ConnectionConfig;
const quiet: IngestLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let nextContact = 7_000_000 + Math.floor(Math.random() * 1_000_000);
function event(contactId: number, n = 0): ContactEvent {
  return {
    connectionId: CONNECTION,
    contactId,
    deliveryId: `d-${contactId}-${n}-${randomUUID().slice(0, 8)}`,
    event: 'contact_updated',
    receivedAt: new Date().toISOString(),
  };
}

let temporal: Connection;
let client: Client;
beforeAll(async () => {
  temporal = await Connection.connect({ address: process.env.TEMPORAL_TEST_ADDRESS! });
  client = new Client({ connection: temporal, namespace: 'default' });
});
afterAll(async () => {
  await temporal.close();
});

/** Delivery ids of the contact workflow's signals, in history order. */
async function signalledDeliveries(contactId: number): Promise<string[]> {
  const history = await client.workflow.getHandle(contactWorkflowId(CONNECTION, contactId)).fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowExecutionSignaledEventAttributes)
    .map((e) => {
      const payload = e.workflowExecutionSignaledEventAttributes!.input!.payloads![0]!;
      return (defaultPayloadConverter.fromPayload(payload) as { deliveryId: string }).deliveryId;
    });
}

describe.each(storeEngines().map((e) => [e.name, e] as const))('inbound log on %s', (_name, engine) => {
  let t: TestStore;
  const taskQueue = `inbound-${randomUUID()}`;
  beforeEach(async () => {
    t = await engine.open();
    await t.store.migrate();
  });
  afterEach(async () => {
    await t.dispose();
  });

  const forwarder = (overrides: Partial<ConstructorParameters<typeof InboundForwarder>[0]> = {}) =>
    new InboundForwarder({
      inbound: t.store.inbound,
      temporal: new TemporalDispatcher(client, taskQueue),
      connections: config.connections,
      logger: quiet,
      concurrency: 8,
      idlePollMs: 50,
      ...overrides,
    });

  it('group commit: 300 concurrent webhooks in a few INSERTs, each resolved once its row is committed', async () => {
    const log = new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents: 10_000 });
    await log.start();
    const events = Array.from({ length: 300 }, (_, i) => event(nextContact++, i));
    const committed = new Set<string>();
    await Promise.all(
      events.map(async (e) => {
        await log.dispatch(e, connection);
        committed.add(e.deliveryId);
      }),
    );
    log.stop();
    expect(committed.size).toBe(300);
    expect(log.stats.items).toBe(300);
    // Every dispatch waited for a write; they shared them: far fewer writes than webhooks.
    expect(log.stats.batches).toBeLessThan(10);
    const rows = await t.store.inbound.oldest([CONNECTION], 1_000);
    expect(rows.map((r) => r.deliveryId)).toEqual(events.map((e) => e.deliveryId));
    expect(rows[0]).toMatchObject({ ...events[0], seq: expect.any(Number) });
  });

  it('batched delivery dedupe: one INSERT for concurrent webhooks, a repeated id is new only once', async () => {
    const recorder = new BatchedDeliveryRecorder(t.store.deliveries);
    const ids = Array.from({ length: 50 }, (_, i) => `bd-${i}-${randomUUID()}`);
    await t.store.deliveries.record(CONNECTION, ids[0]!, 'contact_updated', 1); // already seen before
    const calls = [...ids, ids[1]!, ids[1]!].map((id) => recorder.record(CONNECTION, id, 'contact_updated', 1));
    const answers = await Promise.all(calls);
    expect(answers[0]).toBe(false);
    expect(answers.slice(1, 50)).toEqual(Array(49).fill(true));
    expect(answers.slice(50)).toEqual([false, false]);
    expect(await recorder.record(CONNECTION, ids[7]!, 'contact_updated', 1)).toBe(false);
    const { rows } = await t.db.query<{ n: unknown }>('SELECT count(*) AS n FROM webhook_deliveries');
    expect(Number(rows[0]!.n)).toBe(50);
  });

  it('a delivery appended twice is one row', async () => {
    const e = event(nextContact++);
    await t.store.inbound.append([e, e]);
    await t.store.inbound.append([e]);
    expect(await t.store.inbound.count()).toBe(1);
  });

  it('the forwarder signals each contact in order of arrival and empties the log', async () => {
    const a = nextContact++;
    const b = nextContact++;
    const events = [event(a, 1), event(b, 1), event(a, 2), event(a, 3), event(b, 2)];
    for (const e of events) await t.store.inbound.append([e]); // one by one: seq = this order
    const f = forwarder();
    expect(await f.round()).toEqual({ forwarded: 5, failed: 0 });
    expect(await t.store.inbound.count()).toBe(0);
    expect(await signalledDeliveries(a)).toEqual([0, 2, 3].map((i) => events[i]!.deliveryId));
    expect(await signalledDeliveries(b)).toEqual([1, 4].map((i) => events[i]!.deliveryId));
  });

  it('a crash between COMMIT and signal: the event waits in the log and is delivered once after restart', async () => {
    const contact = nextContact++;
    const e = event(contact);
    // The process that accepted the webhook committed it and died before any forwarder ran.
    const before = new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents: 100 });
    await before.dispatch(e, connection);
    expect(await t.store.inbound.count()).toBe(1);

    // The restarted process: its forwarder drains what is left.
    const after = forwarder();
    after.start();
    await waitUntil(async () => (await t.store.inbound.count()) === 0);
    await after.stop();
    expect(await signalledDeliveries(contact)).toEqual([e.deliveryId]);
  });

  it('two forwarders on one store: only the lease holder drains', async () => {
    const first = forwarder();
    const second = forwarder();
    expect(await t.store.inbound.claimLease('inbound-forwarder', first.holder, 60_000)).toBe(true);
    expect(await t.store.inbound.claimLease('inbound-forwarder', second.holder, 60_000)).toBe(false);
    expect(await t.store.inbound.claimLease('inbound-forwarder', first.holder, 60_000)).toBe(true);
    await t.store.inbound.releaseLease('inbound-forwarder', first.holder);
    expect(await t.store.inbound.claimLease('inbound-forwarder', second.holder, 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    // Expired: anyone may take it.
    expect(await t.store.inbound.claimLease('inbound-forwarder', first.holder, 60_000)).toBe(true);
  });

  it('a long round renews the lease as it goes, and stops signalling the moment another holder has it', async () => {
    const contact = nextContact++;
    const events = Array.from({ length: 6 }, (_, i) => event(contact, i));
    for (const e of events) await t.store.inbound.append([e]);
    const other = forwarder();
    const temporal = new TemporalDispatcher(client, taskQueue);
    let calls = 0;
    const slow = forwarder({
      leaseMs: 150,
      concurrency: 1,
      temporal: {
        async dispatch(e, conn) {
          calls += 1;
          // Temporal answering slowly: each signal outlasts a third of the lease, so every next one
          // renews it first. The renewals keep the other replica out...
          await new Promise((r) => setTimeout(r, 60));
          if (calls === 2) expect(await t.store.inbound.claimLease(FORWARDER_LEASE, other.holder, 60_000)).toBe(false);
          // ...until this one stalls past the lease's end and the other replica takes over.
          if (calls === 3) {
            await new Promise((r) => setTimeout(r, 200));
            expect(await t.store.inbound.claimLease(FORWARDER_LEASE, other.holder, 60_000)).toBe(true);
          }
          await temporal.dispatch(e, conn);
        },
      },
    });
    expect(await t.store.inbound.claimLease(FORWARDER_LEASE, slow.holder, 150)).toBe(true);
    expect(await slow.round()).toEqual({ forwarded: 3, failed: 0 });
    expect(calls).toBe(3);
    // The rest waits in the log, in order, for the lease holder.
    expect((await t.store.inbound.oldest([CONNECTION], 100)).map((r) => r.deliveryId)).toEqual(
      events.slice(3).map((e) => e.deliveryId),
    );
    expect((await other.round()).forwarded).toBe(3);
    expect(await signalledDeliveries(contact)).toEqual(events.map((e) => e.deliveryId));
  });

  it('over the bound: dispatch refuses with inbound_log_full until the forwarder made room', async () => {
    const log = new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents: 3 });
    await log.start();
    for (let i = 0; i < 3; i++) await log.dispatch(event(nextContact++), connection);
    await expect(log.dispatch(event(nextContact++), connection)).rejects.toMatchObject({
      name: 'IngestUnavailableError',
      reason: 'inbound_log_full',
    });
    const f = forwarder({ onForwarded: (n) => log.forwarded(n) });
    expect((await f.round()).forwarded).toBe(3);
    await expect(log.dispatch(event(nextContact++), connection)).resolves.toBeUndefined();
    log.stop();
  });
});

async function waitUntil(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
