/**
 * The KrayinClient methods reconciliation and ON_CHATWOOT_DELETE use (id pages, tags, person delete),
 * against the fake Krayin over HTTP: the requests they send (endpoint, query) and how they read
 * Krayin's answers, including the ones that are not a success.
 */
import type { FakeKrayin } from '../fakes/krayin';
import type { KrayinClient } from '../../src/krayin/client';
import { startClientOnFakeKrayin, type ClientOnFakeKrayin } from '../helpers/krayin-client-on-fake';
import { isKrayinError, KrayinValidationError } from '../../src/krayin/errors';

let both: ClientOnFakeKrayin;
let fake: FakeKrayin;
let k: KrayinClient;

beforeAll(async () => {
  both = await startClientOnFakeKrayin();
  ({ fake, client: k } = both);
});

afterAll(() => both?.close());

beforeEach(async () => {
  await fake.reset();
  fake.clearRequests();
});

const person = (n: number) => ({
  name: `Person ${n}`,
  emails: [{ value: `p${n}@example.com`, label: 'work' }],
  contact_numbers: [],
});

describe('listIdPage', () => {
  it('pages an index by id ascending (Krayin defaults to id desc), and says which page is the last', async () => {
    const orgs = [];
    for (const name of ['Org A', 'Org B', 'Org C', 'Org D', 'Org E']) orgs.push(await k.createOrganization({ name }));
    await fetch(`${fake.apiBase}/contacts/organizations/${orgs[1]!.id}`, {
      method: 'DELETE',
      headers: { Accept: 'application/json', Authorization: `Bearer ${fake.token}` },
    });
    fake.clearRequests();

    expect(await k.listIdPage('organizations', 1, 2)).toEqual({ ids: [orgs[0]!.id, orgs[2]!.id], last: false });
    expect(await k.listIdPage('organizations', 2, 2)).toEqual({ ids: [orgs[3]!.id, orgs[4]!.id], last: true });
    expect(await k.listIdPage('organizations', 3, 2)).toEqual({ ids: [], last: true });
    expect(fake.requests().map((r) => [r.path, r.query])).toEqual(
      [1, 2, 3].map((page) => [
        '/contacts/organizations',
        { sort: 'id', order: 'asc', limit: '2', page: String(page) },
      ]),
    );
  });

  it('reads persons and leads from their own index routes', async () => {
    const p = await k.createPerson(person(1));
    const lead = await k.createLead({ title: 'L', lead_pipeline_stage_id: 1 }, { id: p.id });
    fake.clearRequests();
    expect(await k.listIdPage('persons', 1, 500)).toEqual({ ids: [p.id], last: true });
    expect(await k.listIdPage('leads', 1, 500)).toEqual({ ids: [lead.id], last: true });
    expect(fake.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /contacts/persons', 'GET /leads']);
  });
});

describe('tags', () => {
  it('finds a tag by its exact name only, creates it once, and attaches it once', async () => {
    expect(await k.findTagsByName('chatwoot-deleted')).toEqual([]);
    const tag = await k.createTag('chatwoot-deleted');
    expect(tag).toEqual({ id: expect.any(Number), name: 'chatwoot-deleted' });
    await k.createTag('chatwoot-deleted-2');
    expect(await k.findTagsByName('chatwoot-deleted')).toEqual([tag]);
    // Names are unique: a second create is Krayin's 422, a unique violation.
    const dup = await k.createTag('chatwoot-deleted').catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(KrayinValidationError);
    expect((dup as KrayinValidationError).isUniqueViolation()).toBe(true);

    const p = await k.createPerson(person(2));
    const lead = await k.createLead({ title: 'L', lead_pipeline_stage_id: 1 }, { id: p.id });
    await k.attachTag({ type: 'person', id: p.id }, tag.id);
    await k.attachTag({ type: 'person', id: p.id }, tag.id);
    await k.attachTag({ type: 'lead', id: lead.id }, tag.id);
    const snap = fake.snapshot();
    expect(snap.persons.find((x) => x.id === p.id)?.tags).toEqual(['chatwoot-deleted']);
    expect(snap.leads.find((x) => x.id === lead.id)?.tags).toEqual(['chatwoot-deleted']);
  });
});

describe('deletePerson', () => {
  it('deletes a person no lead refers to; a person with a lead is refused with an error, not a success', async () => {
    const free = await k.createPerson(person(3));
    await k.deletePerson(free.id);
    expect(await k.getPerson(free.id)).toBeNull();

    const busy = await k.createPerson(person(4));
    await k.createLead({ title: 'L', lead_pipeline_stage_id: 1 }, { id: busy.id });
    const refused = await k.deletePerson(busy.id).catch((e: unknown) => e);
    expect(isKrayinError(refused)).toBe(true);
    expect(await k.getPerson(busy.id)).not.toBeNull();
  });
});
