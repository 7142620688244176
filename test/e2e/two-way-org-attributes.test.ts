/**
 * Two-way sync of the person's organization (issue 12; docs/two-way-sync.md "What is compared"), end to
 * end: the real service with two-way sync on, the poll and contact workflows on the Temporal dev server,
 * the fake Krayin and the fake Chatwoot over HTTP (the fake Chatwoot sends its webhook for our own
 * writes too, so echoes arrive as in production). Krayin edits go through Krayin's REST API.
 *
 * Custom attributes are not here: Krayin's API never returns their values (src/krayin/README.md §11),
 * so there is no Krayin side to compare; the fake Krayin does not return them either.
 */
import { request } from 'undici';
import { editKrayinPerson } from '../helpers/krayin-person-edit';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';
import type { ContactSyncStatus } from '../../workflows/api';

jest.setTimeout(180_000);

const route = (c: { method: string; path: string }) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One harness with its contact, and what the tests read and do through it. */
function world(fieldOwnership: Record<string, string>, contactId: number, company: string) {
  const w = {
    h: undefined as unknown as Harness,
    personId: 0,
    contact: {
      id: contactId,
      name: 'Org Contact',
      email: `org.twoway.${contactId}@example.com`,
      phone_number: `+49151000${contactId}`,
      additional_attributes: { company_name: company } as Record<string, unknown>,
      custom_attributes: {},
    },
    poll: () => krayinPollOf(w.h),
    company: () => w.h.chatwoot.state.contacts.get(contactId)?.additional_attributes?.company_name,
    /** The name of the organization the Krayin person is in. */
    krayinOrganization: () => {
      const snap = w.h.krayin.snapshot();
      const orgId = snap.persons.find((p) => p.id === w.personId)?.organization_id;
      return snap.organizations.find((o) => o.id === orgId)?.name ?? null;
    },
    krayinWrites: () =>
      w.h
        .krayinCalls()
        .filter((c) => c.method !== 'GET')
        .map(route),
    chatwootWrites: () =>
      w.h.chatwoot
        .requests()
        .filter((r) => r.method !== 'GET')
        .map(route),
    rounds: (before: ContactSyncStatus, n: number) =>
      w.h.waitFor(contactId, (s) => s.syncCount >= before.syncCount + n && s.status === 'idle', 60_000),
    clear: () => {
      w.h.krayin.clearRequests();
      w.h.chatwoot.clearRequests();
    },

    /** A sales user moves the person to another organization in Krayin (created first when new). */
    async krayinMoveTo(name: string): Promise<void> {
      const { h } = w;
      const headers = { authorization: `Bearer ${h.krayin.token}`, accept: 'application/json' };
      const json = { ...headers, 'content-type': 'application/json' };
      let org = h.krayin.snapshot().organizations.find((o) => o.name === name);
      if (!org) {
        const created = await request(`${h.krayin.apiBase}/contacts/organizations`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ name }),
        });
        expect(created.statusCode).toBe(200);
        await created.body.text();
        org = h.krayin.snapshot().organizations.find((o) => o.name === name)!;
      }
      await editKrayinPerson(h.krayin, w.personId, { organization_id: org.id });
    },

    async start(): Promise<void> {
      w.h = await startHarness({
        twoWay: { enabled: true, pollInterval: 'off', fieldOwnership },
        sync: { leadPolicy: 'never' },
      });
      w.h.chatwoot.setWebhook({ url: `${w.h.ingestUrl}/webhooks/chatwoot/${CONNECTION}`, secret: WEBHOOK_SECRET });
      await w.poll().started();
      expect((await w.h.sendContact('contact_created', w.contact)).status).toBe(202);
      await w.h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
      w.personId = (await w.h.store.links.getContact(CONNECTION, contactId))!.personId!;
      expect(w.krayinOrganization()).toBe(company);
    },
  };
  return w;
}

describe('two-way sync of the organization (owner newest, the default)', () => {
  const w = world({}, 7201, 'Initech');
  beforeAll(() => w.start());
  afterAll(() => w.h?.close());

  it("a person moved to another organization in Krayin: the contact's company follows, once; the echo costs nothing", async () => {
    await w.krayinMoveTo('Globex Corp');
    const before = await w.h.status(7201);
    w.clear();
    expect(await w.poll().pollNow()).toMatchObject({ lastHanded: 1 });
    // The Krayin change's round, then the round of the echo webhook our Chatwoot write caused.
    const after = await w.rounds(before, 2);
    expect(w.company()).toBe('Globex Corp');
    expect(w.chatwootWrites()).toEqual(['PUT /api/v1/accounts/{id}/contacts/{id}']);
    // Only the poll's pages and the read of the person: no organization looked up or created, no write.
    expect(w.h.krayinCalls().map(route)).toEqual(['GET /contacts/persons', 'GET /leads', 'GET /contacts/persons/{id}']);
    expect(after.twoWay).toMatchObject({ conflicts: [] });
    // The contact is linked to Krayin's organization now: the next Chatwoot edit keeps the person in it.
    const orgId = w.h.krayin.snapshot().organizations.find((o) => o.name === 'Globex Corp')!.id;
    expect((await w.h.store.links.getContact(CONNECTION, 7201))?.organizationId).toBe(orgId);

    w.clear();
    expect(await w.poll().pollNow()).toMatchObject({ lastHanded: 0 });
    await w.h.sendContact('contact_updated', {
      ...w.contact,
      name: 'Org Contact Renamed',
      additional_attributes: { company_name: 'Globex Corp' },
    });
    await w.h.waitFor(
      7201,
      () => w.h.krayin.snapshot().persons.find((p) => p.id === w.personId)?.name === 'Org Contact Renamed',
    );
    await sleep(500);
    expect(w.krayinWrites()).toEqual(['PUT /contacts/persons/{id}']);
    expect(w.krayinOrganization()).toBe('Globex Corp');
  });

  it('a company changed in Chatwoot reaches Krayin; the next poll writes nothing back', async () => {
    const before = await w.h.status(7201);
    w.clear();
    await w.h.sendContact('contact_updated', {
      ...w.contact,
      name: 'Org Contact Renamed',
      additional_attributes: { company_name: 'Hooli' },
    });
    await w.rounds(before, 1);
    expect(w.krayinOrganization()).toBe('Hooli');
    expect(w.krayinWrites()).toEqual(['POST /contacts/organizations', 'PUT /contacts/persons/{id}']);

    w.clear();
    expect(await w.poll().pollNow()).toMatchObject({ lastHanded: 0 });
    await sleep(1000);
    expect(w.krayinWrites()).toEqual([]);
    expect(w.chatwootWrites()).toEqual([]);
  });

  it('both changed, the newer Krayin move wins: a conflict on the organization is recorded, hashed in the store', async () => {
    w.h.chatwoot.upsertContact({
      ...w.contact,
      name: 'Org Contact Renamed',
      additional_attributes: { company_name: 'Old Edit Inc' },
    });
    await sleep(1100); // a later second: Krayin's updated_at has second precision
    await w.krayinMoveTo('Newer Krayin Org');
    const before = await w.h.status(7201);
    w.clear();
    expect(await w.poll().pollNow()).toMatchObject({ lastHanded: 1 });
    await w.rounds(before, 2);
    expect(w.company()).toBe('Newer Krayin Org');
    expect(w.krayinOrganization()).toBe('Newer Krayin Org');
    expect((await w.h.status(7201)).twoWay?.conflicts.at(-1)).toMatchObject({
      field: 'organization',
      winner: 'krayin',
      chatwoot: 'Old Edit Inc',
      krayin: 'Newer Krayin Org',
    });
    expect((await w.h.store.twoWay.listConflicts(CONNECTION, { contactId: 7201 }))[0]).toMatchObject({
      field: 'organization',
      winner: 'krayin',
    });
    expect(w.krayinWrites()).toEqual([]);
    const stored = await w.h.store.twoWay.getFields(CONNECTION, 7201);
    expect(Object.keys(stored)).toContain('organization');
    expect(JSON.stringify(stored)).not.toMatch(/Newer Krayin Org|Old Edit Inc/);
  });
});

describe('two-way sync of the organization owned by Krayin (FIELD_OWNERSHIP=organization=krayin)', () => {
  const w = world({ organization: 'krayin' }, 7202, 'Umbrella');
  beforeAll(() => w.start());
  afterAll(() => w.h?.close());

  it("a Chatwoot edit of the company is put back to Krayin's organization; the person stays in it", async () => {
    const before = await w.h.status(7202);
    w.clear();
    await w.h.sendContact('contact_updated', { ...w.contact, additional_attributes: { company_name: 'Cyberdyne' } });
    // The round (the person write keeps the organization, the company is put back), then the echo's.
    await w.rounds(before, 2);
    expect(w.krayinOrganization()).toBe('Umbrella');
    expect(w.company()).toBe('Umbrella');
    expect(w.chatwootWrites()).toEqual(['PUT /api/v1/accounts/{id}/contacts/{id}']);
    // Nothing written to Krayin: no organization created for the edited company, no person write.
    expect(w.krayinWrites()).toEqual([]);

    w.clear();
    expect(await w.poll().pollNow()).toMatchObject({ lastHanded: 0 });
    await sleep(1000);
    expect(w.krayinWrites()).toEqual([]);
    expect(w.chatwootWrites()).toEqual([]);
  });

  it('a Krayin move reaches Chatwoot', async () => {
    await w.krayinMoveTo('Tyrell');
    const before = await w.h.status(7202);
    w.clear();
    expect(await w.poll().pollNow()).toMatchObject({ lastHanded: 1 });
    await w.rounds(before, 2);
    expect(w.company()).toBe('Tyrell');
    expect(w.krayinWrites()).toEqual([]);
  });
});
