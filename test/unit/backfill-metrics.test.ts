/** cks_backfill_contacts_total: contacts a backfill finished, by outcome; labels bounded and PII-free. */
import { createMetrics, OTHER } from '../../src/metrics';

describe('backfill metric', () => {
  it('counts contacts by connection, outcome and dry run; anything else is "other"', async () => {
    const m = createMetrics({ connections: ['default'], defaultMetrics: false });
    m.backfillContact('default', 'created', false);
    m.backfillContact('default', 'created', false);
    m.backfillContact('default', 'linked', true);
    m.backfillContact('default', 'jane.roe@example.com', false);
    const single = m.registry.getSingleMetric('cks_backfill_contacts_total');
    const values = ((await single!.get()) as unknown as { values: unknown[] }).values;
    expect(values).toEqual(
      expect.arrayContaining([
        { value: 2, labels: { connection: 'default', outcome: 'created', dry_run: 'false' } },
        { value: 1, labels: { connection: 'default', outcome: 'linked', dry_run: 'true' } },
        { value: 1, labels: { connection: 'default', outcome: OTHER, dry_run: 'false' } },
      ]),
    );
    expect(values).toHaveLength(3);
  });
});
