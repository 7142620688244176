/**
 * Two-way sync of persons (issue 12; docs/two-way-sync.md), end to end: the real service with two-way
 * sync on, the Krayin poll workflow and the contact workflows on the Temporal dev server, the fake
 * Krayin and the fake Chatwoot over HTTP. The fake Chatwoot sends its account webhook for every API
 * write, our own included (src/chatwoot/README.md §4: our own API writes come back as webhooks), so echoes
 * arrive as they would in production. Edits on the Krayin side go through Krayin's REST API, as a sales
 * user's tool would make them.
 *
 * Measured: one human edit on either side causes exactly one write on the other side and none back,
 * with the webhook and the poll in either order; a conflict is decided by the field's owner and
 * recorded with both values; a Krayin outage during a poll loses nothing.
 */
import { request } from 'undici';
import { runAdminCommand } from '../../src/cli-admin';
import { ADMIN_TOKEN, CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';
import { editKrayinPerson } from '../helpers/krayin-person-edit';
import type { ContactSyncStatus } from '../../workflows/api';

jest.setTimeout(120_000);

const HINT_TOKEN = 'two-way-hint-token-0123456789';
const route = (c: { method: string; path: string }) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two-way sync of persons', () => {
  let h: Harness;
  let personId: number;
  const contactId = 7101;
  const contact = {
    id: contactId,
    name: 'Ada Lovelace',
    email: 'ada.twoway@example.com',
    phone_number: '+4915100007101',
    additional_attributes: {},
    custom_attributes: {},
  };

  const poll = () => krayinPollOf(h);
  const pollStatus = () => poll().status();
  const pollNow = () => poll().pollNow();

  /** A sales user's edit through Krayin's REST API (PUT needs the full person, src/krayin/README.md §7). */
  async function krayinEdit(changes: { name?: string }): Promise<void> {
    await editKrayinPerson(h.krayin, personId, changes);
  }

  const chatwootName = () => h.chatwoot.state.contacts.get(contactId)?.name;
  const krayinName = () => h.krayin.snapshot().persons.find((p) => p.id === personId)?.name;
  const krayinWrites = () =>
    h
      .krayinCalls()
      .filter((c) => c.method !== 'GET')
      .map(route);
  const chatwootWrites = () =>
    h.chatwoot
      .requests()
      .filter((r) => r.method !== 'GET')
      .map(route);

  /** Waits until `rounds` more sync rounds ran and the contact is idle again. */
  async function rounds(before: ContactSyncStatus, n: number): Promise<ContactSyncStatus> {
    return h.waitFor(contactId, (s) => s.syncCount >= before.syncCount + n && s.status === 'idle', 60_000);
  }

  beforeAll(async () => {
    h = await startHarness({
      twoWay: { enabled: true, pollInterval: 'off' },
      krayinHooks: { token: HINT_TOKEN },
      sync: { leadPolicy: 'never' },
    });
    h.chatwoot.setWebhook({ url: `${h.ingestUrl}/webhooks/chatwoot/${CONNECTION}`, secret: WEBHOOK_SECRET });
    // The poll started at worker start and polled once (its first poll only sets the watermarks).
    await poll().started();
    expect((await h.sendContact('contact_created', contact)).status).toBe(202);
    await h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    personId = (await h.store.links.getContact(CONNECTION, contactId))!.personId!;
  });
  afterAll(() => h?.close());

  it('a poll at idle costs 2 Krayin calls (one page of persons, one of leads) and hands nothing over', async () => {
    h.krayin.clearRequests();
    const poll = await pollNow();
    expect(poll).toMatchObject({ lastCalls: 2, lastHanded: 0, lastFailure: null });
    expect(h.krayinCalls().map(route)).toEqual(['GET /contacts/persons', 'GET /leads']);
    expect(h.krayinCalls()[0]!.query).toMatchObject({ sort: 'updated_at', order: 'desc' });
  });

  it("a name changed in Krayin reaches Chatwoot once; Chatwoot's echo webhook causes no Krayin call", async () => {
    await krayinEdit({ name: 'Ada King' });
    const before = await h.status(contactId);
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();

    expect(await pollNow()).toMatchObject({ lastHanded: 1 });
    // The Krayin change's round, then the round of the echo webhook our Chatwoot write caused.
    const after = await rounds(before, 2);
    expect(after.eventsReceived).toBe(before.eventsReceived + 1);
    expect(chatwootName()).toBe('Ada King');
    expect(chatwootWrites()).toEqual(['PUT /api/v1/accounts/{id}/contacts/{id}']);
    // Chatwoot reads: the two-way step's and the plan's in the first round, the plan's in the echo's.
    expect(
      h.chatwoot
        .requests()
        .filter((r) => r.method === 'GET')
        .map(route),
    ).toEqual(Array(3).fill('GET /api/v1/accounts/{id}/contacts/{id}'));
    // The poll's two pages and the read of the linked person: nothing written back, the echo cost nothing.
    expect(h.krayinCalls().map(route)).toEqual(['GET /contacts/persons', 'GET /leads', 'GET /contacts/persons/{id}']);
    expect(after.twoWay).toMatchObject({ krayinChanges: 1, conflicts: [] });

    // The next poll sees nothing new: the value is the one both sides agreed on.
    expect(await pollNow()).toMatchObject({ lastHanded: 0 });
    // The store compares through salted hashes only: no name, email or phone in any table.
    const dump = await h.dumpStore();
    for (const value of ['Ada King', 'Ada Lovelace', contact.email, contact.phone_number]) {
      expect(dump).not.toContain(value);
    }
  });

  it('a Chatwoot edit reaches Krayin with exactly one write, and the next poll writes nothing back', async () => {
    const before = await h.status(contactId);
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    await h.sendContact('contact_updated', { ...contact, name: 'Ada B. Lovelace' });
    await rounds(before, 1);
    expect(krayinWrites()).toEqual(['PUT /contacts/persons/{id}']);
    expect(krayinName()).toBe('Ada B. Lovelace');

    h.krayin.clearRequests();
    // Our own write moved the person's updated_at: the poll lists it and recognises it as ours.
    expect(await pollNow()).toMatchObject({ lastHanded: 0, lastCalls: 2 });
    await sleep(1000);
    expect(krayinWrites()).toEqual([]);
    expect(chatwootWrites()).toEqual([]);
    expect((await h.status(contactId)).syncCount).toBe(before.syncCount + 1);
  });

  it('both sides edited, the webhook first: the newer Chatwoot edit wins, the conflict is recorded with both values', async () => {
    await krayinEdit({ name: 'Krayin Name' });
    await sleep(1100); // a later second: Krayin's updated_at has second precision
    const before = await h.status(contactId);
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    await h.sendContact('contact_updated', { ...contact, name: 'Chatwoot Name' });
    const after = await rounds(before, 1);
    expect(krayinWrites()).toEqual(['PUT /contacts/persons/{id}']);
    expect(krayinName()).toBe('Chatwoot Name');
    expect(chatwootName()).toBe('Chatwoot Name');
    expect(after.twoWay?.conflicts.at(-1)).toMatchObject({
      field: 'name',
      owner: 'newest',
      winner: 'chatwoot',
      chatwoot: 'Chatwoot Name',
      krayin: 'Krayin Name',
    });
    const stored = await h.store.twoWay.listConflicts(CONNECTION, { contactId });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ field: 'name', owner: 'newest', winner: 'chatwoot' });
    expect(stored[0]!.krayinChangedAt!.getTime()).toBeLessThan(stored[0]!.chatwootChangedAt!.getTime());
    expect((await h.store.audit.list(CONNECTION, contactId)).map((e) => e.action)).toContain('two_way.conflict');

    // The poll afterwards finds our own write only.
    h.krayin.clearRequests();
    expect(await pollNow()).toMatchObject({ lastHanded: 0 });
    expect(chatwootWrites()).toEqual([]);
  });

  it('both sides edited, the poll first: the newer Krayin edit wins; the late webhook writes nothing to Krayin', async () => {
    h.chatwoot.upsertContact({ ...contact, name: 'Older Chatwoot Edit' }); // its webhook comes late
    await sleep(1100);
    await krayinEdit({ name: 'Newer Krayin Edit' });
    const before = await h.status(contactId);
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();

    expect(await pollNow()).toMatchObject({ lastHanded: 1 });
    // The Krayin change's round, then the echo of our Chatwoot write.
    await rounds(before, 2);
    expect(chatwootName()).toBe('Newer Krayin Edit');
    const conflicts = (await h.status(contactId)).twoWay?.conflicts ?? [];
    expect(conflicts.at(-1)).toMatchObject({
      field: 'name',
      winner: 'krayin',
      chatwoot: 'Older Chatwoot Edit',
      krayin: 'Newer Krayin Edit',
    });
    expect((await h.store.twoWay.listConflicts(CONNECTION, { contactId }))[0]).toMatchObject({ winner: 'krayin' });

    // The Chatwoot edit's own webhook, late: the contact now reads as Krayin has it.
    const late = await h.status(contactId);
    await h.sendContact('contact_updated', { ...contact, name: chatwootName()! });
    await rounds(late, 1);
    expect(krayinWrites()).toEqual([]);
    expect(krayinName()).toBe('Newer Krayin Edit');
  });

  it('the admin CLI lists the decided conflicts: field, owner, winner and times, never the values', async () => {
    const api = await h.admin('GET', `/admin/connections/${CONNECTION}/conflicts?contact=${contactId}`);
    expect(api.status).toBe(200);
    expect(api.body.conflicts.map((c: { winner: string }) => c.winner)).toEqual(['krayin', 'chatwoot']);
    const lines: string[] = [];
    const code = await runAdminCommand(
      'conflicts',
      ['--contact', String(contactId)],
      { ADMIN_URL: h.ingestUrl, ADMIN_TOKEN },
      { log: (l) => lines.push(l), error: (l) => lines.push(l) },
    );
    expect(code).toBe(0);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`contact ${contactId}  name: krayin won \\(owner newest; changed in Chatwoot`));
    expect(lines.join('\n')).not.toMatch(/Krayin Edit|Chatwoot Name|Krayin Name|Chatwoot Edit/);
  });

  it("a conflict is decided by the webhook's changed_attributes time, not by when the webhook arrived", async () => {
    // Saved in Chatwoot first; its webhook arrives only after a later Krayin edit (a slow webhook queue).
    h.chatwoot.upsertContact({ ...contact, name: 'Saved Early In Chatwoot' });
    const savedAt = new Date().toISOString();
    await sleep(1100); // later seconds: Krayin's updated_at has second precision
    await krayinEdit({ name: 'Saved Later In Krayin' });
    await sleep(1100);
    const before = await h.status(contactId);
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    await h.sendContact(
      'contact_updated',
      { ...contact, name: 'Saved Early In Chatwoot' },
      {
        changedAttributes: [
          { name: { previous_value: 'Newer Krayin Edit', current_value: 'Saved Early In Chatwoot' } },
          { updated_at: { previous_value: savedAt, current_value: savedAt } },
        ],
      },
    );
    // The round (Krayin wins: its edit is the later one), then the echo of our Chatwoot write.
    await rounds(before, 2);
    expect(krayinWrites()).toEqual([]);
    expect(krayinName()).toBe('Saved Later In Krayin');
    expect(chatwootName()).toBe('Saved Later In Krayin');
    expect((await h.status(contactId)).twoWay?.conflicts.at(-1)).toMatchObject({
      field: 'name',
      owner: 'newest',
      winner: 'krayin',
      chatwoot: 'Saved Early In Chatwoot',
      krayin: 'Saved Later In Krayin',
    });
    const [stored] = await h.store.twoWay.listConflicts(CONNECTION, { contactId });
    expect(stored).toMatchObject({ winner: 'krayin' });
    expect(stored!.chatwootChangedAt!.getTime()).toBe(Date.parse(savedAt));
    expect(stored!.chatwootChangedAt!.getTime()).toBeLessThan(stored!.krayinChangedAt!.getTime());
  });

  it('a Krayin edit the poll has not seen yet survives a Chatwoot edit of another field, and reaches Chatwoot', async () => {
    await krayinEdit({ name: 'Renamed In Krayin' });
    const before = await h.status(contactId);
    h.krayin.clearRequests();
    h.chatwoot.clearRequests();
    // No poll: the webhook of a phone edit in Chatwoot comes first.
    await h.sendContact('contact_updated', { ...contact, name: chatwootName()!, phone_number: '+4915100007199' });
    // The round, then the echo of our Chatwoot write.
    await rounds(before, 2);
    const person = h.krayin.snapshot().persons.find((p) => p.id === personId)!;
    expect(person.name).toBe('Renamed In Krayin'); // kept: Krayin changed it, Chatwoot did not
    expect(JSON.stringify(person)).toContain('+4915100007199'); // Chatwoot's phone edit went to Krayin
    expect(chatwootName()).toBe('Renamed In Krayin');
    expect(h.chatwoot.state.contacts.get(contactId)?.phone_number).toBe('+4915100007199'); // not reverted
    expect(krayinWrites()).toEqual(['PUT /contacts/persons/{id}']);
    expect(chatwootWrites()).toEqual(['PUT /api/v1/accounts/{id}/contacts/{id}']);

    h.krayin.clearRequests();
    expect(await pollNow()).toMatchObject({ lastHanded: 0 });
    expect(krayinWrites()).toEqual([]);
  });

  it("Krayin's own webhook (a hint without ids) makes the poll run at once and bring the change", async () => {
    await krayinEdit({ name: 'Hinted By Krayin' });
    const polls = (await pollStatus()).polls;
    // What Krayin's workflow webhook sends: always form-encoded, no ids (src/krayin/README.md §14).
    const res = await request(`${h.ingestUrl}/webhooks/krayin/${CONNECTION}/${HINT_TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'GuzzleHttp/7' },
      body: 'entity=persons',
    });
    await res.body.text();
    expect(res.statusCode).toBeLessThan(300);
    await h.waitFor(contactId, () => chatwootName() === 'Hinted By Krayin', 30_000);
    expect((await pollStatus()).polls).toBeGreaterThan(polls);
  });

  it('a Krayin outage during a poll loses nothing: the next poll brings the change', async () => {
    await krayinEdit({ name: 'Edited During Outage' });
    h.krayin.addFaults({ method: 'GET', path: '^/(contacts/persons|leads)$', kind: 'status', status: 503 });
    const failed = await pollNow();
    expect(failed.lastFailure).not.toBeNull();
    expect(failed.failures).toBeGreaterThan(0);
    expect(chatwootName()).not.toBe('Edited During Outage');

    h.krayin.clearFaults();
    const before = await h.status(contactId);
    expect(await pollNow()).toMatchObject({ lastHanded: 1, lastFailure: null });
    await rounds(before, 1);
    await h.waitFor(contactId, () => chatwootName() === 'Edited During Outage');
  });
});
