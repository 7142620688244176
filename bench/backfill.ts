/**
 * Benchmark: a backfill against the fake Krayin's own limiter: how much of the budget it uses, how long
 * it takes, what it costs per contact, and the worker's memory.
 *
 *   npm run bench:backfill -- [--contacts 10000] [--budget 60] [--window 30]
 *
 * Starts a headless Temporal dev server, the fake Krayin with its limiter at `--budget` N/min (an overrun
 * shows up as 429s), the fake Chatwoot holding `--contacts` contacts that never sent a webhook, a fresh
 * Postgres database, and ONE worker process (test/helpers/worker-main.ts: the real `worker` wiring) whose
 * RSS is sampled from /proc every 500 ms. Runs a backfill to the end and reports, from the fake Krayin's
 * request log: sustained requests/min as % of N (target >= 90 %), total time, Krayin calls per contact,
 * 429s; and the worker's peak RSS (target <= 400 MB at 10,000 contacts).
 * Prints a table and writes JSON under bench/results/.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { startDevServer } from '../src/dev/temporal-dev-server';
import { backfillProgressQuery, type BackfillProgress } from '../workflows/backfill-api';
import { startHarness, workflowBundle, type Harness } from '../test/helpers/harness';
import { spawnWorker, writeBundle, type WorkerProcess } from '../test/helpers/worker-process';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000' },
    budget: { type: 'string', default: '60' },
    window: { type: 'string', default: '30' },
  },
});
const CONTACTS = Number(values.contacts);
const N = Number(values.budget);
const WINDOW = Number(values.window);
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
      // Contact workflows close soon after their sync: a backfill touches every contact once.
      sync: { debounceMs: 200, idleCloseMs: 5_000 },
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
    worker = await spawnWorker(h.config, h.databaseUrl!, { bundlePath });
    const pid = worker.pid;
    let peakRss = rssOf(pid);
    const startRss = peakRss;
    sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(pid))), 500);
    console.log(
      `worker pid ${pid} up (RSS ${mb(startRss)} MB); ${CONTACTS} contacts; budget ${N}/min; window ${WINDOW}`,
    );

    h.krayin.clearRequests();
    const started = Date.now();
    const handle = await h.client.workflow.start('backfill', {
      workflowId: `bench-backfill-${Date.now()}`,
      taskQueue: h.config.temporal.taskQueue,
      args: [{ connectionId: 'default', window: WINDOW }],
    });
    const ticker = setInterval(() => {
      handle.query(backfillProgressQuery).then(
        (p) =>
          console.log(
            `  ${p.done}/${p.total} done, ${p.ratePerMin}/min, in flight ${p.inFlight}, RSS peak ${mb(peakRss)} MB`,
          ),
        () => undefined,
      );
    }, 15_000);
    const result = (await handle.result()) as BackfillProgress;
    clearInterval(ticker);
    const totalMs = Date.now() - started;
    clearInterval(sampler);
    sampler = undefined;

    const log = h.krayinCalls().map((c) => ({ at: c.at, status: c.status }));
    const budget = budgetFigures(log);
    const out = {
      date: new Date().toISOString(),
      contacts: CONTACTS,
      budgetPerMinute: N,
      window: WINDOW,
      totalSeconds: Math.round(totalMs / 100) / 10,
      contactsPerMinute: Math.round((CONTACTS / totalMs) * 60_000 * 10) / 10,
      krayinCallsPerContact: Math.round((budget.krayinRequests / CONTACTS) * 100) / 100,
      ...budget,
      workerRssStartMb: mb(startRss),
      workerRssPeakMb: mb(peakRss),
      counts: result.counts,
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
