/**
 * Fake Krayin behaviours the recorded corpus does not replay but src/krayin/README.md (or Krayin's code)
 * pins down: time zones, login, requests without Accept/Content-Type, HEAD/OPTIONS, pagination
 * windows, search joins, FK failures that still consume ids, meetings, echoes and wipes.
 */
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

let fake: FakeKrayin;

beforeAll(async () => {
  fake = await startFakeKrayin({ rateLimit: 0 });
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
});

interface Res {
  status: number;
  headers: Headers;
  text: string;
  // Response bodies are asserted structurally; `any` keeps the assertions readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

async function call(
  method: string,
  p: string,
  body?: unknown,
  headers: Record<string, string | null> = {},
  base = fake.apiBase,
): Promise<Res> {
  const h: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${fake.token}` };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  for (const [k, v] of Object.entries(headers)) {
    if (v === null) delete h[k];
    else h[k] = v;
  }
  const res = await fetch(base + p, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, text, json };
}

let seq = 0;
const person = (extra: Record<string, unknown> = {}) => ({
  name: `P${++seq}`,
  emails: [{ value: `p${seq}@example.com`, label: 'work' }],
  contact_numbers: [{ value: `+3160000${seq}`, label: 'work' }],
  ...extra,
});

async function createPerson(extra: Record<string, unknown> = {}): Promise<number> {
  const r = await call('POST', '/contacts/persons', person(extra));
  expect(r.status).toBe(200);
  return r.json.data.id as number;
}

describe('APP_TIMEZONE', () => {
  it('reads wall times in the server zone and serialises them in UTC', async () => {
    const tz = await startFakeKrayin({ timezone: 'Asia/Kolkata' });
    try {
      const c = (m: string, p: string, b?: unknown) =>
        call(m, p, b, { Authorization: `Bearer ${tz.token}` }, tz.apiBase);
      const act = await c('POST', '/activities', {
        type: 'call',
        schedule_from: '2030-02-01T10:00:00Z',
        schedule_to: '2030-02-02',
      });
      expect(act.json.data.schedule_from).toBe('2030-02-01T04:30:00.000000Z');
      expect(act.json.data.schedule_to).toBe('2030-02-01T18:30:00.000000Z');
      expect(tz.snapshot().activities[0]?.schedule_from).toBe('2030-02-01 10:00:00');
      const lead = await c('POST', '/leads', {
        title: 'TZ',
        lead_pipeline_stage_id: 5,
        expected_close_date: '2030-01-15',
      });
      expect(lead.json.data.expected_close_date).toBe('2030-01-14T18:30:00.000000Z');
      const tl = await c('GET', `/leads/${lead.json.data.id}/activities`);
      const closed = tl.json.data.find((a: { title: string }) => a.title === 'Updated Expected Close Date');
      expect(closed.additional.new).toEqual({ value: '2030-01-15', label: 'Tue Jan 15, 2030' });
    } finally {
      await tz.close();
    }
  });
});

describe('login', () => {
  it('issues a Sanctum token and revokes every other token of the user', async () => {
    const bad = await call(
      'POST',
      '/login',
      { email: 'admin@example.com', password: 'wrong', device_name: 'x' },
      { Authorization: null },
    );
    expect(bad).toMatchObject({
      status: 422,
      json: { errors: { email: ['The provided credentials are incorrect.'] } },
    });
    const ok = await call(
      'POST',
      '/login',
      { email: 'ADMIN@example.com', password: 'admin123', device_name: 'x' },
      { Authorization: null },
    );
    expect(ok.status).toBe(200);
    expect(ok.json.token).toMatch(/^\d+\|[A-Za-z0-9]{40}$/);
    expect((await call('GET', '/get')).status).toBe(401);
    expect((await call('GET', '/get', undefined, { Authorization: `Bearer ${ok.json.token}` })).status).toBe(200);
    expect((await call('DELETE', '/logout', undefined, { Authorization: `Bearer ${ok.json.token}` })).status).toBe(200);
    expect((await call('GET', '/get', undefined, { Authorization: `Bearer ${ok.json.token}` })).status).toBe(401);
    fake.reset();
    expect((await call('GET', '/get')).status).toBe(200);
  });
});

describe('requests a browser would send', () => {
  it('without Accept: an auth failure is the HTML "Route [login] not defined." 500, a 422 a redirect', async () => {
    const unauth = await call('GET', '/contacts/persons', undefined, { Accept: null, Authorization: null });
    expect(unauth.status).toBe(500);
    expect(unauth.headers.get('content-type')).toMatch(/^text\/html/);
    expect(unauth.text).toContain('Route [login] not defined.');
    const invalid = await call('POST', '/contacts/persons', person({ emails: [{ value: 'bad', label: 'work' }] }), {
      Accept: null,
    });
    expect(invalid.status).toBe(302);
    expect(invalid.headers.get('location')).toBe(fake.url);
  });

  it('ignores a JSON body sent without a JSON Content-Type', async () => {
    const r = await call('POST', '/contacts/persons', person(), { 'Content-Type': 'text/plain' });
    expect(r).toMatchObject({ status: 500, json: { message: 'Undefined array key "contact_numbers"' } });
  });

  it('answers HEAD like GET without a body, and OPTIONS with Allow', async () => {
    const head = await call('HEAD', '/get');
    expect([head.status, head.text]).toEqual([200, '']);
    const options = await call('OPTIONS', '/contacts/persons/1');
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')).toBe('GET,HEAD,PUT,DELETE');
  });
});

describe('index pagination', () => {
  it('limit=0 falls back to 15 per page; many pages are windowed with "..."', async () => {
    for (let i = 0; i < 20; i++) await call('POST', '/contacts/organizations', { name: `Org ${i}` });
    const zero = await call('GET', '/contacts/organizations?limit=0');
    expect(zero.json.meta.per_page).toBe(15);
    const page = await call('GET', '/contacts/organizations?limit=1&page=10');
    const labels = page.json.meta.links.map((l: { label: string }) => l.label);
    expect(labels).toEqual([
      '&laquo; Previous',
      '1',
      '2',
      '...',
      '7',
      '8',
      '9',
      '10',
      '11',
      '12',
      '13',
      '...',
      '19',
      '20',
      'Next &raquo;',
    ]);
    expect(page.json.data[0].name).toBe('Org 10');
    expect((await call('GET', '/contacts/organizations?limit=1&page=abc')).json.meta.current_page).toBe(1);
    expect((await call('GET', '/contacts/organizations?sort=name&order=sideways')).status).toBe(500);
  });
});

describe('search', () => {
  it('ORs fields unless searchJoin=and, follows relations and rejects unknown searchFields', async () => {
    const org = await call('POST', '/contacts/organizations', { name: 'Globex' });
    const a = await createPerson({ name: 'Alice', job_title: 'CTO', organization_id: org.json.data.id });
    const b = await createPerson({ name: 'Bob', job_title: 'CTO' });
    const ids = (r: Res) => r.json.data.map((p: { id: number }) => p.id);
    expect(ids(await call('GET', '/contacts/persons/search?search=name:Alice;job_title:CTO'))).toEqual([a, b]);
    expect(ids(await call('GET', '/contacts/persons/search?search=name:Alice;job_title:CTO&searchJoin=and'))).toEqual([
      a,
    ]);
    expect(ids(await call('GET', '/contacts/persons/search?search=organization.name:globex'))).toEqual([a]);
    expect(ids(await call('GET', '/contacts/persons/search?search=CTO&orderBy=id&sortedBy=desc'))).toEqual([b, a]);
    expect(await call('GET', '/contacts/persons/search?search=x&searchFields=bogus')).toMatchObject({
      status: 500,
      json: { message: 'Columns bogus are not accepted in the research.' },
    });
  });
});

describe('writes that fail after consuming an id or writing rows', () => {
  it('an unknown lead_source_id is a FK 500 that still uses up the lead id', async () => {
    const bad = await call('POST', '/leads', { title: 'X', lead_source_id: 99, lead_pipeline_stage_id: 1 });
    expect(bad.status).toBe(500);
    expect(bad.json.message).toMatch(
      /^SQLSTATE\[23000\]: Integrity constraint violation: 1452 .*leads_lead_source_id_foreign/,
    );
    expect((await call('POST', '/leads', { title: 'Y', lead_pipeline_stage_id: 1 })).json.data.id).toBe(2);
  });

  it('a nested new person is created even when the lead then fails', async () => {
    const r = await call('POST', '/leads', {
      title: 'X',
      lead_type_id: 99,
      lead_pipeline_stage_id: 1,
      person: { name: 'Nested', emails: [{ value: 'nested@example.com', label: 'work' }] },
    });
    expect(r.status).toBe(500);
    expect(fake.snapshot().persons.map((p) => p.name)).toEqual(['Nested']);
    expect(fake.snapshot().leads).toEqual([]);
  });

  it('a failed person delete (person has a lead) already wiped its activities', async () => {
    const pid = await createPerson();
    await call('POST', '/leads', { title: 'L', lead_pipeline_stage_id: 1, person: { id: pid } });
    await call('POST', '/activities', { type: 'note', comment: 'hi', person_id: pid });
    expect((await call('GET', `/contacts/persons/${pid}/activities`)).json.data.length).toBeGreaterThan(0);
    const del = await call('DELETE', `/contacts/persons/${pid}`);
    expect([del.status, del.json]).toEqual([500, { message: 'Person deleted successfully.' }]);
    expect((await call('GET', `/contacts/persons/${pid}`)).status).toBe(200);
    expect((await call('GET', `/contacts/persons/${pid}/activities`)).json.data).toEqual([]);
  });
});

describe('leads', () => {
  it('a stage move wipes the expected_close_date column but GET still shows the attribute value', async () => {
    const lead = await call('POST', '/leads', {
      title: 'D',
      lead_pipeline_stage_id: 1,
      expected_close_date: '2030-06-30',
    });
    const id = lead.json.data.id as number;
    expect((await call('GET', '/leads?expected_close_date=2030-06-30')).json.meta.total).toBe(1);
    await call('PUT', `/leads/stage/edit/${id}`, { lead_pipeline_stage_id: 2 });
    expect((await call('GET', `/leads/${id}`)).json.data.expected_close_date).toBe('2030-06-30T00:00:00.000000Z');
    expect(fake.snapshot().leads[0]?.expected_close_date).toBe('2030-06-30');
    expect((await call('GET', '/leads?expected_close_date=2030-06-30')).json.meta.total).toBe(0);
  });

  it('a full PUT echoes lead_value as sent and keeps omitted fields', async () => {
    const lead = await call('POST', '/leads', { title: 'E', lead_value: 10, user_id: 1, lead_pipeline_stage_id: 1 });
    const put = await call('PUT', `/leads/${lead.json.data.id}`, {
      lead_value: '2500.5',
      lead_pipeline_stage_id: 6,
      lost_reason: 'Price',
    });
    expect(put.json.data).toMatchObject({ lead_value: '2500.5', title: 'E', lost_reason: 'Price', user: { id: 1 } });
    expect(put.json.data.closed_at).toMatch(/Z$/);
    expect((await call('GET', `/leads/${lead.json.data.id}`)).json.data.lead_value).toBe('2500.5000');
  });
});

describe('activities', () => {
  it('additional: an object on create is a 500 (no cast), a JSON string is stored and read decoded', async () => {
    const refused = await call('POST', '/activities', { type: 'note', comment: 'c', additional: { a: 1 } });
    expect(refused.status).toBe(500);
    expect(refused.json.message).toMatch(
      /^Array to string conversion \(Connection: mysql, SQL: insert into `activities`/,
    );
    expect((await call('GET', '/activities')).json.data).toEqual([]);
    const bad = await call('POST', '/activities', { type: 'note', comment: 'c', additional: 'not json' });
    expect(bad.json.message).toMatch(/CONSTRAINT `activities.additional` failed/);
    const a = await call('POST', '/activities', { type: 'note', comment: 'c', additional: '{"a":1}' });
    expect(a.json.data.additional).toEqual({ a: 1 });
    const put = await call('PUT', `/activities/${a.json.data.id}`, { additional: { a: 2 } }); // the update path stores arrays
    expect((await call('GET', `/activities/${a.json.data.id}`)).json.data.additional).toEqual({ a: 2 });
    expect(put.status).toBe(200);
  });

  it('a PUT echoes is_done as sent; reads return the stored integer; {} comes back as []', async () => {
    const a = await call('POST', '/activities', { type: 'note', comment: 'c', additional: '{}' });
    expect(a.json.data.additional).toEqual([]);
    const put = await call('PUT', `/activities/${a.json.data.id}`, { is_done: '0' });
    expect(put.json.data.is_done).toBe('0');
    expect((await call('GET', `/activities/${a.json.data.id}`)).json.data.is_done).toBe(0);
  });

  it('refuses a meeting that overlaps a participant: 302, or 400 with X-Requested-With', async () => {
    const pid = await createPerson();
    const slot = {
      schedule_from: '2030-03-01 10:00:00',
      schedule_to: '2030-03-01 11:00:00',
      participants: { persons: [pid] },
    };
    expect((await call('POST', '/activities', { type: 'call', ...slot })).status).toBe(200);
    const redirect = await call('POST', '/activities', { type: 'meeting', ...slot });
    expect(redirect.status).toBe(302);
    const xhr = await call(
      'POST',
      '/activities',
      { type: 'meeting', ...slot },
      { 'X-Requested-With': 'XMLHttpRequest' },
    );
    expect([xhr.status, xhr.json]).toEqual([400, { message: 'Participants have another meeting at this time.' }]);
    const later = { ...slot, schedule_from: '2030-03-01 12:00:00', schedule_to: '2030-03-01 13:00:00' };
    expect((await call('POST', '/activities', { type: 'meeting', ...later })).status).toBe(200);
  });
});

describe('persons', () => {
  it('contact_numbers null is the "Undefined array key 0" 500 at top level; nested in a lead it fails after the insert', async () => {
    const top = await call('POST', '/contacts/persons', person({ contact_numbers: null }));
    expect(top).toMatchObject({ status: 500, json: { message: 'Undefined array key 0' } });
    expect(fake.snapshot().persons).toEqual([]);
    const nested = await call('POST', '/leads', {
      title: 'N',
      lead_pipeline_stage_id: 1,
      person: { name: 'Nested', emails: [{ value: 'n@example.com', label: 'work' }], contact_numbers: null },
    });
    expect(nested.status).toBe(500);
    expect(nested.json.message).toMatch(/^foreach\(\) argument must be of type array\|object, null given/);
    expect(fake.snapshot().persons.map((p) => p.name)).toEqual(['Nested']);
    expect(fake.snapshot().leads).toEqual([]);
  });

  it('a PUT without emails recomputes unique_id from the request and logs it', async () => {
    const pid = await createPerson({ contact_numbers: [{ value: '5551234', label: 'work' }] });
    await call('PUT', `/contacts/persons/${pid}`, { contact_numbers: [{ value: '5551234', label: 'work' }] });
    expect(fake.snapshot().persons[0]?.unique_id).toBe('|5551234');
    const titles = (await call('GET', `/contacts/persons/${pid}/activities`)).json.data.map(
      (a: { title: string }) => a.title,
    );
    expect(titles[0]).toBe('Updated unique_id');
  });

  it('person DELETE shows the api limiter headers although it also has throttle:100,60', async () => {
    const limited = await startFakeKrayin();
    try {
      const res = await call(
        'POST',
        '/contacts/persons',
        person(),
        { Authorization: `Bearer ${limited.token}` },
        limited.apiBase,
      );
      const del = await call(
        'DELETE',
        `/contacts/persons/${res.json.data.id}`,
        undefined,
        { Authorization: `Bearer ${limited.token}` },
        limited.apiBase,
      );
      expect(del.status).toBe(200);
      expect(del.headers.get('x-ratelimit-limit')).toBe('60');
      expect(del.headers.get('x-ratelimit-remaining')).toBe('58');
    } finally {
      await limited.close();
    }
  });
});
