/**
 * The two-identities race of two-way sync (docs/two-way-sync.md, "Known limits" before this test): sales
 * change BOTH the email and the phone of a linked person in Krayin, and the agent edits the contact in
 * Chatwoot before a poll has brought them over. Nothing on the person is the contact's any more, yet it
 * is the contact's person: Krayin keeps its `created_at`, whose salted hash the sync recorded when it
 * wrote the person (src/sync/ownership.ts). Expected: the agent's edit reaches that same person, sales'
 * email and phone stay, and no second person is created. Without the creation-time proof the forward
 * sync took the person for another customer's and created a duplicate.
 */
import { CONNECTION, startHarness, type Harness } from '../helpers/harness';
import { editKrayinPerson } from '../helpers/krayin-person-edit';

jest.setTimeout(120_000);

describe('two-way sync: a person whose email and phone sales both changed', () => {
  let h: Harness;
  const contactId = 7301;
  const contact = {
    id: contactId,
    name: 'Grace Hopper',
    email: 'grace.identities@example.com',
    phone_number: '+4915100007301',
    additional_attributes: {},
    custom_attributes: {},
  };

  beforeAll(async () => {
    // No timed poll: the agent's edit comes before any poll could bring sales' changes over.
    h = await startHarness({ twoWay: { enabled: true, pollInterval: 'off' }, sync: { leadPolicy: 'never' } });
  });
  afterAll(() => h?.close());

  it("is still the contact's person: the agent's edit reaches it, no duplicate is created", async () => {
    expect((await h.sendContact('contact_created', contact)).status).toBe(202);
    await h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    const personId = (await h.store.links.getContact(CONNECTION, contactId))!.personId!;

    // A sales user replaces both identities through Krayin's REST API (PUT needs the full person).
    await editKrayinPerson(h.krayin, personId, {
      emails: [{ value: 'grace@navy.example', label: 'work' }],
      contact_numbers: [{ value: '+4930555073010', label: 'work' }],
    });

    // The agent renames the contact in Chatwoot before any poll.
    const before = await h.status(contactId);
    const renamed = { ...contact, name: 'Grace B. Hopper' };
    h.chatwoot.upsertContact(renamed);
    h.krayin.clearRequests();
    expect((await h.sendContact('contact_updated', renamed)).status).toBe(202);
    await h.waitFor(
      contactId,
      (s) => s.syncCount > before.syncCount && s.status === 'idle' && s.syncStatus === 'synced',
      60_000,
    );

    const persons = h.krayin.snapshot().persons;
    expect(persons).toHaveLength(1);
    expect(persons[0]).toMatchObject({
      id: personId,
      name: 'Grace B. Hopper',
      emails: [{ value: 'grace@navy.example', label: 'work' }],
      contact_numbers: [{ value: '+4930555073010', label: 'work' }],
    });
    expect(h.krayinCalls().filter((c) => c.method === 'POST' && c.path.endsWith('/contacts/persons'))).toEqual([]);
    expect((await h.store.links.getContact(CONNECTION, contactId))!.personId).toBe(personId);
    const actions = (await h.store.audit.list(CONNECTION, contactId, 50)).map((a) => a.action);
    expect(actions).not.toContain('person.link_mismatch');
    expect(actions).not.toContain('person.relink');
  });
});
