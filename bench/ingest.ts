/**
 * Benchmark: webhooks/s ingest accepts and how fast it answers, beside the ceiling of the same Temporal
 * server measured in the same run.
 *
 *   npm run bench:ingest -- [--concurrency 32] [--seconds 15] [--rate 500] [--modes log,direct]
 *                           [--store postgres|pglite] [--workers] [--existing 500] [--breakdown]
 *   (`--modes none --breakdown`: the breakdown alone, without Temporal)
 *
 * Starts a headless Temporal dev server persisting to SQLite (as `npm start` embeds it), then for each
 * ingest mode the real service (`startService`, the same wiring as `npm start`: real listening socket,
 * signature verification, zod, the store's delivery dedupe) with the workers absent unless `--workers`
 * (ingest only needs Temporal to accept the signal). A load generator in a worker thread sends signed
 * webhooks over keep-alive connections:
 *   - closed loop, `--concurrency` senders: new contacts (each starts a workflow), then existing
 *     contacts (their workflows run: signals only);
 *   - open loop at `--rate` webhooks/s for new contacts (latency from the time each was due).
 * In log mode it also times how long the forwarder takes to hand everything to Temporal (drain).
 * The ceiling: a bare Temporal client doing the same signalWithStart (TemporalDispatcher) as fast as it
 * can at the same concurrency, for new and for existing workflows. Prints a table and writes JSON
 * under bench/results/.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Client, Connection } from '@temporalio/client';
import type { ConnectionConfig } from '../src/config/schema';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { startDevServer } from '../src/dev/temporal-dev-server';
import { TemporalDispatcher } from '../src/temporal/dispatcher';
import { appConfigSchema } from '../src/config/schema';
import { createIngestApp } from '../src/ingest/app';
import { BatchedDeliveryRecorder } from '../src/inbound/batched-deliveries';
import { InboundLogDispatcher } from '../src/inbound/log-dispatcher';
import type { EventDispatcher } from '../src/ingest/types';
import { storeEngines } from '../test/helpers/databases';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../test/helpers/harness';
import type { LoadResult, LoadSpec } from './lib/webhook-load';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '15' },
    rate: { type: 'string', default: '500' },
    modes: { type: 'string', default: 'log,direct' },
    store: { type: 'string', default: 'postgres' },
    workers: { type: 'boolean', default: false },
    existing: { type: 'string', default: '500' },
    breakdown: { type: 'boolean', default: false },
  },
});
const CONCURRENCY = Number(values.concurrency);
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
/** `--modes none` with `--breakdown` runs the breakdown alone (no Temporal). */
const MODES = values.modes.split(',').filter((m) => m !== '' && m !== 'none') as ('log' | 'direct')[];
const STORE = values.store === 'pglite' ? 'pglite-memory' : 'postgres';
const EXISTING = Number(values.existing);

interface Figures {
  label: string;
  sent: number;
  accepted: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  statuses: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function figures(label: string, r: LoadResult): Figures {
  const lat = [...r.latenciesMs].sort((a, b) => a - b);
  const accepted = lat.length;
  return {
    label,
    sent: r.sent,
    accepted,
    perSecond: round(accepted / r.elapsedS),
    p50Ms: round(percentile(lat, 50)),
    p99Ms: round(percentile(lat, 99)),
    maxMs: round(lat[lat.length - 1] ?? NaN),
    errors: r.errors + Object.entries(r.statuses).reduce((n, [s, c]) => n + (Number(s) >= 300 ? c : 0), 0),
    statuses: r.statuses,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
const progress = (msg: string) =>
  process.stderr.write(`[bench:ingest ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // tsx's hooks are not inherited by worker threads: register its CommonJS loader in the thread first.
    const file = JSON.stringify(path.join(__dirname, 'lib/webhook-load.ts'));
    const worker = new Worker(`require('tsx/cjs'); require(${file});`, { eval: true, workerData: spec });
    worker.once('message', (m: { ok: boolean; result?: LoadResult; error?: string }) => {
      void worker.terminate();
      if (m.ok && m.result) resolve(m.result);
      else reject(new Error(m.error));
    });
    worker.once('error', reject);
  });
}

let nextId = 1_000_000;
function takeIds(n: number): number {
  const first = nextId;
  nextId += n + 1000;
  return first;
}

/** Waits until the inbound log is empty; returns seconds (0 in direct mode). */
async function drain(h: Harness): Promise<number> {
  const started = performance.now();
  while ((await h.store.inbound.count()) > 0) await new Promise((r) => setTimeout(r, 100));
  return round((performance.now() - started) / 1000);
}

/**
 * Where the time goes without Temporal: the same app (HMAC, zod, classification) with a dispatcher that
 * resolves at once, first alone, then with the store's delivery dedupe. A measuring instrument, not a
 * mode: nothing is durable here.
 */
async function breakdown(): Promise<Figures[]> {
  const engine = storeEngines().find((e) => e.name === STORE)!;
  const t = await engine.open();
  await t.store.migrate();
  const config = appConfigSchema.parse({
    port: 0,
    temporal: {},
    database: {},
    logLevel: 'error',
    connections: [
      {
        id: CONNECTION,
        krayin: { url: 'http://127.0.0.1:9/api/v1', token: '1|bench-token-000' },
        chatwoot: { url: 'http://127.0.0.1:9', accountId: 1, apiToken: 'bench', webhookSecret: WEBHOOK_SECRET },
      },
    ],
  });
  const immediate: EventDispatcher = { dispatch: async () => undefined };
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const out: Figures[] = [];
  try {
    // The last row is log mode's whole durable path (what a 2xx waits for) without the forwarder: it
    // shows what accepting costs when it does not share the machine's cores with Temporal.
    for (const [label, stage] of [
      ['app only (HMAC, zod; no store, no Temporal)', 'app'],
      ['app + delivery dedupe in the store (no Temporal)', 'dedupe'],
      ['app + group-committed dedupe + inbound log, forwarder stopped (durable, no Temporal)', 'log'],
    ] as const) {
      const log = stage === 'log' ? new InboundLogDispatcher({ inbound: t.store.inbound, maxEvents: 1_000_000 }) : null;
      await log?.start();
      const { app } = createIngestApp({
        config,
        dispatcher: log ?? immediate,
        ...(stage === 'dedupe' ? { deliveries: t.store.deliveries } : {}),
        ...(stage === 'log' ? { deliveries: new BatchedDeliveryRecorder(t.store.deliveries) } : {}),
        logger: quiet,
      });
      const server = app.listen(0, '127.0.0.1');
      await new Promise<void>((r) => server.once('listening', () => r()));
      const port = (server.address() as { port: number }).port;
      const load = (loop: 'closed' | 'open') =>
        runLoad({
          url: `http://127.0.0.1:${port}`,
          connection: CONNECTION,
          secret: WEBHOOK_SECRET,
          kind: 'new',
          firstId: takeIds(200_000),
          existingPool: EXISTING,
          loop,
          concurrency: CONCURRENCY,
          rate: RATE,
          seconds: SECONDS,
        });
      progress(`breakdown: ${label}`);
      out.push(figures(`breakdown: ${label}, x${CONCURRENCY}`, await load('closed')));
      // A closed loop of 32 senders measures its own queue (latency = senders / rate); the target is
      // a latency at an offered rate, so every stage also takes an open loop at --rate: the app alone
      // at that rate is the floor the durable path's tail is compared with.
      progress(`breakdown: ${label}, open loop ${RATE}/s`);
      out.push(figures(`breakdown: ${label}, open loop ${RATE}/s`, await load('open')));
      await new Promise((r2) => server.close(r2));
      log?.stop();
    }
  } finally {
    await t.dispose();
  }
  return out;
}

async function ingestRuns(
  mode: 'log' | 'direct',
  stopTemporal: () => Promise<void>,
): Promise<{ runs: Figures[]; drains: Record<string, number> }> {
  progress(`${mode} mode: starting the service`);
  const h = await startHarness({
    storeEngine: STORE,
    workers: values.workers,
    service: { ingest: { mode } },
  });
  const runs: Figures[] = [];
  const drains: Record<string, number> = {};
  try {
    const base: Omit<LoadSpec, 'kind' | 'firstId' | 'loop'> = {
      url: h.ingestUrl,
      connection: CONNECTION,
      secret: WEBHOOK_SECRET,
      existingPool: EXISTING,
      concurrency: CONCURRENCY,
      rate: RATE,
      seconds: SECONDS,
    };
    // Warm-up (JIT, connections, the dev server's caches), not reported.
    await runLoad({ ...base, kind: 'new', firstId: takeIds(100_000), loop: 'closed', seconds: 3 });
    await drain(h);

    const newFirst = takeIds(200_000);
    progress(`${mode}: new contacts, closed loop`);
    const closedNew = await runLoad({ ...base, kind: 'new', firstId: newFirst, loop: 'closed' });
    runs.push(figures(`${mode}: new contacts, closed loop x${CONCURRENCY}`, closedNew));
    drains.closedNew = await drain(h);

    // The existing contacts' workflows must run before we measure signals to them.
    const existingFirst = takeIds(EXISTING);
    await runLoad({ ...base, kind: 'new', firstId: existingFirst, loop: 'open', rate: 200, seconds: EXISTING / 200 });
    await drain(h);
    progress(`${mode}: existing contacts, closed loop`);
    const closedExisting = await runLoad({ ...base, kind: 'existing', firstId: existingFirst, loop: 'closed' });
    runs.push(figures(`${mode}: existing contacts, closed loop x${CONCURRENCY}`, closedExisting));
    drains.closedExisting = await drain(h);

    progress(`${mode}: new contacts, open loop`);
    const openNew = await runLoad({ ...base, kind: 'new', firstId: takeIds(RATE * SECONDS), loop: 'open' });
    runs.push(figures(`${mode}: new contacts, open loop ${RATE}/s`, openNew));
    drains.openNew = await drain(h);
  } finally {
    // The dev server goes first: the harness would otherwise end its thousands of runs one by one.
    await stopTemporal();
    await h.close();
  }
  return { runs, drains };
}

/** The same signalWithStart as ingest, from a bare client, as fast as it can at CONCURRENCY. */
async function ceiling(address: string, mode: string): Promise<Figures[]> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: 'default' });
  const dispatcher = new TemporalDispatcher(client, `bench-ceiling-${randomUUID()}`);
  const conn = { id: CONNECTION } as ConnectionConfig;
  const out: Figures[] = [];
  try {
    const measure = async (label: string, idOf: (i: number) => number) => {
      progress(label);
      const lat: number[] = [];
      let i = 0;
      let errors = 0;
      const started = performance.now();
      const endAt = started + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (performance.now() < endAt) {
            const n = i++;
            const t = performance.now();
            try {
              await dispatcher.dispatch(
                {
                  connectionId: CONNECTION,
                  contactId: idOf(n),
                  deliveryId: randomUUID(),
                  event: 'contact_updated',
                  receivedAt: new Date().toISOString(),
                },
                conn,
              );
              lat.push(performance.now() - t);
            } catch {
              errors += 1;
            }
          }
        }),
      );
      out.push(
        figures(label, {
          sent: i,
          statuses: {},
          errors,
          latenciesMs: lat,
          elapsedS: (performance.now() - started) / 1000,
        }),
      );
    };
    const first = takeIds(200_000);
    await measure(`ceiling (${mode}): bare client, new workflows x${CONCURRENCY}`, (n) => first + n);
    const pool = takeIds(EXISTING);
    await measure(`ceiling (${mode}): bare client, existing workflows x${CONCURRENCY}`, (n) => pool + (n % EXISTING));
  } finally {
    await connection.close();
  }
  return out;
}

async function main(): Promise<void> {
  const results: Figures[] = [];
  const drains: Record<string, Record<string, number>> = {};
  const ceilings: Record<string, { newPerS: number; existingPerS: number }> = {};
  if (values.breakdown) results.push(...(await breakdown()));
  // One fresh dev server per mode, its ceiling measured first: each mode is compared with the server it ran on.
  for (const mode of MODES) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
    const dev = await startDevServer({
      binary: await ensureTemporalBinary(),
      headless: true,
      dbFile: path.join(dataDir, 'temporal.sqlite'),
      readyTimeoutMs: 120_000,
    });
    process.env.TEMPORAL_TEST_ADDRESS = dev.address;
    progress(`${mode}: Temporal dev server at ${dev.address}`);
    try {
      const c = await ceiling(dev.address, mode);
      results.push(...c);
      ceilings[mode] = { newPerS: c[0]!.perSecond, existingPerS: c[1]!.perSecond };
      const r = await ingestRuns(mode, () => dev.stop());
      results.push(...r.runs);
      drains[mode] = r.drains;
    } finally {
      await dev.stop();
    }
  }

  const ratio = (f: Figures) => {
    const mode = f.label.split(':')[0]!.replace('ceiling ', '').replace('(', '').replace(')', '');
    const c = ceilings[mode];
    if (f.label.startsWith('ceiling') || f.label.startsWith('breakdown') || !c) return '-';
    return `${round(f.perSecond / (f.label.includes('existing') ? c.existingPerS : c.newPerS))}`;
  };
  console.log(`\nbench:ingest (${STORE}, workers ${values.workers ? 'in process' : 'absent'}, ${SECONDS} s per run)\n`);
  console.log('| run | accepted/s | x ceiling | p50 ms | p99 ms | max ms | sent | errors |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const f of results) {
    console.log(
      `| ${f.label} | ${f.perSecond} | ${ratio(f)} | ${f.p50Ms} | ${f.p99Ms} | ${f.maxMs} | ${f.sent} | ${f.errors} |`,
    );
  }
  if (drains.log)
    console.log(
      `\nlog mode, seconds until the forwarder had handed everything to Temporal: ${JSON.stringify(drains.log)}`,
    );

  const out = {
    bench: 'ingest',
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    settings: {
      concurrency: CONCURRENCY,
      seconds: SECONDS,
      rate: RATE,
      store: STORE,
      workers: values.workers,
      existing: EXISTING,
    },
    results,
    drainSeconds: drains,
    ceilings,
  };
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `ingest-${out.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwritten ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
