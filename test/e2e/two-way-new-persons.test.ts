/**
 * KRAYIN_NEW_PERSONS=create (issue 12; docs/two-way-sync.md "Persons created in Krayin"), end to end: the
 * real service with two-way sync on, the Krayin poll and the contact workflows on the Temporal dev server,
 * the fake Krayin and the fake Chatwoot over HTTP. Sales create persons through Krayin's REST API.
 *
 * Measured: a person younger than the settle time (60 s, real time: the forward sync may be storing its
 * link) is left for a later poll; then a person whose email an unlinked Chatwoot contact has is linked to
 * that contact (no second contact), and a person nobody has gets one new contact carrying its name, email,
 * phone, job title and company; that contact's own webhook syncs back to the same Krayin person without
 * changing it, and later polls create nothing more.
 */
import { KrayinClient } from '../../src/krayin/client';
import { NEW_PERSON_SETTLE_MS } from '../../src/two-way/new-persons';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';

jest.setTimeout(300_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('persons created in Krayin get a Chatwoot contact (KRAYIN_NEW_PERSONS=create)', () => {
  let h: Harness;
  let sales: KrayinClient;
  const poll = () => krayinPollOf(h);

  beforeAll(async () => {
    h = await startHarness({ twoWay: { enabled: true, newPersons: 'create', pollInterval: 'off' } });
    // Chatwoot's account webhook points at the service, so the contact we create comes back as a webhook.
    h.chatwoot.setWebhook({ url: `${h.ingestUrl}/webhooks/chatwoot/${CONNECTION}`, secret: WEBHOOK_SECRET });
    sales = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC', timeoutMs: 5000 });
    await poll().started();
  });
  afterAll(async () => {
    await sales?.close();
    await h?.close();
  });

  const contactsWith = (email: string) =>
    [...h.chatwoot.state.contacts.values()].filter((c) => c.email?.toLowerCase() === email);

  it('waits for a new person to settle, then links the contact that has its email and creates one for the other', async () => {
    // A customer support already knows, never synced (no webhook reached us): only Chatwoot has them.
    h.chatwoot.upsertContact({ id: 7301, name: 'Linus T.', email: 'linus.newperson@example.com' });
    const organization = await sales.createOrganization({ name: 'Compiler Works' });
    const grace = await sales.createPerson({
      name: 'Grace Hopper',
      emails: [{ value: 'grace.newperson@example.com', label: 'work' }],
      contact_numbers: [{ value: '+4915100007302', label: 'work' }],
      job_title: 'Rear Admiral',
      organization_id: organization.id,
    });
    const linus = await sales.createPerson({
      name: 'Linus Torvalds',
      emails: [{ value: 'linus.newperson@example.com', label: 'work' }],
      contact_numbers: [],
    });
    const createdAt = Date.now();

    const early = await poll().pollNow();
    expect(early.newPersons).toEqual({ created: 0, linked: 0, left: 0 });
    expect(contactsWith('grace.newperson@example.com')).toHaveLength(0);

    await sleep(Math.max(0, createdAt + NEW_PERSON_SETTLE_MS + 2_000 - Date.now()));
    const settled = await poll().pollNow();
    expect(settled.newPersons).toEqual({ created: 1, linked: 1, left: 0 });

    // Linus: the existing contact is linked, none created.
    expect(contactsWith('linus.newperson@example.com').map((c) => c.id)).toEqual([7301]);
    expect((await h.store.links.getContact('default', 7301))?.personId).toBe(linus.id);

    // Grace: one new contact with what Krayin holds, linked to her person.
    const [created] = contactsWith('grace.newperson@example.com');
    expect(contactsWith('grace.newperson@example.com')).toHaveLength(1);
    expect(created).toMatchObject({ name: 'Grace Hopper', phone_number: '+4915100007302' });
    expect(created!.additional_attributes).toMatchObject({ job_title: 'Rear Admiral', company_name: 'Compiler Works' });
    expect((await h.store.links.getContact('default', created!.id))?.personId).toBe(grace.id);

    // Its contact_created webhook syncs it forward: the same person, unchanged, and no new person.
    await h.waitFor(created!.id, (s) => s.syncCount >= 1 && s.status === 'idle', 60_000);
    const persons = h.krayin.snapshot().persons;
    expect(persons.filter((p) => p.name === 'Grace Hopper')).toHaveLength(1);
    const graceNow = persons.find((p) => p.id === grace.id)!;
    expect(graceNow).toMatchObject({
      name: 'Grace Hopper',
      job_title: 'Rear Admiral',
      organization_id: organization.id,
    });
    expect(graceNow.emails).toEqual([{ value: 'grace.newperson@example.com', label: 'work' }]);
    expect(graceNow.contact_numbers).toEqual([{ value: '+4915100007302', label: 'work' }]);

    const audit = await h.store.audit.list('default', created!.id);
    expect(audit.map((a) => a.action)).toContain('two_way.new_person_created');
  });

  it('later polls create nothing more', async () => {
    const contacts = h.chatwoot.state.contacts.size;
    h.krayin.clearRequests();
    const again = await poll().pollNow();
    expect(again.newPersons).toEqual({ created: 1, linked: 1, left: 0 });
    expect(h.chatwoot.state.contacts.size).toBe(contacts);
    expect(h.krayinCalls().filter((c) => c.method !== 'GET')).toEqual([]);
  });
});
