/**
 * Benchmark: webhook to Krayin write, end to end, on an idle system; and the recovery after a Krayin outage.
 *
 *   npm run bench:e2e -- [--debounce 1000] [--samples 4] [--rate 50] [--outage 20] [--outage-contacts 10]
 *                        [--outage-runs 2] [--label after]
 *
 * Same wiring as bench/sync-calls.ts (own headless Temporal dev server, fake Krayin with Krayin's
 * 60/min limiter, fake Chatwoot, PGlite in memory, in-process workers and ingest), with the
 * connection's request budget at --rate per minute (default 50, the product default) and the given
 * debounce. Lead policy `first_conversation`, stage rules on conversation_created / first_agent_reply.
 *
 * Latency: for each sample, one at a time (so the system is idle), a new contact, its first
 * conversation and the agent's first reply. Measured from the webhook's send time to the first and
 * the last Krayin call of the sync, as the fake Krayin's request log timestamps them (same clock).
 *
 * Outage (--outage S, 0 = skip), --outage-runs times: after 61 s of quiet (Krayin's window and the
 * budget start empty), --outage-contacts new contacts are sent, and at once the fake Krayin goes down
 * for S seconds (connections dropped for the first half, then 503 answers). Measured: the time from
 * Krayin back to every contact synced, the requests refused during the outage, duplicates (persons
 * created twice), and the request timeline (in the JSON).
 *
 * Prints tables and writes JSON under bench/results/.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { startDevServer } from '../src/dev/temporal-dev-server';
import { conversationWebhook } from '../test/chaos/helpers/chaos';
import { startHarness, type Harness } from '../test/helpers/harness';
import type { ContactInput } from '../test/helpers/webhooks';
import { routeOf, saveResult } from './save-result';

const { values } = parseArgs({
  options: {
    debounce: { type: 'string', default: '1000' },
    samples: { type: 'string', default: '4' },
    rate: { type: 'string', default: '50' },
    outage: { type: 'string', default: '20' },
    'outage-contacts': { type: 'string', default: '10' },
    'outage-runs': { type: 'string', default: '2' },
    label: { type: 'string' },
  },
});
const DEBOUNCE = Number(values.debounce);
const SAMPLES = Number(values.samples);
const RATE = Number(values.rate);
const OUTAGE_S = Number(values.outage);
const OUTAGE_CONTACTS = Number(values['outage-contacts']);
const OUTAGE_RUNS = Number(values['outage-runs']);
const T0 = 1_781_946_843;
const STAGE_RULES = [
  { on: 'conversation_created', stage: 'follow-up' },
  { on: 'first_agent_reply', stage: 'prospect' },
];

interface Sample {
  /** Webhook sent -> first Krayin write (POST/PUT) of the sync, ms. */
  firstWriteMs: number;
  /** Webhook sent -> last Krayin call of the sync, ms. */
  lastCallMs: number;
  calls: string[];
}

type Step = 'new contact' | 'first conversation' | 'agent reply';

async function main(): Promise<void> {
  const dev = await startDevServer({ binary: await ensureTemporalBinary(), headless: true, readyTimeoutMs: 120_000 });
  process.env.TEMPORAL_TEST_ADDRESS = dev.address;
  const h = await startHarness({
    sync: { debounceMs: DEBOUNCE, leadPolicy: 'first_conversation', stageRules: STAGE_RULES },
    krayin: { rateLimit: 60 },
    krayinSettings: { requestsPerMinute: RATE },
  });
  try {
    // Let the worker's reference-data preload finish, so it is not counted against the first sample,
    // and warm up (the first workflow of a process pays for loading its code): one contact, not measured.
    await new Promise((r) => setTimeout(r, 2_000));
    await measure(h, 59_999, () => h.sendContact('contact_created', contact(59_999)));
    const steps: Record<Step, Sample[]> = { 'new contact': [], 'first conversation': [], 'agent reply': [] };
    for (let i = 0; i < SAMPLES; i++) {
      const contactId = 60_000 + i;
      const conversationId = 70_000 + i;
      const ids = { contactId, conversationId };
      steps['new contact'].push(
        await measure(h, contactId, () => h.sendContact('contact_created', contact(contactId))),
      );
      h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, created_at: T0, status: 'open' });
      h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Hello, pricing?', created_at: T0 });
      steps['first conversation'].push(
        await measure(h, contactId, () => h.post(conversationWebhook('conversation_created', ids))),
      );
      h.chatwoot.addMessage(conversationId, { message_type: 'outgoing', content: 'Sure!', created_at: T0 + 30 });
      h.chatwoot.upsertConversation({ id: conversationId, contactId, first_reply_created_at: T0 + 30 });
      steps['agent reply'].push(
        await measure(h, contactId, () => h.post(conversationWebhook('conversation_updated.first_reply', ids))),
      );
    }

    console.log(
      `\nWebhook -> Krayin, idle system (${SAMPLES} samples; debounce ${DEBOUNCE} ms; budget ${RATE}/min; target p95 <= debounce + 1000 ms)\n`,
    );
    console.log('| Step | first write p50 / p95 ms | last call p50 / p95 ms | Krayin calls | within target |');
    console.log('|---|---|---|---|---|');
    const latency: Record<string, unknown> = {};
    for (const [name, samples] of Object.entries(steps)) {
      const first = samples.map((s) => s.firstWriteMs);
      const last = samples.map((s) => s.lastCallMs);
      const ok = pct(last, 95) <= DEBOUNCE + 1000;
      console.log(
        `| ${name} | ${pct(first, 50)} / ${pct(first, 95)} | ${pct(last, 50)} / ${pct(last, 95)} | ${samples[0]!.calls.join(', ')} | ${ok ? 'yes' : 'no'} |`,
      );
      latency[name] = {
        firstWriteMs: { p50: pct(first, 50), p95: pct(first, 95) },
        lastCallMs: { p50: pct(last, 50), p95: pct(last, 95) },
        calls: samples[0]!.calls,
        withinTarget: ok,
      };
    }

    const outages = [];
    for (let run = 0; run < (OUTAGE_S > 0 ? OUTAGE_RUNS : 0); run++) outages.push(await measureOutage(h, run));
    const recoveries = outages.map((o) => o.recoveryMs).sort((a, b) => a - b);
    const outage =
      outages.length === 0
        ? null
        : { runs: outages, recoveryMs: { min: recoveries[0], median: pct(recoveries, 50), max: recoveries.at(-1) } };
    if (outage) console.log(`\nRecovery over ${outages.length} runs: ${recoveries.join(', ')} ms`);
    saveResult(
      'e2e',
      { debounceMs: DEBOUNCE, samples: SAMPLES, requestsPerMinute: RATE, latency, outage },
      values.label,
    );
  } finally {
    await h.close();
    await dev.stop();
  }
}

async function measure(h: Harness, id: number, send: () => Promise<{ status: number }>): Promise<Sample> {
  const before = (await h.status(id).catch(() => ({ syncCount: 0 }))).syncCount;
  h.krayin.clearRequests();
  const sentAt = Date.now();
  const res = await send();
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  await h.waitFor(id, (s) => s.syncCount > before && s.status === 'idle' && s.syncStatus === 'synced', 120_000);
  const calls = h.krayinCalls().filter((c) => !c.path.startsWith('/settings/'));
  const writes = calls.filter((c) => c.method !== 'GET');
  if (writes.length === 0) throw new Error(`contact ${id}: the sync wrote nothing to Krayin`);
  return {
    firstWriteMs: writes[0]!.at - sentAt,
    lastCallMs: calls.at(-1)!.at - sentAt,
    calls: calls.map(routeOf),
  };
}

async function measureOutage(h: Harness, run: number) {
  const ids = Array.from({ length: OUTAGE_CONTACTS }, (_, i) => 80_000 + run * 1_000 + i);
  // Krayin's window and our budget start empty for each run.
  await new Promise((r) => setTimeout(r, 61_000));
  h.krayin.clearRequests();
  const half = (OUTAGE_S * 1000) / 2;
  for (const id of ids) {
    const res = await h.sendContact('contact_created', contact(id));
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  }
  // Down (connections dropped) for the first half, then 503 (maintenance) for the second.
  const downAt = Date.now();
  h.krayin.addFaults({ kind: 'down', forMs: half });
  h.krayin.addFaults({ kind: 'status', status: 503, forMs: OUTAGE_S * 1000 });
  const backAt = downAt + OUTAGE_S * 1000;
  const started = performance.now();
  for (const id of ids) {
    await h.waitFor(id, (s) => s.syncCount >= 1 && s.status === 'idle' && s.syncStatus === 'synced', 600_000);
  }
  const allSyncedAt = Date.now();
  const log = h.krayinCalls();
  const refused = log.filter((c) => c.at >= downAt && c.at < backAt && (c.status === 0 || c.status === 503)).length;
  const firstAfter = log.find((c) => c.at >= backAt && c.status !== 0 && c.status !== 503);
  const persons = h.krayin
    .snapshot()
    .persons.filter((p) => ids.some((id) => JSON.stringify(p.emails).includes(`e2e.${id}@outage.example`)));
  const result = {
    contacts: OUTAGE_CONTACTS,
    outageSeconds: OUTAGE_S,
    refusedDuringOutage: refused,
    krayinRequests: log.length,
    firstAnsweredCallAfterBackMs: firstAfter ? firstAfter.at - backAt : null,
    recoveryMs: allSyncedAt - backAt,
    persons: persons.length,
    duplicates: persons.length - new Set(persons.map((p) => JSON.stringify(p.emails))).size,
    totalMs: Math.round(performance.now() - started),
    /** Every Krayin request from the outage on: [ms after Krayin was back, route, status]. */
    timeline: log.filter((c) => c.at >= downAt).map((c) => [c.at - backAt, routeOf(c), c.status]),
  };
  console.log(
    `\nKrayin outage of ${OUTAGE_S} s during traffic (${OUTAGE_CONTACTS} new contacts; budget ${RATE}/min)\n`,
  );
  console.log('| Figure | Value |');
  console.log('|---|---|');
  console.log(`| requests refused during the outage (dropped or 503) | ${result.refusedDuringOutage} |`);
  console.log(`| first answered Krayin call after it was back | ${result.firstAnsweredCallAfterBackMs} ms |`);
  console.log(`| Krayin back -> every contact synced | ${result.recoveryMs} ms |`);
  console.log(`| persons / duplicates | ${result.persons} / ${result.duplicates} |`);
  return result;
}

function contact(id: number): ContactInput {
  const outage = id >= 80_000;
  return {
    id,
    name: `E2E ${id}`,
    email: `e2e.${id}@${outage ? 'outage.example' : 'example.com'}`,
    additional_attributes: {},
    custom_attributes: {},
  };
}

function pct(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
