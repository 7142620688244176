import fc from 'fast-check';
import { createMetrics, OTHER, type Metrics } from '../../src/metrics';

type MetricJson = {
  name: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
};

async function metric(m: Metrics, name: string): Promise<MetricJson['values']> {
  // One metric only: collecting everything would also run the parked-syncs collector again.
  const single = m.registry.getSingleMetric(name);
  return single ? ((await single.get()) as unknown as MetricJson).values : [];
}

const PII = ['jane.roe@example.com', '+31 6 1234 5678', '+31612345678', 'Jane Roe', 'Jane', '0612345678'];

describe('createMetrics', () => {
  it('counts webhooks by connection, outcome and reason, and times them', async () => {
    const m = createMetrics({ connections: ['default'], defaultMetrics: false });
    m.webhook({ connection: 'default', outcome: 'accepted', durationSeconds: 0.02 });
    m.webhook({ connection: 'default', outcome: 'accepted', durationSeconds: 0.03 });
    m.webhook({ connection: 'default', outcome: 'rejected', reason: 'bad_signature', durationSeconds: 0.001 });
    const values = await metric(m, 'cks_webhooks_total');
    expect(values).toEqual(
      expect.arrayContaining([
        { value: 2, labels: { connection: 'default', outcome: 'accepted', reason: 'none' } },
        { value: 1, labels: { connection: 'default', outcome: 'rejected', reason: 'bad_signature' } },
      ]),
    );
    const count = (await metric(m, 'cks_webhook_duration_seconds')).find(
      (v) => v.metricName === 'cks_webhook_duration_seconds_count' && v.labels.outcome === 'accepted',
    );
    expect(count?.value).toBe(2);
  });

  it('counts link mismatches by record type; anything else is "other"', async () => {
    const m = createMetrics({ connections: ['default'], defaultMetrics: false });
    m.linkMismatch('default', 'person');
    m.linkMismatch('default', 'person');
    m.linkMismatch('default', 'jane.roe@example.com' as 'lead');
    expect(await metric(m, 'cks_link_mismatches_total')).toEqual([
      { value: 2, labels: { connection: 'default', record: 'person' } },
      { value: 1, labels: { connection: 'default', record: OTHER } },
    ]);
  });

  it('counts syncs and Krayin calls; a missing status is "network"', async () => {
    const m = createMetrics({ connections: ['default'], defaultMetrics: false });
    m.sync({ connection: 'default', outcome: 'parked', durationSeconds: 1.5 });
    const observe = m.krayinCallObserver('default');
    observe({ endpoint: 'POST /contacts/persons', status: 200, durationMs: 120, outcome: 'ok' });
    observe({ endpoint: 'POST /contacts/persons', status: null, durationMs: 15_000, outcome: 'transient' });
    expect(await metric(m, 'cks_syncs_total')).toEqual([
      { value: 1, labels: { connection: 'default', outcome: 'parked' } },
    ]);
    expect(await metric(m, 'cks_krayin_calls_total')).toEqual(
      expect.arrayContaining([
        { value: 1, labels: { connection: 'default', endpoint: 'POST /contacts/persons', status: '200' } },
        { value: 1, labels: { connection: 'default', endpoint: 'POST /contacts/persons', status: 'network' } },
      ]),
    );
    const sum = (await metric(m, 'cks_krayin_call_duration_seconds')).find(
      (v) => v.metricName === 'cks_krayin_call_duration_seconds_sum',
    );
    expect(sum?.value).toBeCloseTo(15.12);
  });

  it('never lets an email, a phone or a name into the output', async () => {
    const m = createMetrics({ defaultMetrics: false });
    for (const pii of PII) {
      m.webhook({ connection: pii, outcome: 'rejected', reason: pii });
      m.webhook({ connection: 'default', outcome: pii as never, reason: `schema_mismatch: ${pii}` });
      m.sync({ connection: pii, outcome: pii as never });
      m.krayinCall({ connection: 'default', endpoint: pii, status: 500, durationSeconds: 0.1 });
      m.krayinCall({
        connection: 'default',
        endpoint: `GET /contacts/persons/${pii}`,
        status: pii as never,
        durationSeconds: 0.1,
      });
    }
    const text = await m.render();
    for (const pii of PII) expect(text).not.toContain(pii);
    expect(text).not.toMatch(/@|\+\d/);
    expect(text).toContain(`reason="${OTHER}"`);
    expect(text).toContain(`endpoint="${OTHER}"`);
  });

  it('keeps every label value inside its allowed set, whatever the input', async () => {
    const m = createMetrics({ connections: ['default'], defaultMetrics: false });
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (a, b, c) => {
        m.webhook({ connection: a, outcome: b as never, reason: c });
        m.krayinCall({ connection: a, endpoint: b, status: c as never, durationSeconds: 0 });
      }),
      { numRuns: 300 },
    );
    const webhooks = await metric(m, 'cks_webhooks_total');
    expect(new Set(webhooks.map((v) => v.labels.connection))).toEqual(new Set([OTHER]));
    expect(webhooks.every((v) => v.labels.outcome === OTHER)).toBe(true);
    const calls = await metric(m, 'cks_krayin_calls_total');
    expect(calls.every((v) => /^(other|network|[1-5]\d\d)$/.test(String(v.labels.status)))).toBe(true);
    expect(calls.every((v) => v.labels.endpoint === OTHER || /^[A-Z]+ \//.test(String(v.labels.endpoint)))).toBe(true);
  });

  it('ignores invalid durations instead of throwing', async () => {
    const m = createMetrics({ defaultMetrics: false });
    expect(() => m.sync({ connection: 'default', outcome: 'synced', durationSeconds: Number.NaN })).not.toThrow();
    expect(() => m.sync({ connection: 'default', outcome: 'synced', durationSeconds: -1 })).not.toThrow();
    const count = (await metric(m, 'cks_sync_duration_seconds')).filter((v) => v.metricName?.endsWith('_count'));
    expect(count).toEqual([]);
    expect(await metric(m, 'cks_syncs_total')).toEqual([
      { value: 2, labels: { connection: 'default', outcome: 'synced' } },
    ]);
  });

  describe('parked gauge', () => {
    it('is set from the callback on every scrape, folding unknown connections into "other"', async () => {
      let rows = [
        { connectionId: 'default', count: 3 },
        { connectionId: 'jane.roe@example.com', count: 1 },
        { connectionId: 'Jane Roe', count: 2 },
      ];
      const m = createMetrics({ connections: ['default'], defaultMetrics: false, collectParked: async () => rows });
      expect(await metric(m, 'cks_parked_syncs')).toEqual(
        expect.arrayContaining([
          { value: 3, labels: { connection: 'default' } },
          { value: 3, labels: { connection: OTHER } },
        ]),
      );
      rows = [{ connectionId: 'default', count: 0 }];
      expect(await metric(m, 'cks_parked_syncs')).toEqual([{ value: 0, labels: { connection: 'default' } }]);
    });

    it('drops the gauge and counts an error when the store fails or hangs', async () => {
      let mode: 'throw' | 'hang' = 'throw';
      const m = createMetrics({
        defaultMetrics: false,
        collectTimeoutMs: 50,
        collectParked: () =>
          mode === 'throw' ? Promise.reject(new Error('db down')) : new Promise<never>(() => undefined),
      });
      expect(await metric(m, 'cks_parked_syncs')).toEqual([]);
      mode = 'hang';
      expect(await metric(m, 'cks_parked_syncs')).toEqual([]);
      expect(await metric(m, 'cks_metrics_collect_errors_total')).toEqual([
        { value: 2, labels: { collector: 'parked_syncs' } },
      ]);
    });
  });

  it('includes default process metrics unless disabled, on a private registry', async () => {
    const withDefaults = createMetrics();
    const without = createMetrics({ defaultMetrics: false });
    expect(await withDefaults.render()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await without.render()).not.toMatch(/process_cpu/);
    expect(withDefaults.registry).not.toBe(without.registry);
  });
});
