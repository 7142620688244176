/**
 * End-to-end harness: the real product wired to fakes over HTTP.
 *
 *   webhook (signed, real HTTP) -> startService() (the same wiring as `npm start`: ingest, admin API,
 *   metrics, workers) -> Temporal dev server -> fake Chatwoot API / fake Krayin ; store = PGlite or Postgres
 *
 * Each harness gets its own task queue, store and fakes, so test files run in parallel safely.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { request } from 'undici';
import { encryptedDataConverter, FAILURE_CONVERTER_PATH } from '../../src/codec/data-converter';
import { createEncryptionCodec } from '../../src/codec/encryption-codec';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import { createLogger } from '../../src/logging';
import { startService } from '../../src/runtime';
import type { ConnectionSettings } from '../../src/settings/types';
import { contactWorkflowId, type ContactSyncStatus, statusQuery } from '../../workflows/api';
import type { Store } from '../../src/store/types';
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
export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

// Worker logs at ERROR: the activity failures tests provoke on purpose (WARN) would drown real problems.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this jest worker
}

const bundles = new Map<string, Promise<{ code: string }>>();
/**
 * Bundling takes ~2 s: once per test file (and flavour: with payload encryption the bundle carries the
 * failure converter that encrypts error texts).
 */
export function workflowBundle(opts: { encrypted?: boolean } = {}): Promise<{ code: string }> {
  const key = opts.encrypted ? 'encrypted' : 'plain';
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath: require.resolve('../../workflows'),
      logger: quietLogger,
      ...(opts.encrypted ? { failureConverterPath: FAILURE_CONVERTER_PATH } : {}),
    });
    bundles.set(key, bundle);
  }
  return bundle;
}

export interface HarnessOptions {
  /** Overrides of the connection's `sync` settings. */
  sync?: Record<string, unknown>;
  /** The connection's `twoWay` settings (two-way sync; off unless given). */
  twoWay?: Record<string, unknown>;
  /** The connection's `krayinHooks` settings (Krayin webhook hints; off unless given). */
  krayinHooks?: Record<string, unknown>;
  /** The connection's `crmFacts` settings (the lead's CRM facts on the Chatwoot contact; defaults unless given). */
  crmFacts?: Record<string, unknown>;
  /** The connection's `dashboardApp` settings (the Chatwoot dashboard app; off unless given). */
  dashboardApp?: Record<string, unknown>;
  /** Overrides of the connection's `krayin` settings (timeouts, rate). */
  krayinSettings?: Record<string, unknown>;
  krayin?: FakeKrayinOptions;
  /**
   * Another Krayin instead of the fake (the real-krayin tier: the real Krayin behind a counting proxy).
   * The harness's `krayin` then throws on use; `krayinCalls()` reads `calls()`.
   */
  externalKrayin?: ExternalKrayin;
  /** Which store engine (default: the first of storeEngines(), i.e. PGlite in memory). */
  storeEngine?: StoreEngineName;
  /** Run workers in this process (default true). false: the test runs them (e.g. in a child process). */
  workers?: boolean;
  /** Extra service-level settings (notifications, codec...). */
  service?: Record<string, unknown>;
  /** TEMPORAL_UI_URL: where the console's "Open in Temporal" links point. */
  temporalUiUrl?: string;
  /** The connection's `enabled` in the configuration (default true). */
  connectionEnabled?: boolean;
  /** Collect the service's JSON log lines (at debug level) here, e.g. to check no secret is logged. */
  logLines?: string[];
}

export interface Harness {
  config: AppConfig;
  /** The service's console settings (a change applies at once in this process, as the console's does). */
  settings: ConnectionSettings;
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
  /** Every row of every table of the store, as JSON text (to prove what is, and is not, stored). */
  dumpStore(): Promise<string>;
  /** Calls the admin API with the harness's admin token. */
  admin(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export interface ExternalKrayin {
  apiBase: string;
  token: string;
  calls(): ReturnType<FakeKrayin['requests']>;
}

/** Stands in for the fake when the harness talks to another Krayin: any use is a test bug. */
function noFakeKrayin(): FakeKrayin {
  return new Proxy({} as FakeKrayin, {
    get: (_t, prop) => {
      if (prop === 'then') return undefined;
      throw new Error(`harness.krayin.${String(prop)}: this harness talks to an external Krayin, not the fake`);
    },
  });
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
    const external = opts.externalKrayin;
    const krayin = external ? noFakeKrayin() : await startFakeKrayin({ rateLimit: 0, ...opts.krayin });
    if (!external) cleanups.push(() => krayin.close());
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
      dataDir: mkdtempSync(path.join(tmpdir(), 'cks-harness-')),
      adminToken: ADMIN_TOKEN,
      ...opts.service,
      temporal: {
        address: temporalAddress,
        namespace: 'default',
        taskQueue,
        ...(opts.temporalUiUrl ? { uiUrl: opts.temporalUiUrl } : {}),
      },
      database: {},
      connections: [
        {
          id: CONNECTION,
          ...(opts.connectionEnabled === false ? { enabled: false } : {}),
          krayin: {
            url: external?.apiBase ?? krayin.apiBase,
            token: external?.token ?? krayin.token,
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
          // No reconciliation schedules unless a test asks: they would outlive the harness on the shared server.
          sync: { debounceMs: 300, idleCloseMs: 60_000, reconcile: { schedule: 'off' }, ...opts.sync },
          ...(opts.twoWay ? { twoWay: opts.twoWay } : {}),
          ...(opts.krayinHooks ? { krayinHooks: opts.krayinHooks } : {}),
          ...(opts.crmFacts ? { crmFacts: opts.crmFacts } : {}),
          ...(opts.dashboardApp ? { dashboardApp: opts.dashboardApp } : {}),
        },
      ],
    });

    // The real composition root: ingest app, admin API, metrics, workers, as `npm start` wires them.
    const lines = opts.logLines;
    const log = lines ? createLogger('debug', {}, (line) => lines.push(line)) : createLogger('error');
    const service = await startService(config, {
      worker: opts.workers !== false,
      ingest: true,
      logger: log,
      store,
      workflowBundle: await workflowBundle({ encrypted: config.codec.encryption !== undefined }),
    });
    cleanups.push(() => service.stop());
    const ingestUrl = service.ingestUrl!.replace('localhost', '127.0.0.1');

    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({
      connection,
      namespace: 'default',
      ...(config.codec.encryption
        ? { dataConverter: encryptedDataConverter(createEncryptionCodec(config.codec.encryption)) }
        : {}),
    });
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

    // With INGEST_MODE=log a 2xx means "committed to the inbound log"; the forwarder hands it to
    // Temporal a moment later. A test that then queries the contact's workflow must not read the run
    // that was there before the event (a query answers from a closed run too), so `post` returns once
    // this connection's events left the log, as a webhook's effect is observed in production: after it
    // reached Temporal. (Events of other connection ids a test puts in the log are not waited for.)
    const handedToTemporal = async (): Promise<void> => {
      const deadline = Date.now() + 30_000;
      while ((await store.inbound.oldest([CONNECTION], 1)).length > 0) {
        if (Date.now() > deadline) throw new Error('the inbound log was not handed to Temporal within 30 s');
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const post = async (rawBody: Buffer | string, o: SendOptions = {}) => {
      const res = await postWebhook(ingestUrl, CONNECTION, rawBody, {
        secret: WEBHOOK_SECRET,
        ...(o.deliveryId ? { deliveryId: o.deliveryId } : {}),
      });
      if (res.status >= 200 && res.status < 300 && config.ingest.mode === 'log') await handedToTemporal();
      return res;
    };
    const handle = (contactId: number) => client.workflow.getHandle(contactWorkflowId(CONNECTION, contactId));
    const status = (contactId: number) => handle(contactId).query(statusQuery);

    return {
      config,
      settings: service.settings,
      krayin,
      chatwoot,
      store,
      storeEngine: engine.name,
      databaseUrl: testStore.databaseUrl ?? null,
      dumpStore: async () => {
        const { rows: tables } = await testStore.db.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        );
        const dump: Record<string, unknown[]> = {};
        for (const { table_name } of tables) {
          dump[table_name] = (await testStore.db.query(`SELECT * FROM "${table_name}"`)).rows;
        }
        return JSON.stringify(dump, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      },
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
      krayinCalls: () => (external ? external.calls() : krayin.requests()),
      admin: (method, path, body) => adminCall(ingestUrl, method, path, body),
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

async function adminCall(base: string, method: 'GET' | 'POST', urlPath: string, body?: unknown) {
  const res = await request(`${base}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? JSON.parse(text) : null };
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
