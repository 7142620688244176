/**
 * WORKER_MAX_CACHED_WORKFLOWS on the real Temporal dev server: a worker process (the real `worker`
 * wiring, test/helpers/worker-main.ts) with a cache of 2 keeps at most 2 workflow runs in memory while
 * 5 contact workflows stay open, and a contact whose run was pushed out of the cache still syncs its next
 * event in that run (replayed from its history). The cache size is the SDK's own metric, read from
 * its Prometheus exporter in the worker process.
 */
import { freePort } from '../../src/dev/temporal-dev-server';
import { contactWorkflowId } from '../../workflows/api';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';
import { spawnWorker, type WorkerProcess } from '../helpers/worker-process';

const CACHE = 2;
const IDS = [3001, 3002, 3003, 3004, 3005];

const contact = (id: number, name = `Cache Test ${id}`): ContactInput => ({
  id,
  name,
  email: `cache.${id}@example.com`,
  phone_number: '',
  additional_attributes: {},
  custom_attributes: {},
});

describe('a worker with a small workflow cache', () => {
  let h: Harness;
  let worker: WorkerProcess | undefined;
  let metricsAddress: string;

  beforeAll(async () => {
    h = await startHarness({
      storeEngine: 'postgres',
      workers: false,
      // Every contact workflow stays open through the test: 5 open runs, a cache of 2.
      sync: { idleCloseMs: 600_000 },
      service: { worker: { maxCachedWorkflows: CACHE } },
    });
    metricsAddress = `127.0.0.1:${await freePort()}`;
    process.env.CKS_SDK_METRICS = metricsAddress;
    try {
      worker = await spawnWorker(h.config, h.databaseUrl!);
    } finally {
      delete process.env.CKS_SDK_METRICS;
    }
  });
  afterAll(async () => {
    await worker?.kill();
    await h?.close();
  });

  it('keeps at most 2 runs cached while 5 stay open, and an evicted run still syncs its next event', async () => {
    for (const id of IDS) {
      expect((await h.sendContact('contact_created', contact(id))).status).toBe(202);
      await h.waitFor(id, (s) => s.syncStatus === 'synced', 60_000);
    }
    for (const id of IDS) expect((await h.handle(id).describe()).status.name).toBe('RUNNING');
    const cached = await stickyCacheSize(metricsAddress);
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThanOrEqual(CACHE);

    // The first contact's run left the cache long ago (least recently used): its next event replays it.
    const first = IDS[0]!;
    const runBefore = (await h.handle(first).describe()).runId;
    expect((await h.sendContact('contact_updated', contact(first, 'Cache Test Renamed'))).status).toBe(202);
    await h.waitFor(first, (s) => s.syncStatus === 'synced' && s.syncCount === 2, 60_000);
    // The sync ran in the evicted run (the test server suggests continue-as-new after 60 events, so the
    // run may have handed over to a new one after it), not in a run started afresh.
    const before = await h.client.workflow.getHandle(contactWorkflowId('default', first), runBefore).describe();
    expect(['RUNNING', 'CONTINUED_AS_NEW']).toContain(before.status.name);
    const names = h.krayin.snapshot().persons.map((p) => p.name);
    expect(names.sort()).toEqual(['Cache Test Renamed', ...IDS.slice(1).map((id) => `Cache Test ${id}`)].sort());
    expect(await stickyCacheSize(metricsAddress)).toBeLessThanOrEqual(CACHE);
  });
});

/** The SDK's sticky cache size (all of the worker process's workers), once its exporter reports it. */
async function stickyCacheSize(address: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await (await fetch(`http://${address}/metrics`)).text();
    const values = [...text.matchAll(/^temporal_sticky_cache_size(?:\{[^}]*\})? (\d+(?:\.\d+)?)$/gm)];
    if (values.length > 0) return values.reduce((sum, m) => sum + Number(m[1]), 0);
    if (Date.now() > deadline) throw new Error('the worker exported no temporal_sticky_cache_size');
    await new Promise((r) => setTimeout(r, 250));
  }
}
