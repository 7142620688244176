/**
 * Benchmark: Krayin calls per sync and end-to-end latency, measured from the fake Krayin's request log.
 *
 *   npm run bench:sync -- [--contacts 20]
 *
 * Starts its own headless Temporal dev server, the fake Krayin and fake Chatwoot, PGlite in memory,
 * the workers and the ingest server (the same wiring as the end-to-end tests), then for N contacts each:
 *   1. a new contact with a company, 2. a new contact without a company, 3. an update that changes no
 *   mapped field. It reports Krayin calls per contact (reference-data lookups, cached per connection,
 *   are reported separately), webhook answer times and webhook-to-synced latency.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureTemporalBinary } from '../src/dev/temporal-binary';
import { startDevServer } from '../src/dev/temporal-dev-server';
import { startHarness, type Harness } from '../test/helpers/harness';
import type { ContactInput } from '../test/helpers/webhooks';
import { routeOf, saveResult } from './save-result';

const { values } = parseArgs({
  options: { contacts: { type: 'string', default: '20' }, label: { type: 'string' } },
});
const N = Number(values.contacts);

interface Sample {
  calls: number;
  lookups: number;
  /** Every Krayin call of the sync ("METHOD /path", ids as {id}), reference lookups included. */
  routes: string[];
  answerMs: number;
  syncedMs: number;
}

async function main(): Promise<void> {
  const dev = await startDevServer({ binary: await ensureTemporalBinary(), headless: true, readyTimeoutMs: 120_000 });
  process.env.TEMPORAL_TEST_ADDRESS = dev.address;
  const h = await startHarness({ sync: { debounceMs: 200, leadPolicy: 'contact_created' } });
  try {
    const results: Record<string, Sample[]> = {
      'new contact with company': [],
      'new contact, no company': [],
      'no-op update': [],
    };
    for (let i = 0; i < N; i++) {
      const id = 10_000 + i;
      const withCompany = contact(id, { additional_attributes: { company_name: `Bench Company ${i}` } });
      results['new contact with company']!.push(
        await measure(h, id, () => h.sendContact('contact_created', withCompany), 1),
      );
      results['no-op update']!.push(
        await measure(
          h,
          id,
          () => h.sendContact('contact_updated', { ...withCompany, custom_attributes: { seen: i } }),
          2,
        ),
      );
      const bare = contact(20_000 + i);
      results['new contact, no company']!.push(
        await measure(h, 20_000 + i, () => h.sendContact('contact_created', bare), 1),
      );
    }

    console.log(`\nKrayin calls and latency per sync (${N} contacts each; debounce 200 ms)\n`);
    console.log(
      '| Scenario | Krayin calls (min / mean / max) | + reference lookups (total) | webhook answer p50 / p95 ms | webhook -> synced p50 / p95 ms |',
    );
    console.log('|---|---|---|---|---|');
    for (const [name, samples] of Object.entries(results)) {
      const calls = samples.map((s) => s.calls);
      const answer = samples.map((s) => s.answerMs);
      const synced = samples.map((s) => s.syncedMs);
      console.log(
        `| ${name} | ${Math.min(...calls)} / ${mean(calls).toFixed(2)} / ${Math.max(...calls)} | ${sum(samples.map((s) => s.lookups))} | ${pct(answer, 50)} / ${pct(answer, 95)} | ${pct(synced, 50)} / ${pct(synced, 95)} |`,
      );
    }
    console.log('\nKrayin calls of the first sample of each scenario (reference lookups included):\n');
    for (const [name, samples] of Object.entries(results))
      console.log(`- ${name}: ${samples[0]!.routes.join(', ') || 'none'}`);
    saveResult(
      'sync-calls',
      {
        contacts: N,
        debounceMs: 200,
        scenarios: Object.fromEntries(
          Object.entries(results).map(([name, samples]) => {
            const calls = samples.map((s) => s.calls);
            return [
              name,
              {
                calls: { min: Math.min(...calls), mean: mean(calls), max: Math.max(...calls) },
                referenceLookups: sum(samples.map((s) => s.lookups)),
                firstSampleCalls: samples[0]!.routes,
                answerMs: {
                  p50: Number(
                    pct(
                      samples.map((s) => s.answerMs),
                      50,
                    ),
                  ),
                  p95: Number(
                    pct(
                      samples.map((s) => s.answerMs),
                      95,
                    ),
                  ),
                },
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
      },
      values.label,
    );
  } finally {
    await h.close();
    await dev.stop();
  }
}

async function measure(
  h: Harness,
  id: number,
  send: () => Promise<{ status: number }>,
  syncNo: number,
): Promise<Sample> {
  h.krayin.clearRequests();
  const t0 = performance.now();
  const res = await send();
  const answerMs = performance.now() - t0;
  if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
  await h.waitFor(id, (s) => s.syncCount >= syncNo && s.status === 'idle' && s.syncStatus === 'synced', 60_000);
  const syncedMs = performance.now() - t0;
  const calls = h.krayinCalls();
  const lookups = calls.filter((c) => c.path.startsWith('/settings/')).length;
  return { calls: calls.length - lookups, lookups, routes: calls.map(routeOf), answerMs, syncedMs };
}

function contact(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Bench ${id}`,
    email: `bench.${id}@example.com`,
    phone_number: `+4915100${id}`,
    additional_attributes: {},
    custom_attributes: {},
    ...extra,
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;
function pct(xs: number[], p: number): string {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
