/**
 * INGEST_MODE=direct, end to end (the default is `log`, covered by the rest of the suite): a webhook is
 * answered only after Temporal accepted its signalWithStart, so the contact's workflow exists when the
 * 202 arrives, nothing goes through the inbound log, a repeated delivery is still processed once, and the
 * contact syncs exactly as in log mode. The real ingest app over HTTP, the real dev server, both fakes.
 */
import { contactWorkflowId } from '../../workflows/api';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

const contact = (id: number): ContactInput => ({
  id,
  name: `Direct Mode ${id}`,
  email: `direct.${id}@example.com`,
  phone_number: '',
  additional_attributes: { company_name: `Direct Mode ${id} Ltd` },
  custom_attributes: {},
});

describe('ingest in direct mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ service: { ingest: { mode: 'direct' } }, sync: { leadPolicy: 'contact_created' } });
  });
  afterAll(() => h?.close());

  it('answers after Temporal took the event: the workflow exists at the 202 and the log stays empty', async () => {
    expect(h.config.ingest.mode).toBe('direct');
    const res = await h.sendContact('contact_created', contact(71_001));
    expect(res.status).toBe(202);
    // No wait: in direct mode the 2xx itself means Temporal has the event.
    const described = await h.client.workflow.getHandle(contactWorkflowId('default', 71_001)).describe();
    expect(described.status.name).toBe('RUNNING');
    expect(await h.store.inbound.count()).toBe(0);

    await h.waitFor(71_001, (s) => s.syncStatus === 'synced');
    const k = h.krayin.snapshot();
    const person = k.persons.find((p) => p.name === 'Direct Mode 71001');
    expect(person).toBeDefined();
    expect(k.organizations.filter((o) => o.name === 'Direct Mode 71001 Ltd')).toHaveLength(1);
    expect(k.leads.filter((l) => l.person_id === person!.id)).toHaveLength(1);
  });

  it('a delivery sent twice is processed once', async () => {
    const first = await h.sendContact('contact_created', contact(71_002), { deliveryId: 'direct-dup-71002' });
    const again = await h.sendContact('contact_created', contact(71_002), { deliveryId: 'direct-dup-71002' });
    expect([first.status, again.status]).toEqual([202, 200]);
    const status = await h.waitFor(71_002, (s) => s.syncStatus === 'synced');
    expect(status.eventsReceived).toBe(1);
    expect(h.krayin.snapshot().persons.filter((p) => p.name === 'Direct Mode 71002')).toHaveLength(1);
  });
});
