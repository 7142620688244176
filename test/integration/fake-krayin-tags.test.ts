/**
 * Tags in the fake Krayin, as rest-api 2.1.1's controllers behave (no recorded exchange exists; the
 * sources are RA Http/Controllers/V1/{Setting,Contact/Persons,Lead}/TagController.php): create with a
 * unique name, index filtered by column, attach once per record, person answer `{message}`, lead answer
 * `{data:{message}}`, a missing record or tag a 500, updated_at untouched, and the pivots removed with
 * the person or lead. Checked against the real Krayin 2.1.2 (scripts/real-krayin.sh): create and 422
 * shapes, the `?name=` filter, attach twice, updated_at unchanged, and the missing-person/lead 500
 * ("Attempt to read property "tags" on null", TagController.php line 28) answer as here.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted structurally */
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

let fake: FakeKrayin;

beforeAll(async () => {
  fake = await startFakeKrayin({ rateLimit: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

async function call(method: string, p: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(fake.apiBase + p, {
    method,
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${fake.token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? null : JSON.parse(text) };
}

async function newPerson(n: number): Promise<number> {
  const r = await call('POST', '/contacts/persons', {
    name: `P${n}`,
    emails: [{ value: `p${n}@example.com`, label: 'work' }],
    contact_numbers: [{ value: `+3161000${n}`, label: 'work' }],
  });
  expect(r.status).toBe(200);
  return r.json.data.id as number;
}

describe('fake Krayin tags', () => {
  it('creates a tag once (unique name, case-insensitive) and finds it by name on the index', async () => {
    const created = await call('POST', '/settings/tags', { name: 'chatwoot-deleted' });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      data: { id: 1, name: 'chatwoot-deleted', color: null },
      message: 'Tag created successfully.',
    });
    const again = await call('POST', '/settings/tags', { name: 'Chatwoot-Deleted' });
    expect(again.status).toBe(422);
    expect(again.json.errors).toEqual({ name: ['The name has already been taken.'] });
    expect((await call('POST', '/settings/tags', {})).status).toBe(422);

    await call('POST', '/settings/tags', { name: 'vip' });
    const found = await call('GET', '/settings/tags?name=chatwoot-deleted&limit=10');
    expect(found.status).toBe(200);
    expect(found.json.data.map((t: { name: string }) => t.name)).toEqual(['chatwoot-deleted']);
    expect(found.json.meta).toMatchObject({ current_page: 1, last_page: 1 });
  });

  it('attaches a tag to a person and a lead once, without moving updated_at', async () => {
    const tagId = (await call('POST', '/settings/tags', { name: 'chatwoot-deleted' })).json.data.id;
    const personId = await newPerson(1);
    const lead = await call('POST', '/leads', { title: 'L', lead_pipeline_stage_id: 1, person: { id: personId } });
    const leadId = lead.json.data.id;
    const before = fake.snapshot();

    const p1 = await call('POST', `/contacts/persons/${personId}/tags`, { tag_id: tagId });
    expect(p1).toEqual({ status: 200, json: { message: 'Tag attached successfully.' } });
    expect((await call('POST', `/contacts/persons/${personId}/tags`, { tag_id: tagId })).status).toBe(200);
    const l1 = await call('POST', `/leads/${leadId}/tags`, { tag_id: tagId });
    expect(l1).toEqual({ status: 200, json: { data: { message: 'Tag attached successfully.' } } });

    const after = fake.snapshot();
    expect(after.persons[0]!.tags).toEqual(['chatwoot-deleted']);
    expect(after.leads[0]!.tags).toEqual(['chatwoot-deleted']);
    expect(after.persons[0]!.updated_at).toBe(before.persons[0]!.updated_at);
    expect(after.leads[0]!.updated_at).toBe(before.leads[0]!.updated_at);
  });

  it('answers 500 for a missing person, lead or tag', async () => {
    const tagId = (await call('POST', '/settings/tags', { name: 't' })).json.data.id;
    expect((await call('POST', '/contacts/persons/999/tags', { tag_id: tagId })).status).toBe(500);
    expect((await call('POST', '/leads/999/tags', { tag_id: tagId })).status).toBe(500);
    const personId = await newPerson(2);
    expect((await call('POST', `/contacts/persons/${personId}/tags`, { tag_id: 42 })).status).toBe(500);
    expect(fake.snapshot().persons[0]!.tags).toEqual([]);
  });

  it('drops the tag pivots with the deleted person', async () => {
    const tagId = (await call('POST', '/settings/tags', { name: 't' })).json.data.id;
    const personId = await newPerson(3);
    await call('POST', `/contacts/persons/${personId}/tags`, { tag_id: tagId });
    expect((await call('DELETE', `/contacts/persons/${personId}`)).status).toBe(200);
    const other = await newPerson(4);
    expect(fake.snapshot().persons.find((p) => p.id === other)!.tags).toEqual([]);
  });
});
