/**
 * The KrayinClient methods the two-way sync's poll pages with (listPersonsByUpdate, listLeadsByUpdate),
 * against the fake Krayin over HTTP: `sort=updated_at&order=desc` built by hand with limit and page
 * (Krayin's `links.next` drops them), the most recently updated row first, and which page is the last.
 */
import type { FakeKrayin } from '../fakes/krayin';
import type { KrayinClient } from '../../src/krayin/client';
import { startClientOnFakeKrayin, type ClientOnFakeKrayin } from '../helpers/krayin-client-on-fake';

let both: ClientOnFakeKrayin;
let fake: FakeKrayin;
let k: KrayinClient;

beforeAll(async () => {
  both = await startClientOnFakeKrayin();
  ({ fake, client: k } = both);
});

afterAll(() => both?.close());

const person = (n: number) => ({
  name: `Person ${n}`,
  emails: [{ value: `updated${n}@example.com`, label: 'work' }],
  contact_numbers: [{ value: `+49151000000${n}`, label: 'work' }],
});

it('lists persons most recently updated first, page by page, with the query built by hand', async () => {
  const created = [];
  for (const n of [1, 2, 3]) created.push(await k.createPerson(person(n)));
  await new Promise((r) => setTimeout(r, 1100)); // updated_at has second precision
  const first = created[0]!;
  await k.updatePerson(first.id, {
    ...person(1),
    name: 'Person 1 renamed',
    job_title: null,
    organization_id: null,
    user_id: null,
  });
  fake.clearRequests();

  const page1 = await k.listPersonsByUpdate(1, 2);
  expect(page1.last).toBe(false);
  expect(page1.rows[0]).toMatchObject({ id: first.id, name: 'Person 1 renamed' });
  expect(page1.rows[0]!.updated_at > page1.rows[1]!.updated_at).toBe(true);
  const page2 = await k.listPersonsByUpdate(2, 2);
  expect(page2.last).toBe(true);
  expect([...page1.rows, ...page2.rows].map((p) => p.id).sort()).toEqual(created.map((p) => p.id).sort());
  expect(fake.requests().map((r) => [r.method, r.path, r.query])).toEqual(
    [1, 2].map((page) => [
      'GET',
      '/contacts/persons',
      { sort: 'updated_at', order: 'desc', limit: '2', page: String(page) },
    ]),
  );
});

it('lists leads from their own index route', async () => {
  const p = await k.createPerson(person(4));
  const lead = await k.createLead({ title: 'Updated lead', lead_pipeline_stage_id: 1 }, { id: p.id });
  fake.clearRequests();
  const page = await k.listLeadsByUpdate(1, 50);
  expect(page.last).toBe(true);
  expect(page.rows.map((l) => l.id)).toContain(lead.id);
  expect(fake.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['GET /leads']);
});
