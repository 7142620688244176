/**
 * Benchmark: Krayin and Chatwoot calls per conversation step, latency, and the cost of a long transcript.
 *
 *   npm run bench:conversations -- [--conversations 20] [--messages 2000]
 *
 * Same wiring as bench/sync-calls.ts (own headless Temporal dev server, fake Krayin and fake Chatwoot,
 * PGlite in memory, in-process workers and ingest). Lead policy `first_conversation`, stage rules on
 * conversation_created / first_agent_reply / conversation_resolved. For N contacts, one conversation each:
 *   1. conversation_created (lead, conversation activity, stage move),
 *   2. conversation_updated after the agent's first reply (activity update, stage move),
 *   3. conversation_status_changed to resolved with a handful of messages (transcript, done),
 * then one conversation of --messages messages resolved: Chatwoot pages read, transcript size, time,
 * and the process's peak RSS / heap while it runs (workers are in this process).
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { startDevServer } from '../src/dev/temporal-dev-server';
import { conversationWebhook } from '../test/chaos/helpers/chaos';
import { startHarness, type Harness } from '../test/helpers/harness';
import type { ContactInput } from '../test/helpers/webhooks';
import { saveResult } from './save-result';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '20' },
    messages: { type: 'string', default: '2000' },
    label: { type: 'string' },
  },
});
const N = Number(values.conversations);
const LONG = Number(values.messages);
const T0 = 1_781_946_843;
const STAGE_RULES = [
  { on: 'conversation_created', stage: 'follow-up' },
  { on: 'first_agent_reply', stage: 'prospect' },
  { on: 'conversation_resolved', stage: 'negotiation' },
];

interface Sample {
  krayin: number;
  /** every Krayin call of the step, "METHOD /path" with ids as {id} */
  krayinCalls: string[];
  krayinWrites: string[];
  chatwoot: number;
  answerMs: number;
  syncedMs: number;
}

async function main(): Promise<void> {
  const dev = await startDevServer({ binary: await ensureTemporalBinary(), headless: true, readyTimeoutMs: 120_000 });
  process.env.TEMPORAL_TEST_ADDRESS = dev.address;
  const h = await startHarness({
    sync: { debounceMs: 200, leadPolicy: 'first_conversation', stageRules: STAGE_RULES },
  });
  try {
    const steps: Record<string, Sample[]> = {
      'conversation_created (first conversation)': [],
      'conversation_updated after first agent reply': [],
      'resolved (transcript of 4 messages)': [],
    };
    for (let i = 0; i < N; i++) {
      const contactId = 30_000 + i;
      const conversationId = 40_000 + i;
      const ids = { contactId, conversationId };
      await syncContact(h, contactId);
      h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, created_at: T0, status: 'open' });
      h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Hello, pricing?', created_at: T0 });
      steps['conversation_created (first conversation)']!.push(
        await measure(h, contactId, () => h.post(conversationWebhook('conversation_created', ids))),
      );
      h.chatwoot.addMessage(conversationId, { message_type: 'outgoing', content: 'Sure!', created_at: T0 + 30 });
      h.chatwoot.upsertConversation({ id: conversationId, contactId, first_reply_created_at: T0 + 30 });
      steps['conversation_updated after first agent reply']!.push(
        await measure(h, contactId, () => h.post(conversationWebhook('conversation_updated.first_reply', ids))),
      );
      h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Thanks', created_at: T0 + 60 });
      h.chatwoot.addMessage(conversationId, { message_type: 'outgoing', content: 'Bye', created_at: T0 + 90 });
      h.chatwoot.upsertConversation({ id: conversationId, contactId, status: 'resolved' });
      steps['resolved (transcript of 4 messages)']!.push(
        await measure(h, contactId, () => h.post(conversationWebhook('conversation_status_changed', ids))),
      );
    }

    console.log(`\nCalls and latency per conversation step (${N} conversations; debounce 200 ms)\n`);
    console.log(
      '| Step | Krayin calls (min / mean / max) | Krayin writes (typical) | Chatwoot calls (mean) | webhook answer p50 / p95 ms | webhook -> synced p50 / p95 ms |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const [name, samples] of Object.entries(steps)) {
      const calls = samples.map((s) => s.krayin);
      console.log(
        `| ${name} | ${Math.min(...calls)} / ${mean(calls).toFixed(2)} / ${Math.max(...calls)} | ${mode(samples.map((s) => s.krayinWrites.join(', ') || 'none'))} | ${mean(samples.map((s) => s.chatwoot)).toFixed(2)} | ${pct(
          samples.map((s) => s.answerMs),
          50,
        )} / ${pct(
          samples.map((s) => s.answerMs),
          95,
        )} | ${pct(
          samples.map((s) => s.syncedMs),
          50,
        )} / ${pct(
          samples.map((s) => s.syncedMs),
          95,
        )} |`,
      );
    }

    console.log('\nKrayin calls of each step, first conversation:\n');
    for (const [name, samples] of Object.entries(steps))
      console.log(`- ${name}: ${samples[0]!.krayinCalls.join(', ')}`);

    const long = await longTranscript(h);
    saveResult(
      'conversation-calls',
      {
        conversations: N,
        debounceMs: 200,
        steps: Object.fromEntries(
          Object.entries(steps).map(([name, samples]) => {
            const calls = samples.map((s) => s.krayin);
            return [
              name,
              {
                krayinCalls: { min: Math.min(...calls), mean: mean(calls), max: Math.max(...calls) },
                firstSampleCalls: samples[0]!.krayinCalls,
                chatwootCallsMean: mean(samples.map((s) => s.chatwoot)),
                syncedMs: {
                  p50: Number(
                    pct(
                      samples.map((s) => s.syncedMs),
                      50,
                    ),
                  ),
                  p95: Number(
                    pct(
                      samples.map((s) => s.syncedMs),
                      95,
                    ),
                  ),
                },
              },
            ];
          }),
        ),
        longTranscript: long,
      },
      values.label,
    );
  } finally {
    await h.close();
    await dev.stop();
  }
}

async function longTranscript(h: Harness): Promise<Record<string, unknown>> {
  const contactId = 39_999;
  const conversationId = 49_999;
  await syncContact(h, contactId);
  h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, created_at: T0, status: 'resolved' });
  for (let i = 0; i < LONG; i++) {
    h.chatwoot.addMessage(conversationId, {
      message_type: i % 2 === 0 ? 'incoming' : 'outgoing',
      content: `Message number ${i} ${'ä'.repeat(200)}`,
      created_at: T0 + i,
    });
  }
  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const sample = await measure(h, contactId, () =>
    h.post(conversationWebhook('conversation_created', { contactId, conversationId })),
  );
  clearInterval(sampler);
  const pages = h.chatwoot.requests().filter((r) => r.path.endsWith(`/conversations/${conversationId}/messages`));
  const activity = h.krayin.snapshot().activities.find((a) => {
    const m = (a.additional as { chatwoot?: { conversation?: number; message?: number } } | null)?.chatwoot;
    return m?.conversation === conversationId && m.message === undefined;
  });
  const comment = activity?.comment ?? '';
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  console.log(`\nA resolved conversation of ${LONG} messages (each ~415 bytes of UTF-8)\n`);
  console.log('| Figure | Value |');
  console.log('|---|---|');
  console.log(`| Chatwoot message pages read | ${pages.length} |`);
  console.log(`| Chatwoot calls in all | ${sample.chatwoot} |`);
  console.log(`| Krayin calls (writes) | ${sample.krayin} (${sample.krayinWrites.join(', ')}) |`);
  console.log(`| transcript comment size | ${Buffer.byteLength(comment, 'utf8')} bytes (Krayin's TEXT limit 65,535) |`);
  console.log(`| messages shown | ${(comment.match(/Message number \d+/g) ?? []).length} |`);
  console.log(`| webhook -> synced | ${sample.syncedMs.toFixed(0)} ms |`);
  console.log(
    `| process RSS / heap before -> peak | ${mb(before.rss)} -> ${mb(peakRss)} MiB / ${mb(before.heapUsed)} -> ${mb(peakHeap)} MiB |`,
  );
  return {
    messages: LONG,
    chatwootPages: pages.length,
    krayinCalls: sample.krayin,
    krayinWrites: sample.krayinWrites,
    commentBytes: Buffer.byteLength(comment, 'utf8'),
    syncedMs: Math.round(sample.syncedMs),
    peakRssMiB: Number(mb(peakRss)),
  };
}

async function syncContact(h: Harness, id: number): Promise<void> {
  const c: ContactInput = {
    id,
    name: `Bench ${id}`,
    email: `bench.${id}@example.com`,
    additional_attributes: {},
    custom_attributes: {},
  };
  const res = await h.sendContact('contact_created', c);
  if (res.status !== 202) throw new Error(`contact webhook answered ${res.status}`);
  await h.waitFor(id, (s) => s.syncCount >= 1 && s.status === 'idle' && s.syncStatus === 'synced', 60_000);
}

async function measure(h: Harness, id: number, send: () => Promise<{ status: number }>): Promise<Sample> {
  const before = (await h.status(id)).syncCount;
  h.krayin.clearRequests();
  h.chatwoot.clearRequests();
  const t0 = performance.now();
  const res = await send();
  const answerMs = performance.now() - t0;
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  await h.waitFor(id, (s) => s.syncCount > before && s.status === 'idle' && s.syncStatus === 'synced', 120_000);
  const syncedMs = performance.now() - t0;
  const calls = h.krayinCalls().filter((c) => !c.path.startsWith('/settings/'));
  const route = (c: { method: string; path: string }) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
  const krayinWrites = calls.filter((c) => c.method !== 'GET').map(route);
  return {
    krayin: calls.length,
    krayinCalls: calls.map(route),
    krayinWrites,
    chatwoot: h.chatwoot.requests().length,
    answerMs,
    syncedMs,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
function pct(xs: number[], p: number): string {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
}
function mode(xs: string[]): string {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
