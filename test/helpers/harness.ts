/**
 * End-to-end harness: the real product wired to fakes over HTTP.
 *
 *   webhook (signed, real HTTP) -> ingest app -> Temporal dev server -> workers (this process)
 *   -> fake Chatwoot API (contact re-read) / fake Krayin (writes) ; store = PGlite or Postgres
 *
 * Each harness gets its own task queue, store and fakes, so test files run in parallel safely.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { createIngestApp } from '../../src/ingest/app';
import { createLogger } from '../../src/logging';
import { contactWorkflowId, type ContactSyncStatus, statusQuery } from '../../src/shared/contact-sync-api';
import type { Store } from '../../src/store/types';
import { createConnectionRegistry } from '../../src/sync/create-registry';
import { TemporalDispatcher } from '../../src/temporal/dispatcher';
import { createWorkers, type WorkerSet } from '../../src/temporal/workers';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin, type FakeKrayinOptions } from '../fakes/krayin';
import type { StoreEngineName, TestStore } from './databases';
import { storeEngines } from './databases';
import {
  contactEventBody,
  postWebhook,
  type AttributeChange,
  type ContactInput,
  type WebhookResponse,
} from './webhooks';

export const CONNECTION = 'default';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

// Worker logs at ERROR: the activity failures tests provoke on purpose (WARN) would drown real problems.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this jest worker
}

let bundle: Promise<{ code: string }> | null = null;
/** Bundling takes ~2 s: once per test file. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  return bundle;
}

export interface HarnessOptions {
  /** Overrides of the connection's `sync` settings. */
  sync?: Record<string, unknown>;
  /** Overrides of the connection's `krayin` settings (timeouts, rate). */
  krayinSettings?: Record<string, unknown>;
  krayin?: FakeKrayinOptions;
  /** Which store engine (default: the first of storeEngines(), i.e. PGlite in memory). */
  storeEngine?: StoreEngineName;
  /** Run workers in this process (default true). false: the test starts them (e.g. in a child process). */
  workers?: boolean;
}

export interface Harness {
  config: AppConfig;
  krayin: FakeKrayin;
  chatwoot: FakeChatwoot;
  store: Store;
  storeEngine: StoreEngineName;
  /** Connection string when the store is Postgres (so a child-process worker can share it). */
  databaseUrl: string | null;
  client: Client;
  temporalAddress: string;
  ingestUrl: string;
  /** Upserts the contact in the fake Chatwoot, then delivers a signed webhook for it. */
  sendContact(
    event: 'contact_created' | 'contact_updated',
    contact: ContactInput,
    opts?: SendOptions,
  ): Promise<WebhookResponse>;
  /** Delivers a raw signed webhook body. */
  post(rawBody: Buffer | string, opts?: SendOptions): Promise<WebhookResponse>;
  handle(contactId: number): WorkflowHandle;
  status(contactId: number): Promise<ContactSyncStatus>;
  /** Polls the workflow's status query until `pred` holds (syncs are asynchronous by design). */
  waitFor(contactId: number, pred: (s: ContactSyncStatus) => boolean, timeoutMs?: number): Promise<ContactSyncStatus>;
  /** Krayin API requests received by the fake since the last `krayin.clearRequests()`. */
  krayinCalls(): ReturnType<FakeKrayin['requests']>;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export interface SendOptions {
  deliveryId?: string;
  /** contact_updated only: default is a real (name) change. */
  changedAttributes?: AttributeChange[] | null;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const temporalAddress = process.env.TEMPORAL_TEST_ADDRESS;
  if (!temporalAddress) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run through the integration jest project');

  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const krayin = await startFakeKrayin({ rateLimit: 0, ...opts.krayin });
    cleanups.push(() => krayin.close());
    const chatwoot = await startFakeChatwoot();
    cleanups.push(() => chatwoot.close());

    const engines = storeEngines();
    const engine = engines.find((e) => e.name === (opts.storeEngine ?? engines[0]!.name));
    if (!engine) throw new Error(`store engine ${opts.storeEngine} is not available here`);
    const testStore: TestStore = await engine.open();
    cleanups.push(() => testStore.dispose());
    const store = testStore.store;
    await store.migrate();

    const taskQueue = `e2e-${randomUUID()}`;
    const config = appConfigSchema.parse({
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      temporal: { address: temporalAddress, namespace: 'default', taskQueue },
      database: {},
      connections: [
        {
          id: CONNECTION,
          krayin: {
            url: krayin.apiBase,
            token: krayin.token,
            timezone: opts.krayin?.timezone ?? 'UTC',
            requestsPerMinute: 6000,
            timeoutMs: 2_000,
            ...opts.krayinSettings,
          },
          chatwoot: {
            url: chatwoot.url,
            accountId: chatwoot.accountId,
            apiToken: chatwoot.apiToken,
            webhookSecret: WEBHOOK_SECRET,
          },
          sync: { debounceMs: 300, idleCloseMs: 60_000, ...opts.sync },
        },
      ],
    });

    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: 'default' });

    const log = createLogger('error');
    const { app } = createIngestApp({
      config,
      dispatcher: new TemporalDispatcher(client, config),
      deliveries: store.deliveries,
      logger: log,
    });
    const server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          server.close(() => r());
          server.closeAllConnections();
        }),
    );
    const ingestUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

    let workers: { set: WorkerSet; running: Promise<void>; native: NativeConnection } | null = null;
    const startWorkers = async () => {
      if (workers) return;
      const native = await NativeConnection.connect({ address: temporalAddress });
      const connections = createConnectionRegistry(config);
      const set = await createWorkers({
        connection: native,
        config,
        activities: createActivities({ store, connections }),
        workflowBundle: await workflowBundle(),
        shutdownGraceTime: '1s',
      });
      workers = { set, running: set.run(), native };
    };
    const stopWorkers = async () => {
      if (!workers) return;
      const w = workers;
      workers = null;
      await w.set.shutdown();
      await w.running.catch(() => undefined);
      await w.native.close();
    };
    cleanups.push(stopWorkers);
    // Workflow ids are per contact, not per harness: end this harness's runs so a later harness that
    // reuses a contact id starts fresh instead of signalling a run whose workers are gone.
    cleanups.push(async () => {
      for await (const wf of client.workflow.list({
        query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`,
      })) {
        await client.workflow
          .getHandle(wf.workflowId, wf.runId)
          .terminate('test harness closed')
          .catch(() => undefined);
      }
    });
    if (opts.workers !== false) await startWorkers();

    const post = (rawBody: Buffer | string, o: SendOptions = {}) =>
      postWebhook(ingestUrl, CONNECTION, rawBody, {
        secret: WEBHOOK_SECRET,
        ...(o.deliveryId ? { deliveryId: o.deliveryId } : {}),
      });
    const handle = (contactId: number) => client.workflow.getHandle(contactWorkflowId(CONNECTION, contactId));
    const status = (contactId: number) => handle(contactId).query(statusQuery);

    return {
      config,
      krayin,
      chatwoot,
      store,
      storeEngine: engine.name,
      databaseUrl: testStore.databaseUrl ?? null,
      client,
      temporalAddress,
      ingestUrl,
      sendContact: (event, contact, o = {}) => {
        chatwoot.upsertContact(contact);
        return post(
          contactEventBody(
            event,
            contact,
            o.changedAttributes === undefined ? {} : { changedAttributes: o.changedAttributes },
          ),
          o,
        );
      },
      post,
      handle,
      status,
      waitFor: async (contactId, pred, timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        let last: ContactSyncStatus | undefined;
        let lastError: unknown;
        for (;;) {
          try {
            last = await status(contactId);
            if (pred(last)) return last;
          } catch (e) {
            lastError = e;
          }
          if (Date.now() > deadline) {
            throw new Error(
              `contact ${contactId}: condition not reached in ${timeoutMs} ms; last status ${JSON.stringify(last)}${
                lastError ? `; last error ${String(lastError)}` : ''
              }`,
            );
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      krayinCalls: () => krayin.requests(),
      startWorkers,
      stopWorkers,
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** Calls the fake Krayin received, as "METHOD /path" strings (query omitted). */
export function callList(calls: { method: string; path: string }[]): string[] {
  return calls.map((c) => `${c.method} ${c.path}`);
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};
