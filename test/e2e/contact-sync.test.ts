/**
 * Contact -> organization / person / lead, end to end: signed webhooks over HTTP into the real ingest
 * app, the real Temporal dev server, workers in this process, the fake Chatwoot API and the fake
 * Krayin (as strict as Krayin 2.1.2). Krayin state is asserted from the fake's own records and the
 * call budget from its request log.
 */
import { Worker } from '@temporalio/worker';
import { callList, startHarness, workflowBundle, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

const writes = <T extends { method: string }>(calls: T[]) => calls.filter((c) => c.method !== 'GET');

function jane(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Jane Doe ${id}`,
    email: `jane.${id}@example.com`,
    phone_number: '',
    // A company per contact: the store outlives krayin.reset(), so shared names would couple tests.
    additional_attributes: { company_name: `Acme Logistics ${id} GmbH`, description: 'Head of Operations' },
    custom_attributes: {},
    ...extra,
  };
}

describe('contact sync, end to end', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.krayin.reset();
  });

  it('a new contact with a company becomes 1 organization, 1 person linked to it and 1 lead, in at most 5 calls', async () => {
    const res = await h.sendContact('contact_created', jane(1001, { phone_number: '+4915112345678' }));
    expect(res.status).toBe(202);
    const status = await h.waitFor(1001, (s) => s.syncStatus === 'synced');

    const k = h.krayin.snapshot();
    expect(k.organizations).toHaveLength(1);
    expect(k.organizations[0]!.name).toBe('Acme Logistics 1001 GmbH');
    expect(k.persons).toHaveLength(1);
    const person = k.persons[0]!;
    expect(person.name).toBe('Jane Doe 1001');
    expect(person.emails).toEqual([{ value: 'jane.1001@example.com', label: 'work' }]);
    expect(person.contact_numbers).toEqual([{ value: '+4915112345678', label: 'work' }]);
    expect(person.job_title).toBe('Head of Operations');
    expect(person.organization_id).toBe(k.organizations[0]!.id);
    expect(k.leads).toHaveLength(1);
    expect(k.leads[0]!.person_id).toBe(person.id);
    expect(k.leads[0]!.title).toBe('Jane Doe 1001 (Chatwoot)');
    expect(k.leads[0]!.stage_code).toBe('new');

    const link = await h.store.links.getContact('default', 1001);
    expect(link).toMatchObject({ personId: person.id, organizationId: k.organizations[0]!.id, leadId: k.leads[0]!.id });
    expect(status.lastOutcome).toEqual({
      kind: 'synced',
      personId: person.id,
      leadId: k.leads[0]!.id,
      organizationId: k.organizations[0]!.id,
    });
    const state = await h.store.syncState.get('default', 1001);
    expect(state?.status).toBe('synced');

    // Reference data (pipelines, users) is cached per connection: count the per-contact calls only.
    const perContact = h.krayinCalls().filter((c) => !c.path.startsWith('/settings/'));
    expect(perContact.length).toBeLessThanOrEqual(5);
  });

  it('a new contact without a company costs at most 3 calls', async () => {
    await h.sendContact('contact_created', jane(1002, { additional_attributes: {} }));
    await h.waitFor(1002, (s) => s.syncStatus === 'synced');
    const k = h.krayin.snapshot();
    expect(k.organizations).toHaveLength(0);
    expect(k.persons).toHaveLength(1);
    expect(k.leads).toHaveLength(1);
    const perContact = h.krayinCalls().filter((c) => !c.path.startsWith('/settings/'));
    expect(perContact.length).toBeLessThanOrEqual(3);
  });

  it('the same delivery 3 times is processed once', async () => {
    const contact = jane(1003);
    const first = await h.sendContact('contact_created', contact, { deliveryId: 'delivery-1003' });
    const second = await h.sendContact('contact_created', contact, { deliveryId: 'delivery-1003' });
    const third = await h.sendContact('contact_created', contact, { deliveryId: 'delivery-1003' });
    expect([first.status, second.status, third.status]).toEqual([202, 200, 200]);
    expect(second.body.status).toBe('duplicate');
    const s = await h.waitFor(1003, (st) => st.syncStatus === 'synced');
    expect(s.eventsReceived).toBe(1);
    expect(s.syncCount).toBe(1);
    expect(h.krayin.snapshot().persons).toHaveLength(1);
    expect(writes(h.krayinCalls())).toHaveLength(2); // organization + lead-with-person
  });

  it('20 events for one contact within a second cost one sync worth of Krayin calls', async () => {
    const contact = jane(1004);
    const sends = [];
    for (let i = 0; i < 20; i++) sends.push(h.sendContact(i === 0 ? 'contact_created' : 'contact_updated', contact));
    const answers = await Promise.all(sends);
    expect(answers.every((a) => a.status === 202)).toBe(true);
    const s = await h.waitFor(
      1004,
      (st) => st.syncStatus === 'synced' && st.eventsReceived === 20 && st.status === 'idle',
    );
    expect(s.syncCount).toBe(1);
    expect(h.krayin.snapshot().persons).toHaveLength(1);
    expect(h.krayin.snapshot().leads).toHaveLength(1);
    const perContact = h.krayinCalls().filter((c) => !c.path.startsWith('/settings/'));
    expect(callList(perContact)).toEqual([
      'GET /contacts/organizations',
      'POST /contacts/organizations',
      'GET /contacts/persons/search',
      'POST /leads',
    ]);
  });

  it('an update that changes no mapped field costs 0 Krayin calls', async () => {
    const contact = jane(1005);
    await h.sendContact('contact_created', contact);
    await h.waitFor(1005, (s) => s.syncStatus === 'synced');
    h.krayin.clearRequests();

    // A custom attribute that no field map names: a real change for Chatwoot, none for Krayin.
    const res = await h.sendContact('contact_updated', { ...contact, custom_attributes: { customer_tier: 'gold' } });
    expect(res.status).toBe(202);
    const s = await h.waitFor(1005, (st) => st.syncCount === 2);
    expect(s.lastOutcome).toEqual({ kind: 'unchanged' });
    expect(h.krayinCalls()).toEqual([]);
  });

  it('a mapped change updates the person in place, keeping what sales set in Krayin', async () => {
    const contact = jane(1006);
    await h.sendContact('contact_created', contact);
    await h.waitFor(1006, (s) => s.syncStatus === 'synced');
    // Sales assigns an owner in Krayin; a person PUT without user_id would wipe it.
    const personId = h.krayin.snapshot().persons[0]!.id;
    const { KrayinClient } = await import('../../src/krayin/client');
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    const before = (await api.getPerson(personId))!;
    await api.updatePerson(personId, {
      name: before.name ?? '',
      emails: before.emails ?? [],
      contact_numbers: before.contact_numbers ?? [],
      user_id: 1,
    });
    await api.close();
    h.krayin.clearRequests();

    await h.sendContact('contact_updated', { ...contact, name: 'Jane Smith', phone_number: '+4915199999999' });
    await h.waitFor(1006, (s) => s.syncCount === 2);
    const k = h.krayin.snapshot();
    expect(k.persons).toHaveLength(1);
    expect(k.persons[0]!.name).toBe('Jane Smith');
    expect(k.persons[0]!.contact_numbers).toEqual([{ value: '+4915199999999', label: 'work' }]);
    expect(k.persons[0]!.user_id).toBe(1); // the owner sales chose was resent, not wiped
    expect(callList(writes(h.krayinCalls()))).toEqual([`PUT /contacts/persons/${k.persons[0]!.id}`]);
  });

  it('two contacts of one company share 1 organization', async () => {
    const company = { company_name: 'Globex Corporation' };
    await h.sendContact('contact_created', jane(1007, { additional_attributes: company }));
    await h.sendContact('contact_created', jane(1008, { additional_attributes: company }));
    await h.waitFor(1007, (s) => s.syncStatus === 'synced');
    await h.waitFor(1008, (s) => s.syncStatus === 'synced');
    const k = h.krayin.snapshot();
    expect(k.organizations).toHaveLength(1);
    expect(k.persons).toHaveLength(2);
    expect(k.persons.every((p) => p.organization_id === k.organizations[0]!.id)).toBe(true);
  });

  it('a person already in Krayin with that email is linked, not duplicated', async () => {
    const { KrayinClient } = await import('../../src/krayin/client');
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    // Sales created her by hand, with an extra phone and a substring neighbour exists too.
    const existing = await api.createPerson({
      name: 'J. Doe',
      emails: [{ value: 'jane.1009@example.com', label: 'work' }],
      contact_numbers: [{ value: '+4930111111', label: 'work' }],
    });
    await api.createPerson({
      name: 'Mary',
      emails: [{ value: 'mary.jane.1009@example.com', label: 'work' }],
      contact_numbers: [],
    });
    await api.close();

    await h.sendContact('contact_created', jane(1009));
    await h.waitFor(1009, (s) => s.syncStatus === 'synced');
    const k = h.krayin.snapshot();
    expect(k.persons).toHaveLength(2);
    const linked = k.persons.find((p) => p.id === existing.id)!;
    expect(linked.name).toBe('Jane Doe 1009');
    expect(linked.contact_numbers).toEqual([{ value: '+4930111111', label: 'work' }]); // kept
    expect((await h.store.links.getContact('default', 1009))?.personId).toBe(existing.id);
    expect(k.leads.filter((l) => l.person_id === existing.id)).toHaveLength(1);
  });

  it('a Krayin 422 parks that contact with the reason, and another contact still syncs', async () => {
    // Krayin rejects the phone as a duplicate of someone else's: a validation error no retry can fix.
    h.krayin.addFaults({ method: 'POST', path: '^/leads$', kind: 'status', status: 422, times: 1 });
    await h.sendContact('contact_created', jane(1010, { additional_attributes: {} }));
    const parked = await h.waitFor(1010, (s) => s.syncStatus === 'parked');
    expect(parked.parkReason?.kind).toBe('validation');
    expect(parked.parkReason?.endpoint).toBe('POST /leads');
    const state = await h.store.syncState.get('default', 1010);
    expect(state?.status).toBe('parked');
    expect(state?.parkReason?.kind).toBe('validation');

    await h.sendContact('contact_created', jane(1011, { additional_attributes: {} }));
    await h.waitFor(1011, (s) => s.syncStatus === 'synced');

    // The UI can find it by search attribute.
    const found = [];
    for await (const wf of h.client.workflow.list({ query: `SyncStatus = "parked" AND ChatwootContactId = "1010"` })) {
      found.push(wf.workflowId);
    }
    expect(found).toEqual(['contact:default:1010']);
  });

  it('an ambiguous answer (the write happened, the body was empty) is re-read, not repeated', async () => {
    h.krayin.addFaults({ method: 'POST', path: '^/leads$', kind: 'empty_200_after_write', times: 1 });
    await h.sendContact('contact_created', jane(1012, { additional_attributes: {} }));
    const s = await h.waitFor(1012, (st) => st.syncStatus === 'synced');
    const k = h.krayin.snapshot();
    expect(k.persons).toHaveLength(1);
    expect(k.leads).toHaveLength(1);
    expect(s.lastOutcome).toMatchObject({ personId: k.persons[0]!.id, leadId: k.leads[0]!.id });
    expect(h.krayinCalls().filter((c) => c.method === 'POST' && c.path === '/leads')).toHaveLength(1);
  });

  it('a Krayin 404 on a write parks the contact (not_found, visible as SyncStatus=parked), and new data resumes it', async () => {
    const contact = jane(1013, { additional_attributes: {} });
    await h.sendContact('contact_created', contact);
    await h.waitFor(1013, (s) => s.syncStatus === 'synced');
    // The person is deleted in Krayin between the link check (GET, served) and the update (PUT).
    h.krayin.addFaults({ method: 'PUT', path: '^/contacts/persons/\\d+$', kind: 'status', status: 404, times: 1 });
    await h.sendContact('contact_updated', { ...contact, name: 'Jane Roe' });

    const parked = await h.waitFor(1013, (s) => s.syncStatus === 'parked');
    expect(parked.parkReason).toEqual({
      kind: 'not_found',
      message: 'Krayin answered 404 on PUT /contacts/persons/{id}',
      endpoint: 'PUT /contacts/persons/{id}',
    });
    const state = await h.store.syncState.get('default', 1013);
    expect(state?.status).toBe('parked');
    expect(state?.parkReason?.kind).toBe('not_found');
    const found = [];
    // The open run only: a run that continued as new keeps its search attributes too (the dev server
    // suggests continue-as-new after 60 events), and other files may reuse contact 1013 on the same server.
    const query = `SyncStatus = "parked" AND ChatwootContactId = "1013" AND ExecutionStatus = "Running"`;
    for await (const wf of h.client.workflow.list({ query })) {
      found.push(wf.workflowId);
    }
    expect(found).toEqual(['contact:default:1013']);

    await h.sendContact('contact_updated', { ...contact, name: 'Jane Roe' });
    await h.waitFor(1013, (s) => s.syncStatus === 'synced');
    expect(h.krayin.snapshot().persons.map((p) => p.name)).toEqual(['Jane Roe']);
  });

  it('Chatwoot 503, then 429 with Retry-After, then 200 on the contact read: the sync is delayed, not parked', async () => {
    const contactPath = /\/contacts\/1014$/;
    h.chatwoot.addFaults(
      { method: 'GET', path: contactPath, status: 503, times: 1 },
      { method: 'GET', path: contactPath, status: 429, headers: { 'Retry-After': '1' }, times: 1 },
    );
    await h.sendContact('contact_created', jane(1014, { additional_attributes: {} }));
    const s = await h.waitFor(1014, (st) => st.syncStatus === 'synced');
    expect(s.parkReason).toBeNull();
    expect((await h.store.syncState.get('default', 1014))?.status).toBe('synced');
    expect(h.chatwoot.requests().filter((r) => contactPath.test(r.path))).toHaveLength(3);

    // The read succeeded on its 3rd attempt; the attempt before it failed as the table's rate limit.
    const history = await h.handle(1014).fetchHistory();
    const retried = (history.events ?? [])
      .map((e) => e.activityTaskStartedEventAttributes)
      .filter((started) => started?.lastFailure);
    expect(retried).toHaveLength(1);
    expect(retried[0]?.attempt).toBe(3);
    expect(retried[0]?.lastFailure?.applicationFailureInfo?.type).toBe('ChatwootRateLimited');
  });

  it('every workflow history of this file replays deterministically against the current code', async () => {
    const histories = h.client.workflow.list({ query: `TaskQueue = "${h.config.temporal.taskQueue}"` }).intoHistories();
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      expect(result.error).toBeUndefined();
      replayed++;
    }
    expect(replayed).toBeGreaterThan(10);
  });
});
