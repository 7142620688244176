/**
 * Benchmark: a backfill against the fake Krayin's own limiter: how much of the budget it uses, how long
 * it takes, what it costs per contact, and the worker's memory.
 *
 *   npm run bench:backfill -- [--contacts 10000] [--budget 60] [--window 30]
 *                             [--idle-close-ms 3600000] [--max-cached <n>|sdk]
 *
 * Starts a headless Temporal dev server, the fake Krayin with its limiter at `--budget` N/min (an overrun
 * shows up as 429s), the fake Chatwoot holding `--contacts` contacts that never sent a webhook, a fresh
 * Postgres database, and ONE worker process (test/helpers/worker-main.ts: the real `worker` wiring) whose
 * RSS is sampled from /proc every 500 ms. Runs a backfill to the end and reports, from the fake Krayin's
 * request log: sustained requests/min as % of N (target >= 90 %), total time, Krayin calls per contact,
 * 429s; and the worker's peak RSS (target <= 400 MB at 10,000 contacts).
 *
 * Memory: contact workflows stay open `--idle-close-ms` after their sync (default: the product's
 * IDLE_CLOSE_MS, 1 h, so every contact the backfill touches is still open at its end, as in production).
 * `--max-cached` is the worker's WORKER_MAX_CACHED_WORKFLOWS (default: the product default); `sdk` gives
 * the SDK's own default, sized from the V8 heap limit (the worker before that setting existed). The worker
 * also logs process.memoryUsage() every second and exports the SDK's metrics, so the JSON shows where the
 * RSS goes (main-thread V8 heap vs. the rest: the workflow thread's isolate, the SDK core, code) and how
 * many workflows the SDK had cached. The dev server's RSS is sampled too.
 * Prints a table and writes JSON under bench/results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../src/config/schema';
import { DEFAULT_NODE_OPTIONS } from '../src/runtime/node-heap';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { freePort, startDevServer } from '../src/dev/temporal-dev-server';
import { backfillProgressQuery, type BackfillProgress } from '../workflows/backfill-api';
import { startHarness, workflowBundle, type Harness } from '../test/helpers/harness';
import { spawnWorker, writeBundle, type WorkerProcess } from '../test/helpers/worker-process';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000' },
    budget: { type: 'string', default: '60' },
    window: { type: 'string', default: '30' },
    'idle-close-ms': { type: 'string', default: '3600000' },
    'max-cached': { type: 'string', default: String(DEFAULT_MAX_CACHED_WORKFLOWS) },
  },
});
const CONTACTS = Number(values.contacts);
const N = Number(values.budget);
const WINDOW = Number(values.window);
const IDLE_CLOSE_MS = Number(values['idle-close-ms']);
/** The SDK's default with reuseV8Context: 600 workflows per GB of heap limit above 200 MB (same node, same limit). */
const SDK_DEFAULT_CACHE = Math.max(
  Math.floor((Math.max(getHeapStatistics().heap_size_limit / 1024 / 1024 - 200, 0) * 600) / 1024),
  10,
);
const MAX_CACHED = values['max-cached'] === 'sdk' ? SDK_DEFAULT_CACHE : Number(values['max-cached']);
const WINDOW_MS = 60_000;
const FIRST_ID = 100_000;

async function main(): Promise<void> {
  const dev = await startDevServer({ binary: await ensureTemporalBinary(), headless: true, readyTimeoutMs: 120_000 });
  process.env.TEMPORAL_TEST_ADDRESS = dev.address;
  let h: Harness | undefined;
  let worker: WorkerProcess | undefined;
  let sampler: NodeJS.Timeout | undefined;
  try {
    h = await startHarness({
      storeEngine: 'postgres',
      workers: false,
      krayin: { rateLimit: N },
      krayinSettings: { requestsPerMinute: Math.min(N, 6000), timeoutMs: 5_000 },
      sync: { debounceMs: 200, idleCloseMs: IDLE_CLOSE_MS },
      service: { worker: { maxCachedWorkflows: MAX_CACHED } },
    });
    for (let i = 0; i < CONTACTS; i++) {
      const id = FIRST_ID + i;
      h.chatwoot.upsertContact({
        id,
        name: `Backfill ${id}`,
        email: `backfill.${id}@example.com`,
        phone_number: '',
        additional_attributes: {},
        custom_attributes: {},
      });
    }
    const bundlePath = writeBundle((await workflowBundle()).code);
    const memoryLog = path.join(mkdtempSync(path.join(tmpdir(), 'cks-backfill-mem-')), 'memory.jsonl');
    const sdkMetrics = `127.0.0.1:${await freePort()}`;
    process.env.CKS_MEMORY_LOG = memoryLog;
    process.env.CKS_SDK_METRICS = sdkMetrics;
    worker = await spawnWorker(h.config, h.databaseUrl!, { bundlePath });
    const pid = worker.pid;
    let peakRss = rssOf(pid);
    let peakDevRss = rssOf(dev.pid);
    let peakCached = 0;
    let cached = 0;
    const startRss = peakRss;
    sampler = setInterval(() => {
      peakRss = Math.max(peakRss, rssOf(pid));
      peakDevRss = Math.max(peakDevRss, rssOf(dev.pid));
    }, 500);
    const cacheSampler = setInterval(() => {
      stickyCacheSize(sdkMetrics).then(
        (n) => {
          if (n === null) return;
          cached = n;
          peakCached = Math.max(peakCached, n);
        },
        () => undefined,
      );
    }, 2_000);
    console.log(
      `worker pid ${pid} up (RSS ${mb(startRss)} MB); ${CONTACTS} contacts; budget ${N}/min; window ${WINDOW}; ` +
        `idle close ${IDLE_CLOSE_MS} ms; max cached workflows ${MAX_CACHED}`,
    );
    const timeline: { s: number; done: number; rssMb: number; cached: number; heapUsedMb: number }[] = [];

    h.krayin.clearRequests();
    // The fake keeps only its last 10,000 requests: drain them as they come, so a long run counts all.
    // It runs in this process, so reading and clearing back to back loses none.
    const krayinLog: { at: number; status: number }[] = [];
    const drainKrayinLog = () => {
      const fake = h!.krayin;
      for (const c of fake.requests()) krayinLog.push({ at: c.at, status: c.status });
      fake.clearRequests();
    };
    const drainer = setInterval(drainKrayinLog, 5_000);
    const started = Date.now();
    const handle = await h.client.workflow.start('backfill', {
      workflowId: `bench-backfill-${Date.now()}`,
      taskQueue: h.config.temporal.taskQueue,
      args: [{ connectionId: 'default', window: WINDOW }],
    });
    const ticker = setInterval(() => {
      handle.query(backfillProgressQuery).then(
        (p) => {
          const rss = mb(rssOf(pid));
          const heapUsedMb = mb(lastMemory(memoryLog)?.heapUsed ?? 0);
          timeline.push({ s: Math.round((Date.now() - started) / 1000), done: p.done, rssMb: rss, cached, heapUsedMb });
          console.log(
            `  ${p.done}/${p.total} done, ${p.ratePerMin}/min, in flight ${p.inFlight}, RSS ${rss} MB ` +
              `(peak ${mb(peakRss)}), heap used ${heapUsedMb} MB, cached workflows ${cached}`,
          );
        },
        () => undefined,
      );
    }, 15_000);
    const result = (await handle.result()) as BackfillProgress;
    clearInterval(ticker);
    const totalMs = Date.now() - started;
    clearInterval(sampler);
    clearInterval(cacheSampler);
    sampler = undefined;
    const memory = memoryFigures(memoryLog);

    clearInterval(drainer);
    drainKrayinLog();
    const budget = budgetFigures(krayinLog);
    const out = {
      date: new Date().toISOString(),
      contacts: CONTACTS,
      budgetPerMinute: N,
      window: WINDOW,
      idleCloseMs: IDLE_CLOSE_MS,
      maxCachedWorkflows: MAX_CACHED,
      maxCachedWorkflowsSource: values['max-cached'] === 'sdk' ? 'sdk default (from the V8 heap limit)' : 'setting',
      // The worker inherits these: process-wide V8 and allocator settings change its memory. Without
      // NODE_OPTIONS the worker gets the product's default ceiling (spawnWorker, src/runtime/node-heap.ts).
      workerEnv: {
        NODE_OPTIONS: process.env.NODE_OPTIONS ?? DEFAULT_NODE_OPTIONS,
        MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? null,
      },
      totalSeconds: Math.round(totalMs / 100) / 10,
      contactsPerMinute: Math.round((CONTACTS / totalMs) * 60_000 * 10) / 10,
      krayinCallsPerContact: Math.round((budget.krayinRequests / CONTACTS) * 100) / 100,
      ...budget,
      workerRssStartMb: mb(startRss),
      workerRssPeakMb: mb(peakRss),
      ...memory,
      sdkCachedWorkflowsPeak: peakCached,
      devServerRssPeakMb: mb(peakDevRss),
      counts: result.counts,
      timeline,
    };
    printTable(out);
    const dir = path.join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `backfill-${out.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  } finally {
    if (sampler) clearInterval(sampler);
    await worker?.kill();
    await h?.close();
    await dev.stop();
  }
}

interface MemorySample {
  at: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

function memorySamples(file: string): MemorySample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MemorySample);
}

function lastMemory(file: string): MemorySample | undefined {
  return memorySamples(file).at(-1);
}

/**
 * Where the worker's memory went, from its own once-a-second process.memoryUsage(): the main thread's V8
 * heap and the buffers outside it, at the sample of highest RSS; the rest of that RSS is the workflow
 * thread's isolate (the workflow cache), the SDK core (Rust) and code.
 */
function memoryFigures(file: string) {
  const samples = memorySamples(file);
  const atPeak = samples.reduce<MemorySample | undefined>((a, b) => (a && a.rss >= b.rss ? a : b), undefined);
  if (!atPeak) return {};
  return {
    workerMemoryAtPeakMb: {
      rss: mb(atPeak.rss),
      mainHeapTotal: mb(atPeak.heapTotal),
      mainHeapUsed: mb(atPeak.heapUsed),
      external: mb(atPeak.external),
      arrayBuffers: mb(atPeak.arrayBuffers),
      rest: mb(atPeak.rss - atPeak.heapTotal - atPeak.external),
    },
    workerMainHeapUsedPeakMb: mb(Math.max(...samples.map((m) => m.heapUsed))),
  };
}

/** The SDK's sticky (workflow) cache size from its Prometheus exporter, null when not exported yet. */
async function stickyCacheSize(address: string): Promise<number | null> {
  const res = await fetch(`http://${address}/metrics`);
  const text = await res.text();
  const values = [...text.matchAll(/^temporal_sticky_cache_size(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/gm)].map((m) =>
    Number(m[1]),
  );
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
}

/** Resident set size of a process in bytes (Linux /proc), 0 when unreadable. */
function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** What the fake Krayin's log says about the budget (same measure as bench/scale-out.ts). */
function budgetFigures(log: { at: number; status: number }[]) {
  const times = log.map((e) => e.at).sort((a, b) => a - b);
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  const fixedWindows: number[] = [];
  let windowStart = first;
  for (const t of times) {
    while (t >= windowStart + WINDOW_MS) {
      windowStart += WINDOW_MS;
      fixedWindows.push(0);
    }
    if (fixedWindows.length === 0) fixedWindows.push(0);
    fixedWindows[fixedWindows.length - 1]! += 1;
  }
  // Sustained use: the full windows while work was waiting (all but the last, in which it ran out).
  const full = fixedWindows.slice(0, -1);
  const steady = full.length > 0 ? (full.reduce((a, b) => a + b, 0) / full.length / N) * 100 : null;
  return {
    krayinRequests: times.length,
    requestsPerFixedWindow: fixedWindows,
    spanSeconds: Math.round((last - first) / 100) / 10,
    sustainedPercentOfBudget: steady === null ? null : Math.round(steady * 10) / 10,
    http429: log.filter((e) => e.status === 429).length,
  };
}

function printTable(r: Record<string, unknown>): void {
  console.log(`\nBackfill: ${String(r.contacts)} contacts, fake Krayin limited to ${String(r.budgetPerMinute)}/min\n`);
  console.log('| Figure | Value |');
  console.log('|---|---|');
  const windows = r.requestsPerFixedWindow as number[];
  const rows: [string, unknown][] = [
    ['contacts (never sent a webhook)', r.contacts],
    ['total time (s)', r.totalSeconds],
    ['contacts/min', r.contactsPerMinute],
    ['Krayin requests', r.krayinRequests],
    ['Krayin calls per contact', r.krayinCallsPerContact],
    [
      "requests per Krayin fixed window (its limiter's view)",
      windows.length > 12 ? `${windows.slice(0, 12).join(', ')}, ...` : windows.join(', '),
    ],
    ['sustained requests/min, % of budget (all windows but the last; target >= 90)', r.sustainedPercentOfBudget],
    ['HTTP 429 from Krayin', r.http429],
    ['worker RSS at start (MB)', r.workerRssStartMb],
    ['worker peak RSS (MB; target <= 400 at 10,000 contacts)', r.workerRssPeakMb],
    ['worker memory at peak (MB)', JSON.stringify(r.workerMemoryAtPeakMb ?? null)],
    [
      'workflows the SDK had cached, peak (setting)',
      `${String(r.sdkCachedWorkflowsPeak)} (${String(r.maxCachedWorkflows)})`,
    ],
    ['Temporal dev server peak RSS (MB)', r.devServerRssPeakMb],
  ];
  for (const [k, v] of rows) console.log(`| ${k} | ${String(v)} |`);
  console.log(`\ncounts: ${JSON.stringify(r.counts)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
