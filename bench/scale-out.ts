/**
 * Benchmark: three worker PROCESSES against one fake Krayin spend one request budget and alert once.
 *
 *   npm run bench:scale-out -- [--budget 60] [--contacts 30] [--workers 3]
 *
 * Starts a headless Temporal dev server, the fake Krayin (its own limiter set to the same N/min, so a
 * budget overrun shows up as 429s), the fake Chatwoot, a fresh Postgres database, the ingest server in
 * this process (no workers) and `--workers` worker processes (test/helpers/worker-main.ts: the real
 * `worker` wiring). It sends `--contacts` new contacts with a company at once, waits until every one
 * is synced, and reports from the fake Krayin's request log: the most requests in any 60 s window
 * (must be <= N), the sustained rate (full windows while work waited) as % of N, and the 429s. Then it makes the fake
 * refuse the token, sends more contacts, counts the alerts delivered to a local Slack-webhook sink
 * (must be 1), lets the token work again and counts the recovery messages (must be 1).
 * Prints a table and writes JSON under bench/results/.
 */
import express, { type Request } from 'express';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { startDevServer } from '../src/dev/temporal-dev-server';
import { listen } from '../test/integration/fixtures/codec-http-server';
import { startHarness, workflowBundle, type Harness } from '../test/helpers/harness';
import { spawnWorker, writeBundle, type WorkerProcess } from '../test/helpers/worker-process';
import type { ContactInput } from '../test/helpers/webhooks';

const { values } = parseArgs({
  options: {
    budget: { type: 'string', default: '60' },
    contacts: { type: 'string', default: '30' },
    workers: { type: 'string', default: '3' },
  },
});
const N = Number(values.budget);
const CONTACTS = Number(values.contacts);
const WORKERS = Number(values.workers);
const WINDOW_MS = 60_000;

interface LogEntry {
  at: number;
  status: number;
}

async function main(): Promise<void> {
  const dev = await startDevServer({ binary: await ensureTemporalBinary(), headless: true, readyTimeoutMs: 120_000 });
  process.env.TEMPORAL_TEST_ADDRESS = dev.address;
  const alerts: string[] = [];
  const sinkApp = express();
  sinkApp.post('/hook', express.json(), (req: Request, res) => {
    alerts.push(String((req.body as { text?: string }).text));
    res.status(200).send('ok');
  });
  const sink = await listen(sinkApp);
  let h: Harness | undefined;
  const workers: WorkerProcess[] = [];
  try {
    h = await startHarness({
      storeEngine: 'postgres',
      workers: false,
      krayin: { rateLimit: N },
      krayinSettings: { requestsPerMinute: N, timeoutMs: 5_000 },
      sync: { debounceMs: 200, leadPolicy: 'contact_created' },
      service: {
        notifications: { slack: { webhookUrl: `${sink.url}/hook`, style: 'plain' } },
        health: { authProbeIntervalMs: 5_000, unreachableAlertAfterMs: 300_000 },
      },
    });
    const bundlePath = writeBundle((await workflowBundle()).code);
    for (let i = 0; i < WORKERS; i++) workers.push(await spawnWorker(h.config, h.databaseUrl!, { bundlePath }));
    console.log(`${WORKERS} worker processes up (pids ${workers.map((w) => w.pid).join(', ')}); budget ${N}/min`);

    // Phase 1: a flood that needs more than two windows of budget.
    h.krayin.clearRequests();
    const started = Date.now();
    const ids = Array.from({ length: CONTACTS }, (_, i) => 50_000 + i);
    await Promise.all(ids.map((id) => h!.sendContact('contact_created', contact(id, `Scale Company ${id}`))));
    await Promise.all(
      ids.map((id) => h!.waitFor(id, (s) => s.syncCount >= 1 && s.syncStatus === 'synced', 20 * 60_000)),
    );
    const syncedAfterMs = Date.now() - started;
    const log: LogEntry[] = h.krayinCalls().map((c) => ({ at: c.at, status: c.status }));
    const budget = budgetFigures(log);

    // Phase 2: Krayin refuses the token while every replica has work for it.
    alerts.length = 0;
    h.krayin.addFaults({ kind: 'status', status: 401, forMs: 600_000 });
    const authIds = Array.from({ length: WORKERS * 3 }, (_, i) => 60_000 + i);
    await Promise.all(authIds.map((id) => h!.sendContact('contact_created', contact(id, `Auth Company ${id}`))));
    await Promise.all(authIds.map((id) => h!.waitFor(id, (s) => s.syncStatus === 'parked', 120_000)));
    await sleep(5_000); // late alerts would land now
    const authAlerts = alerts.filter((a) => /Krayin rejects the API token/.test(a) && !/resolved/i.test(a)).length;
    const alertsBeforeLift = alerts.length;
    h.krayin.clearFaults();
    const liftDeadline = Date.now() + 60_000;
    while (alerts.length === alertsBeforeLift && Date.now() < liftDeadline) await sleep(250);
    await sleep(8_000); // a second recovery message, if any, would land now
    const recoveries = alerts.length - alertsBeforeLift;

    const result = {
      date: new Date().toISOString(),
      budgetPerMinute: N,
      workers: WORKERS,
      contacts: CONTACTS,
      syncedAfterSeconds: Math.round(syncedAfterMs / 100) / 10,
      ...budget,
      authAlertsDelivered: authAlerts,
      recoveryMessagesDelivered: recoveries,
      messages: alerts.length,
    };
    printTable(result);
    const dir = path.join(__dirname, 'results');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `scale-out-${result.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  } finally {
    // SIGKILL: the figures are taken; a graceful stop would wait on the parked contacts' workflows.
    await Promise.all(workers.map((w) => w.kill()));
    await h?.close();
    await sink.close();
    await dev.stop();
  }
}

/** What the fake Krayin's log says about the budget. */
function budgetFigures(log: LogEntry[]) {
  const times = log.map((e) => e.at).sort((a, b) => a - b);
  const maxInAnyWindow = Math.max(0, ...times.map((t) => times.filter((s) => s >= t && s < t + WINDOW_MS).length));
  const first = times[0] ?? 0;
  const last = times.at(-1) ?? 0;
  // Krayin's own fixed windows, opened by the first request (as its limiter does).
  const fixedWindows: number[] = [];
  let windowStart = first;
  for (const t of times) {
    while (t >= windowStart + WINDOW_MS) {
      windowStart = windowStart + WINDOW_MS;
      fixedWindows.push(0);
    }
    if (fixedWindows.length === 0) fixedWindows.push(0);
    fixedWindows[fixedWindows.length - 1]! += 1;
  }
  // Sustained use: the full windows while work was still waiting (every window but the last, in which
  // the work ran out), as % of the budget.
  const full = fixedWindows.slice(0, -1);
  const steady = full.length > 0 ? (full.reduce((a, b) => a + b, 0) / full.length / N) * 100 : null;
  return {
    krayinRequests: times.length,
    maxRequestsInAny60s: maxInAnyWindow,
    requestsPerFixedWindow: fixedWindows,
    spanSeconds: Math.round((last - first) / 100) / 10,
    sustainedPercentOfBudget: steady === null ? null : Math.round(steady * 10) / 10,
    firstBurst: times.filter((t) => t < first + 5_000).length,
    http429: log.filter((e) => e.status === 429).length,
  };
}

function printTable(r: Record<string, unknown>): void {
  console.log(`\nScale-out: ${String(r.workers)} worker processes, one budget of ${String(r.budgetPerMinute)}/min\n`);
  console.log('| Figure | Value |');
  console.log('|---|---|');
  const rows: [string, unknown][] = [
    ['contacts synced (new, with company)', r.contacts],
    ['all synced after (s)', r.syncedAfterSeconds],
    ['Krayin requests', r.krayinRequests],
    ['max Krayin requests in any 60 s window (must be <= budget)', r.maxRequestsInAny60s],
    ["requests per Krayin fixed window (its limiter's view)", (r.requestsPerFixedWindow as number[]).join(', ')],
    ['requests in the first 5 s (burst)', r.firstBurst],
    ['sustained requests/min while work waited, % of budget (all windows but the last)', r.sustainedPercentOfBudget],
    ['HTTP 429 from Krayin', r.http429],
    ['token refused: alerts delivered (must be 1)', r.authAlertsDelivered],
    ['token works again: recovery messages (must be 1)', r.recoveryMessagesDelivered],
  ];
  for (const [k, v] of rows) console.log(`| ${k} | ${String(v)} |`);
}

function contact(id: number, company: string): ContactInput {
  return {
    id,
    name: `Scale ${id}`,
    email: `scale.${id}@example.com`,
    phone_number: `+4915200${id}`,
    additional_attributes: { company_name: company },
    custom_attributes: {},
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
