/**
 * cks_backfill_contacts_total counts each contact's outcome once per backfill, although Temporal may run
 * the settle activity again with the same input (a lost heartbeat, a worker restart). The activity runs
 * in the SDK's activity test environment against a real store (PGlite); the metric is read from the
 * real registry's Prometheus text.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { backfillActivities } from '../../activities/backfill';
import { createMetrics } from '../../src/metrics';
import { createConnectionRegistry } from '../../src/sync/create-registry';
import { startHarness, type Harness } from '../helpers/harness';

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function counted(text: string, outcome: string): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith('cks_backfill_contacts_total{') && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('the backfill metric under a retried settle activity', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ workers: false });
  });
  afterAll(() => h?.close());

  it('a settle activity run twice with the same input counts each outcome once; another run counts again', async () => {
    const metrics = createMetrics({ connections: ['default'], defaultMetrics: false });
    const acts = backfillActivities({
      store: h.store,
      connections: createConnectionRegistry(h.config),
      // Settling reads the store only: nothing is handed over.
      dispatcher: { dispatch: () => Promise.reject(new Error('settle must not dispatch')) },
      onOutcome: (c, o, dry) => metrics.backfillContact(c, o, dry),
    });
    const watermark = await h.store.audit.maxId();
    for (const contactId of [8101, 8102]) {
      await h.store.audit.append({ connectionId: 'default', contactId, action: 'person.created' });
      await h.store.audit.append({ connectionId: 'default', contactId, action: 'sync.synced' });
    }
    const input = {
      connectionId: 'default',
      inFlight: [{ contactId: 8101 }, { contactId: 8102 }],
      auditWatermark: watermark,
      waitMs: 2_000,
      staleAfterRounds: 3,
    };
    const settle = () =>
      new MockActivityEnvironment({}, { logger: quiet }).run(acts.backfillSettle, input) as Promise<
        Awaited<ReturnType<typeof acts.backfillSettle>>
      >;

    const first = await settle();
    expect(first.map((s) => [s.contactId, s.outcome])).toEqual([
      [8101, 'created'],
      [8102, 'created'],
    ]);
    expect(counted(await metrics.render(), 'created')).toBe(2);

    // The retry finds (and returns) the same outcomes, as the workflow needs, but does not count them again.
    const retried = await settle();
    expect(retried).toEqual(first);
    expect(counted(await metrics.render(), 'created')).toBe(2);

    // A later backfill (its own watermark) counts the same contacts' new outcomes.
    const later = await h.store.audit.maxId();
    for (const contactId of [8101, 8102]) {
      await h.store.audit.append({ connectionId: 'default', contactId, action: 'person.created' });
      await h.store.audit.append({ connectionId: 'default', contactId, action: 'sync.synced' });
    }
    await new MockActivityEnvironment({}, { logger: quiet }).run(acts.backfillSettle, {
      ...input,
      auditWatermark: later,
    });
    expect(counted(await metrics.render(), 'created')).toBe(4);
  });
});
