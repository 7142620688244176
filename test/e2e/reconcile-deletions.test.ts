/**
 * Deleted and merged contacts, end to end (issue 11 §1, "Deletions and merges"): a contact deleted in
 * Chatwoot follows ON_CHATWOOT_DELETE (keep / tag / delete_person) after a full reconcile; a contact merged
 * into another is relinked, never duplicated, and the delete policy leaves its person alone; a merge
 * into a contact linked to another Krayin person is parked for an operator; a person, lead or
 * organization sales deleted in Krayin is found by the next full pass and re-created once. Real Temporal dev server,
 * real store, the fakes over HTTP, the reconcile CLI command. The policy is read live: each test sets it
 * on the running service's connection config.
 */
import { runReconcileCommand } from '../../src/reconcile/cli';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

function contact(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Dee Leted ${id}`,
    email: `dee.${id}@example.com`,
    phone_number: '',
    additional_attributes: {},
    custom_attributes: {},
    ...extra,
  };
}

async function reconcileFull(h: Harness): Promise<string> {
  const lines: string[] = [];
  const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(`ERROR ${l}`) };
  const code = await runReconcileCommand(['--connection', 'default', '--full'], h.config, { out, pollMs: 200 });
  expect({ code, lines }).toMatchObject({ code: 0 });
  return lines.find((l) => l.startsWith('Done.')) ?? '';
}

const personsWith = (h: Harness, email: string) =>
  h.krayin.snapshot().persons.filter((p) => JSON.stringify(p.emails ?? []).includes(`"${email}"`));

/** ON_CHATWOOT_DELETE changed as in the console: a settings change the worker follows without a restart. */
async function setPolicy(h: Harness, policy: 'keep' | 'tag' | 'delete_person'): Promise<void> {
  const saved = await h.settings.update('default', { 'sync.reconcile.onChatwootDelete': policy }, 'test');
  expect(saved).toMatchObject({ ok: true });
}

async function waitUntil(pred: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForGone(h: Harness, contactId: number): Promise<void> {
  await waitUntil(async () => {
    const s = await h.store.syncState.get('default', contactId);
    return s?.status === 'skipped' && s.note === 'contact deleted or merged in Chatwoot';
  });
}

/** What a full pass costs in Krayin when nothing was deleted there: one id page of persons, leads, organizations. */
const ID_PAGES = ['GET /contacts/persons', 'GET /leads', 'GET /contacts/organizations'];

const ORG_COMPANY = { company_name: 'Vanished Widgets AG' };

/** A sales user's delete in Krayin, through its API. */
async function deleteInKrayin(h: Harness, path: string): Promise<void> {
  const res = await fetch(h.krayin.apiBase + path, {
    method: 'DELETE',
    headers: { Accept: 'application/json', Authorization: `Bearer ${h.krayin.token}` },
  });
  expect(res.status).toBe(200);
}

const auditOf = async (h: Harness, contactId: number) => await h.store.audit.list('default', contactId, 100);

describe('deleted and merged contacts, end to end', () => {
  let h: Harness;
  /** Krayin person id of each contact after the first sync. */
  const person = new Map<number, number>();

  beforeAll(async () => {
    h = await startHarness();
    // With a conversation (so a lead, first_conversation policy): 6001, 6003, 6010, 6020; without: 6002, 6004.
    for (const id of [6001, 6002, 6003, 6004, 6010, 6020, 6021, 6030, 6031]) h.chatwoot.upsertContact(contact(id));
    // Two contacts of one company (one organization in Krayin); 6040 talks to us, so it has a lead too.
    for (const id of [6040, 6041]) h.chatwoot.upsertContact(contact(id, { additional_attributes: ORG_COMPANY }));
    // The merge survivor without an email yet: skipped until the merge gives it one.
    h.chatwoot.upsertContact(contact(6011, { email: null, phone_number: '+4915112346011' }));
    let conversation = 700;
    for (const id of [6001, 6003, 6010, 6020, 6031, 6040]) {
      h.chatwoot.upsertConversation({ id: ++conversation, contactId: id, inboxId: 3 });
      h.chatwoot.addMessage(conversation, { message_type: 'incoming', content: 'Hello' });
    }
    await reconcileFull(h);
    for (const id of [6001, 6002, 6003, 6004, 6010, 6020, 6021, 6030, 6031, 6040, 6041]) {
      await waitUntil(async () => (await h.store.syncState.get('default', id))?.status === 'synced');
      const link = await h.store.links.getContact('default', id);
      person.set(id, link!.personId!);
    }
    for (const id of [6001, 6003, 6010, 6020, 6031, 6040]) {
      await waitUntil(async () => (await h.store.links.getContact('default', id))?.leadId != null);
    }
    // Their conversations' activities written too, so later tests count only their own Krayin calls.
    for (const c of [701, 702, 703, 704, 705, 706]) {
      await waitUntil(async () => (await h.store.conversations.get('default', c))?.activityId != null);
    }
    for (const id of [6020, 6040, 6041]) await waitUntil(async () => (await h.status(id)).status === 'idle');
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('keep: the person stays, no Krayin call, audit says keep', async () => {
    await setPolicy(h, 'keep');
    h.chatwoot.deleteContact(6004);
    h.krayin.clearRequests();
    expect(await reconcileFull(h)).toMatch(/deleted in Chatwoot 1/);
    await waitForGone(h, 6004);
    expect(personsWith(h, 'dee.6004@example.com')).toHaveLength(1);
    // Only the full pass's Krayin id pages (persons and leads), nothing for the deleted contact.
    expect(h.krayinCalls().map((c) => `${c.method} ${c.path}`)).toEqual(ID_PAGES);
    const gone = (await auditOf(h, 6004)).find((a) => a.action === 'sync.gone');
    expect(gone?.detail).toEqual({ policy: 'keep', action: 'none' });
  });

  it('tag: the person and its lead are tagged chatwoot-deleted, nothing else changes', async () => {
    await setPolicy(h, 'tag');
    const before = h.krayin.snapshot();
    h.chatwoot.deleteContact(6001);
    expect(await reconcileFull(h)).toMatch(/deleted in Chatwoot 1/);
    await waitForGone(h, 6001);

    const after = h.krayin.snapshot();
    const p = after.persons.find((x) => x.id === person.get(6001))!;
    expect(p.tags).toEqual(['chatwoot-deleted']);
    const leadId = (await h.store.links.getContact('default', 6001))!.leadId!;
    expect(after.leads.find((l) => l.id === leadId)!.tags).toEqual(['chatwoot-deleted']);
    // Tags do not bump updated_at; no record was created or removed.
    expect(p.updated_at).toBe(before.persons.find((x) => x.id === p.id)!.updated_at);
    expect(after.persons).toHaveLength(before.persons.length);
    expect(after.leads).toHaveLength(before.leads.length);
    const audit = await auditOf(h, 6001);
    expect(audit.find((a) => a.action === 'chatwoot_deleted.tagged')?.detail).toMatchObject({
      policy: 'tag',
      personId: p.id,
      leadId,
    });
    expect(audit.find((a) => a.action === 'sync.gone')?.detail).toMatchObject({ policy: 'tag', action: 'tag' });
  });

  it('delete_person: a person no lead refers to is deleted in Krayin and unlinked', async () => {
    await setPolicy(h, 'delete_person');
    const personId = person.get(6002)!;
    h.chatwoot.deleteContact(6002);
    expect(await reconcileFull(h)).toMatch(/deleted in Chatwoot 1/);
    await waitForGone(h, 6002);
    expect(h.krayin.snapshot().persons.find((x) => x.id === personId)).toBeUndefined();
    expect((await h.store.links.getContact('default', 6002))?.personId).toBeNull();
    expect((await auditOf(h, 6002)).find((a) => a.action === 'chatwoot_deleted.person_deleted')?.detail).toEqual({
      policy: 'delete_person',
      personId,
    });
    // Handled once: the next full pass neither reports it nor calls Krayin for it.
    h.krayin.clearRequests();
    expect(await reconcileFull(h)).not.toMatch(/deleted in Chatwoot/);
    expect(h.krayinCalls().filter((c) => c.method !== 'GET' || c.path.includes(String(personId)))).toEqual([]);
  });

  it('delete_person on a person with a lead: never a DELETE (Krayin would refuse it and lose its activities): tagged instead', async () => {
    await setPolicy(h, 'delete_person');
    const personId = person.get(6003)!;
    h.chatwoot.deleteContact(6003);
    h.krayin.clearRequests();
    await reconcileFull(h);
    await waitForGone(h, 6003);
    expect(h.krayinCalls().filter((c) => c.method === 'DELETE')).toEqual([]);
    const p = h.krayin.snapshot().persons.find((x) => x.id === personId);
    expect(p?.tags).toEqual(['chatwoot-deleted']);
    expect((await auditOf(h, 6003)).find((a) => a.action === 'sync.gone')?.detail).toMatchObject({
      policy: 'delete_person',
      action: 'tag',
      why: 'has_leads',
    });
  });

  it('a merged contact is relinked to the survivor: 0 duplicates, the delete policy does not touch its person', async () => {
    await setPolicy(h, 'delete_person');
    const personsBefore = h.krayin.snapshot().persons.length;
    const personId = person.get(6010)!;
    // 6010 merged into 6011: its conversation moves, 6011 (no email) takes 6010's email.
    h.chatwoot.mergeContacts(6011, 6010);
    expect(await reconcileFull(h)).toMatch(/deleted in Chatwoot 1/);
    await waitForGone(h, 6010);
    await waitUntil(async () => (await h.store.syncState.get('default', 6011))?.status === 'synced');

    expect(personsWith(h, 'dee.6010@example.com').map((p) => p.id)).toEqual([personId]);
    expect(h.krayin.snapshot().persons).toHaveLength(personsBefore);
    expect((await h.store.links.getContact('default', 6011))?.personId).toBe(personId);
    expect((await h.store.links.getContact('default', 6010))?.personId ?? null).toBeNull();
    expect((await h.store.conversations.get('default', 703))?.contactId).toBe(6011);
    const relinked = (await auditOf(h, 6010)).find((a) => a.action === 'reconcile.relinked');
    expect(relinked?.detail).toMatchObject({ personId, survivor: 6011 });
    expect(['move', 'same_person']).toContain((relinked?.detail as { how: string }).how);
    expect((await auditOf(h, 6010)).some((a) => a.action.startsWith('chatwoot_deleted.'))).toBe(false);
  });

  it('a merge into a contact linked to another Krayin person is parked for an operator, nothing merged', async () => {
    await setPolicy(h, 'delete_person');
    const personsBefore = h.krayin.snapshot().persons.length;
    // 6021 keeps its own email: its person is another one than 6020's.
    h.chatwoot.mergeContacts(6021, 6020);
    await reconcileFull(h);
    await waitUntil(async () => (await h.store.syncState.get('default', 6020))?.status === 'parked');
    const state = await h.store.syncState.get('default', 6020);
    expect(state?.parkReason).toMatchObject({ kind: 'ambiguous' });
    expect(state?.parkReason?.message).toMatch(/merged in Chatwoot into contact 6021/);
    expect(h.krayin.snapshot().persons).toHaveLength(personsBefore);
    expect((await h.store.links.getContact('default', 6020))?.personId).toBe(person.get(6020));
    expect((await auditOf(h, 6020)).find((a) => a.action === 'reconcile.merge_conflict')?.detail).toMatchObject({
      personId: person.get(6020),
      survivor: 6021,
      survivorPersonId: person.get(6021),
    });
    // Left alone by later passes (parked), not parked again every day.
    expect(await reconcileFull(h)).not.toMatch(/deleted in Chatwoot/);
  });

  it('a person deleted in Krayin by sales is re-created by the next full pass, once', async () => {
    const old = person.get(6030)!;
    await deleteInKrayin(h, `/contacts/persons/${old}`);
    expect(await reconcileFull(h)).toMatch(/deleted in Krayin 1/);
    await waitUntil(async () => {
      const link = await h.store.links.getContact('default', 6030);
      return link?.personId != null && link.personId !== old;
    });
    await waitUntil(async () => (await h.status(6030)).status === 'idle');
    expect(personsWith(h, 'dee.6030@example.com')).toHaveLength(1);
    expect((await auditOf(h, 6030)).find((a) => a.action === 'reconcile.krayin_deleted')?.detail).toEqual({
      kind: 'person',
      krayinId: old,
    });
    // Found once: the next pass has nothing to report.
    expect(await reconcileFull(h)).not.toMatch(/deleted in Krayin/);
  });

  it('a lead deleted in Krayin by sales gets a new lead and its conversation written again', async () => {
    const link = (await h.store.links.getContact('default', 6031))!;
    const oldLead = link.leadId!;
    await deleteInKrayin(h, `/leads/${oldLead}`);
    h.krayin.clearRequests();
    expect(await reconcileFull(h)).toMatch(/deleted in Krayin 1/);
    await waitUntil(async () => {
      const now = await h.store.links.getContact('default', 6031);
      return now?.leadId != null && now.leadId !== oldLead;
    });
    const newLead = (await h.store.links.getContact('default', 6031))!.leadId!;
    await waitUntil(async () => (await h.store.conversations.get('default', 705))?.leadId === newLead);
    await waitUntil(async () => (await h.store.conversations.get('default', 705))?.activityId != null);
    const snapshot = h.krayin.snapshot();
    expect(snapshot.leads.filter((l) => l.person_id === link.personId).map((l) => l.id)).toEqual([newLead]);
    expect(personsWith(h, 'dee.6031@example.com').map((p) => p.id)).toEqual([link.personId]);
    const activity = snapshot.activities.filter((a) =>
      JSON.stringify(a.additional ?? {}).includes('"conversation":705'),
    );
    expect(activity).toHaveLength(1);
  });
  it('an organization deleted in Krayin by sales is re-created once, with every person of it attached again', async () => {
    const before = await Promise.all([6040, 6041].map(async (id) => (await h.store.links.getContact('default', id))!));
    const oldOrg = before[0]!.organizationId!;
    expect(before.map((l) => l.organizationId)).toEqual([oldOrg, oldOrg]);
    const leadOf6040 = before[0]!.leadId!;
    const itsPersons = () =>
      h.krayin.snapshot().persons.filter((p) => p.id === person.get(6040) || p.id === person.get(6041));
    const stamps = itsPersons().map((p) => p.updated_at);
    await deleteInKrayin(h, `/contacts/organizations/${oldOrg}`);
    // Krayin itself unlinks the persons (FK SET NULL), without touching their updated_at: no
    // updated_at-based read of Krayin would notice.
    expect(itsPersons().map((p) => [p.organization_id, p.updated_at])).toEqual(stamps.map((u) => [null, u]));

    h.krayin.clearRequests();
    expect(await reconcileFull(h)).toMatch(/deleted in Krayin 2/);
    // The pass itself: its three id pages (sorted by id, unlike the sync's name lookups) and one GET
    // confirming the suspect. The contacts' syncs after it cost what a changed company would.
    const passCalls = h
      .krayinCalls()
      .filter((c) => c.query.sort === 'id' || c.path === `/contacts/organizations/${oldOrg}`)
      .map((c) => `${c.method} ${c.path}`);
    expect(passCalls).toEqual([...ID_PAGES, `GET /contacts/organizations/${oldOrg}`]);

    await waitUntil(async () => {
      const links = await Promise.all([6040, 6041].map((id) => h.store.links.getContact('default', id)));
      return links.every((l) => l?.organizationId != null && l.organizationId !== oldOrg);
    });
    for (const id of [6040, 6041]) await waitUntil(async () => (await h.status(id)).status === 'idle');

    // The syncs after it: per contact, find the company by name, create it, read the person, write it (the
    // contact that loses the create race gets Krayin's duplicate-name 422 and reads the name again).
    // Nothing touches a lead or an activity.
    const syncCalls = h
      .krayinCalls()
      .filter((c) => c.query.sort !== 'id' && c.path !== `/contacts/organizations/${oldOrg}`)
      .map((c) => `${c.method} ${c.path.replace(/\/\d+$/, '/{id}')} ${c.status}`);
    const count = (call: string) => syncCalls.filter((c) => c === call).length;
    expect([count('POST /contacts/organizations 200'), count('PUT /contacts/persons/{id} 200')]).toEqual([1, 2]);
    const allowed = [
      'GET /contacts/organizations 200',
      'POST /contacts/organizations 200',
      'POST /contacts/organizations 422',
      'GET /contacts/organizations/{id} 200',
      'GET /contacts/persons/{id} 200',
      'PUT /contacts/persons/{id} 200',
    ];
    expect(syncCalls.filter((c) => !allowed.includes(c))).toEqual([]);
    expect(syncCalls.length).toBeLessThanOrEqual(9);

    const snapshot = h.krayin.snapshot();
    const orgs = snapshot.organizations.filter((o) => o.name === ORG_COMPANY.company_name);
    expect(orgs).toHaveLength(1);
    const newOrg = orgs[0]!.id;
    expect(newOrg).not.toBe(oldOrg);
    for (const id of [6040, 6041]) {
      const link = (await h.store.links.getContact('default', id))!;
      expect(link).toMatchObject({ personId: person.get(id), organizationId: newOrg });
      // 0 duplicates: the same person, now attached to the new organization.
      const persons = personsWith(h, `dee.${id}@example.com`);
      expect(persons.map((p) => [p.id, p.organization_id])).toEqual([[person.get(id), newOrg]]);
      expect((await auditOf(h, id)).find((a) => a.action === 'reconcile.krayin_deleted')?.detail).toEqual({
        kind: 'organization',
        krayinId: oldOrg,
      });
    }
    // The lead and its conversation activity were not touched.
    expect((await h.store.links.getContact('default', 6040))?.leadId).toBe(leadOf6040);
    expect(snapshot.leads.filter((l) => l.person_id === person.get(6040)).map((l) => l.id)).toEqual([leadOf6040]);
    expect((await h.store.conversations.get('default', 706))?.activityId).not.toBeNull();
    // Found once: the next pass has nothing to report.
    expect(await reconcileFull(h)).not.toMatch(/deleted in Krayin/);
  });
});
