/**
 * KrayinClient against the fake Krayin (test/fakes/krayin), which replays the recorded corpus faithfully:
 * full round trips, search exactness, the write quirks the client works around, time zones, and every
 * failure the fake can inject, in both APP_DEBUG modes.
 */
import { startFakeKrayin } from '../fakes/krayin';
import type { KrayinPerson, PersonInput } from '../../src/krayin/api';
import { KrayinClient, type KrayinClientOptions } from '../../src/krayin/client';
import { parseKrayinTimestamp } from '../../src/krayin/datetime';
import { item, pipelineSchema } from '../../src/krayin/schemas';
import {
  KrayinAmbiguousError,
  KrayinAuthError,
  KrayinNotFoundError,
  KrayinRateLimitedError,
  KrayinTransientError,
  KrayinValidationError,
} from '../../src/krayin/errors';

type Fake = Awaited<ReturnType<typeof startFakeKrayin>>;

let fake: Fake;
const clients: KrayinClient[] = [];

function client(opts: Partial<KrayinClientOptions> = {}): KrayinClient {
  const c = new KrayinClient({
    baseUrl: fake.apiBase,
    token: fake.token,
    timezone: 'Asia/Kolkata',
    timeoutMs: 5000,
    ...opts,
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  // A non-UTC server zone: wall-time conversion must be right, not just invisible.
  fake = await startFakeKrayin({ timezone: 'Asia/Kolkata', rateLimit: 100_000 });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await fake.close();
});

beforeEach(async () => {
  await fake.reset();
  fake.clearFaults();
  fake.clearRequests();
  fake.setAppDebug(true);
});

let seq = 0;
function person(email: string, extra: Partial<PersonInput> = {}): PersonInput {
  seq++;
  return { name: `Person ${seq}`, emails: [{ value: email, label: 'work' }], contact_numbers: [], ...extra };
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);
const inFuture = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function queryOf(r: { query?: unknown }): URLSearchParams {
  if (typeof r.query === 'string') return new URLSearchParams(r.query.replace(/^\?/, ''));
  return new URLSearchParams((r.query ?? {}) as Record<string, string>);
}

describe('persons', () => {
  it('round-trips a full person and reads a missing one as null', async () => {
    const k = client();
    const org = await k.createOrganization({ name: 'Acme Widgets BV', address: { city: 'Amsterdam' } });
    const created = await k.createPerson(
      person('alice@example.com', {
        contact_numbers: [{ value: '+31612345678', label: 'work' }],
        job_title: 'Buyer',
        organization_id: org.id,
        user_id: 1,
      }),
    );
    const read = await k.getPerson(created.id);
    expect(read).toMatchObject({
      id: created.id,
      emails: [{ value: 'alice@example.com', label: 'work' }],
      contact_numbers: [{ value: '+31612345678', label: 'work' }],
      job_title: 'Buyer',
      organization: { id: org.id, name: 'Acme Widgets BV' },
      sales_owner: { id: 1 },
    });
    expect(await k.getPerson(99_999)).toBeNull();
    fake.setAppDebug(false);
    expect(await k.getPerson(99_999)).toBeNull();
  });

  it('creates a phone-less person (the placeholder Krayin needs) without an organization key', async () => {
    const p = await client().createPerson(person('nophone@example.com'));
    expect(p.contact_numbers).toEqual([{ value: '', label: 'work' }]);
    expect('organization' in p).toBe(false);
    expect('sales_owner' in p).toBe(false);
    // The placeholder is not unique: a second phone-less person works too.
    await expect(client().createPerson(person('nophone2@example.com'))).resolves.toMatchObject({ id: p.id + 1 });
  });

  it('keeps the sales owner when an update does not mention user_id', async () => {
    const k = client();
    const p = await k.createPerson(person('owner@example.com', { user_id: 1, job_title: 'CTO' }));
    await k.updatePerson(p.id, { ...person('owner@example.com'), name: 'Renamed' });
    const read = await k.getPerson(p.id);
    expect(read?.name).toBe('Renamed');
    expect(read?.sales_owner?.id).toBe(1);
    await k.updatePerson(p.id, { ...person('owner@example.com'), user_id: null });
    expect((await k.getPerson(p.id))?.sales_owner).toBeUndefined();
  });

  it('finds by email exactly: no substring neighbours, any case', async () => {
    const k = client();
    const jane = await k.createPerson(person('jane@example.com'));
    const mary = await k.createPerson(person('mary.jane@example.com'));
    await k.createPerson(person('jane@example.com.au'));
    await k.createPerson(person('xjane@example.com'));
    expect(ids(await k.findPersonsByEmail('jane@example.com'))).toEqual([jane.id]);
    expect(ids(await k.findPersonsByEmail('JANE@Example.COM'))).toEqual([jane.id]);
    expect(ids(await k.findPersonsByEmail('mary.jane@example.com'))).toEqual([mary.id]);
    expect(await k.findPersonsByEmail('nobody@example.com')).toEqual([]);
  });

  it('finds a lower-case stored email searched with capitals (Krayin search itself is case-sensitive)', async () => {
    const k = client();
    const upper = await k.createPerson(person('bob@example.com'));
    expect(ids(await k.findPersonsByEmail('Bob@Example.com'))).toEqual([upper.id]);
  });

  it('returns case variants stored side by side (Krayin emails are unique case-sensitively)', async () => {
    const k = client();
    // Different phones: Krayin's unique_id (email|phone) index is case-insensitive.
    const lower = await k.createPerson(
      person('ann@example.com', { contact_numbers: [{ value: '+3161111', label: 'work' }] }),
    );
    const upper = await k.createPerson(
      person('ANN@example.com', { contact_numbers: [{ value: '+3163333', label: 'work' }] }),
    );
    expect(ids(await k.findPersonsByEmail('ANN@example.com'))).toEqual([lower.id, upper.id]);
  });

  it('finds by any of several emails', async () => {
    const k = client();
    const p = await k.createPerson({
      ...person('first@example.com'),
      emails: [
        { value: 'first@example.com', label: 'work' },
        { value: 'second@example.org', label: 'home' },
      ],
    });
    expect(ids(await k.findPersonsByEmail('second@example.org'))).toEqual([p.id]);
  });

  it('finds by phone across stored formats, without digit-substring neighbours', async () => {
    const k = client();
    const a = await k.createPerson(
      person('a@example.com', { contact_numbers: [{ value: '+31612345678', label: 'work' }] }),
    );
    const b = await k.createPerson(
      person('b@example.com', { contact_numbers: [{ value: '0612345678', label: 'home' }] }),
    );
    await k.createPerson(person('c@example.com', { contact_numbers: [{ value: '+316123456789', label: 'work' }] }));
    await k.createPerson(person('d@example.com', { contact_numbers: [{ value: '+32612345678', label: 'work' }] }));
    expect(ids(await k.findPersonsByPhone('+31612345678'))).toEqual([a.id, b.id]);
    expect(await k.findPersonsByPhone('+31699999999')).toEqual([]);
  });

  it('finds by email and by phone in ONE search, each post-filtered as on its own', async () => {
    const k = client();
    const byPhone = await k.createPerson(
      person('other@example.com', { contact_numbers: [{ value: '0612345678', label: 'home' }] }),
    );
    // A neighbour of the phone's digits and a neighbour of the email's shape: both filtered out.
    await k.createPerson(person('c@example.com', { contact_numbers: [{ value: '+316123456789', label: 'work' }] }));
    await k.createPerson(person('Jane.X@Example.org'));
    fake.clearRequests();
    expect(await k.findPersonsByIdentity('jane.x@example.com', '+31612345678')).toEqual({
      byEmail: [],
      byPhone: [expect.objectContaining({ id: byPhone.id })],
    });
    const byEmail = await k.createPerson(person('JANE.X@example.com'));
    const both = await k.findPersonsByIdentity('jane.x@example.com', '+31612345678');
    expect(ids(both.byEmail)).toEqual([byEmail.id]);
    expect(ids(both.byPhone)).toEqual([byPhone.id]);
    const searches = fake.requests().filter((r) => r.path === '/contacts/persons/search');
    expect(searches).toHaveLength(2); // one per lookup, not one per field
    expect(queryOf(searches[0]!).get('searchFields')).toBe('emails:like;contact_numbers:like');
  });

  it('reports a duplicate email as a validation error with field errors, in both modes', async () => {
    const k = client();
    await k.createPerson(person('dup@example.com'));
    for (const debug of [true, false]) {
      fake.setAppDebug(debug);
      const e = await k.createPerson(person('dup@example.com')).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(KrayinValidationError);
      expect((e as KrayinValidationError).fieldErrors).toEqual({
        'emails.0.value': ['The value has already been taken.'],
      });
      expect((e as KrayinValidationError).isUniqueViolation()).toBe(true);
    }
  });

  it('truncates an over-long name to what Krayin stores', async () => {
    const p = await client().createPerson({ ...person('long@example.com'), name: '名'.repeat(300) });
    expect(p.name).toBe('名'.repeat(255));
  });
});

describe('organizations', () => {
  it('finds names with commas exactly and case-insensitively', async () => {
    const k = client();
    const sjc = await k.createOrganization({ name: 'Smith, Jones & Co' });
    const smith = await k.createOrganization({ name: 'Smith' });
    await k.createOrganization({ name: 'Jones & Co' });
    expect(ids(await k.findOrganizationsByName('Smith, Jones & Co'))).toEqual([sjc.id]);
    expect(ids(await k.findOrganizationsByName('smith, jones & co'))).toEqual([sjc.id]);
    expect(ids(await k.findOrganizationsByName('SMITH'))).toEqual([smith.id]);
    expect(await k.findOrganizationsByName('Smith, Jones')).toEqual([]);
  });

  it('updates, and reads a missing one as null in both modes', async () => {
    const k = client();
    const o = await k.createOrganization({ name: 'Initech', address: { city: 'Springfield' } });
    const u = await k.updateOrganization(o.id, { name: 'Initech Group' });
    expect(u).toMatchObject({ id: o.id, name: 'Initech Group', address: { city: 'Springfield' } });
    expect(await k.getOrganization(o.id)).toMatchObject({ name: 'Initech Group' });
    expect(await k.getOrganization(9_999)).toBeNull();
    fake.setAppDebug(false);
    expect(await k.getOrganization(9_999)).toBeNull();
  });
});

describe('leads', () => {
  it('round-trips a lead: create, update (close date kept), stage move, and a miss', async () => {
    const k = client();
    const p = await k.createPerson(person('lead@example.com'));
    const closeDate = inFuture(30);
    const lead = await k.createLead(
      {
        title: 'Deal',
        lead_value: 1500,
        lead_source_id: 1,
        lead_type_id: 1,
        lead_pipeline_stage_id: 1,
        expected_close_date: closeDate,
      },
      { id: p.id },
    );
    expect(lead).toMatchObject({ title: 'Deal', lead_pipeline_stage_id: 1, person: { id: p.id } });

    const updated = await k.updateLead(lead.id, { title: 'Deal v2', lead_pipeline_stage_id: 2 });
    expect(updated).toMatchObject({ title: 'Deal v2', lead_pipeline_stage_id: 2 });
    const afterUpdate = await k.getLead(lead.id);
    // Krayin returns local midnight of the close date (IST) in UTC; the update resent it.
    expect(afterUpdate?.expected_close_date).not.toBeNull();
    expect(
      parseKrayinTimestamp(afterUpdate!.expected_close_date!).getTime() - Date.parse(`${closeDate}T00:00:00Z`),
    ).toBe(-5.5 * 3_600_000);

    const won = await k.moveLeadStage(lead.id, 5);
    expect(won.lead_pipeline_stage_id).toBe(5);
    expect(won.closed_at).not.toBeNull();
    expect((await k.getLead(lead.id))?.lead_pipeline_stage_id).toBe(5);
    const stageCalls = fake.requests().filter((r) => r.method === 'PUT' && /\/leads\/stage\/edit\/\d+$/.test(r.path));
    expect(stageCalls).toHaveLength(1);

    expect(await k.getLead(99_999)).toBeNull();
  });

  it('creates a lead with a new nested person that has no phone', async () => {
    const lead = await client().createLead(
      { title: 'Nested', lead_value: 0, lead_source_id: 2, lead_type_id: 1, lead_pipeline_stage_id: 1 },
      person('nested@example.com'),
    );
    expect(lead.person?.emails).toEqual([{ value: 'nested@example.com', label: 'work' }]);
  });

  it('lists all leads of a person across pages, newest first, building page URLs itself', async () => {
    const k = client();
    const p = await k.createPerson(person('many@example.com'));
    const other = await k.createPerson(person('other@example.com'));
    const created: number[] = [];
    for (let i = 0; i < 110; i++) {
      const l = await k.createLead(
        { title: `L${i}`, lead_value: 1, lead_source_id: 1, lead_type_id: 1, lead_pipeline_stage_id: 1 },
        { id: i % 20 === 0 ? other.id : p.id },
      );
      if (i % 20 !== 0) created.push(l.id);
    }
    fake.clearRequests();
    const leads = await k.findLeadsByPerson(p.id);
    expect(leads.map((l) => l.id)).toEqual([...created].sort((a, b) => b - a));
    expect(leads.length).toBeGreaterThan(100);
    const pages = fake.requests().filter((r) => r.method === 'GET' && /\/leads$/.test(r.path));
    expect(pages.map((r) => queryOf(r).get('page'))).toEqual(['1', '2']);
    expect(pages.every((r) => queryOf(r).get('person_id') === String(p.id))).toBe(true);
  });

  it('a stage of another pipeline on stage/edit is not found; an unknown stage is a validation error', async () => {
    const k = client();
    const p = await k.createPerson(person('stage@example.com'));
    const lead = await k.createLead({ title: 'S', lead_value: 1, lead_pipeline_stage_id: 1 }, { id: p.id });
    const partner = await k.requestJson(
      {
        method: 'POST',
        endpoint: 'POST /settings/pipelines',
        path: '/settings/pipelines',
        body: {
          name: 'Partner Pipeline',
          rotten_days: 30,
          stages: [
            { code: 'new', name: 'New', probability: 100, sort_order: 1 },
            { code: 'won', name: 'Won', probability: 100, sort_order: 2 },
            { code: 'lost', name: 'Lost', probability: 0, sort_order: 3 },
          ],
        },
      },
      item(pipelineSchema),
    );
    await expect(k.moveLeadStage(lead.id, partner.stages[1]!.id)).rejects.toBeInstanceOf(KrayinNotFoundError);
    await expect(k.moveLeadStage(lead.id, 999)).rejects.toBeInstanceOf(KrayinValidationError);
    // A full PUT with that stage moves the lead into the other pipeline.
    const moved = await k.updateLead(lead.id, { title: 'S', lead_pipeline_stage_id: partner.stages[1]!.id });
    expect(moved).toMatchObject({ lead_pipeline_id: partner.id, lead_pipeline_stage_id: partner.stages[1]!.id });
  });
});

describe('activities', () => {
  it('stores schedules as wall time of the server zone and reads them back as the same instants', async () => {
    const k = client();
    const p = await k.createPerson(person('call@example.com'));
    const from = new Date('2030-02-01T04:30:00Z'); // 10:00 IST
    const to = new Date('2030-02-01T05:00:00Z');
    const call = await k.createActivity({
      type: 'call',
      title: 'Follow-up',
      schedule_from: from,
      schedule_to: to,
      person_id: p.id,
    });
    expect(parseKrayinTimestamp(call.schedule_from!).getTime()).toBe(from.getTime());
    expect(parseKrayinTimestamp(call.schedule_to!).getTime()).toBe(to.getTime());
    const sent = fake.requests().find((r) => r.method === 'POST' && r.path.endsWith('/activities'));
    expect((sent?.body as Record<string, unknown>).schedule_from).toBe('2030-02-01 10:00:00');
  });

  it('round-trips a note with our marker on the lead timeline, then marks a call done', async () => {
    const k = client();
    const p = await k.createPerson(person('note@example.com'));
    const lead = await k.createLead({ title: 'N', lead_value: 1, lead_pipeline_stage_id: 1 }, { id: p.id });
    const note = await k.createActivity({
      type: 'note',
      comment: '<p>Hello from <b>Chatwoot</b></p>',
      additional: { chatwoot: { conversation: 87 } },
      lead_id: lead.id,
    });
    expect(note.is_done).toBe(1);
    const timeline = await k.listLeadActivities(lead.id);
    const ours = timeline.find((a) => a.id === note.id);
    expect(ours?.additional).toEqual({ chatwoot: { conversation: 87 } });
    expect(timeline.some((a) => a.type === 'system')).toBe(true);

    const call = await k.createActivity({
      type: 'call',
      title: 'Call',
      schedule_from: new Date('2030-03-01T09:00:00Z'),
      schedule_to: new Date('2030-03-01T09:15:00Z'),
      person_id: p.id,
    });
    expect(call.is_done).toBe(0);
    expect((await k.updateActivity(call.id, { is_done: 1 })).is_done).toBe(1);
    expect((await k.getActivity(call.id))?.is_done).toBe(1);
    expect((await k.listPersonActivities(p.id)).some((a) => a.id === call.id)).toBe(true);
    expect(await k.getActivity(99_999)).toBeNull();
  });

  it('reports a call without a schedule as validation with field errors', async () => {
    const e = await client()
      .createActivity({ type: 'call', title: 'No schedule' })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinValidationError);
    expect(Object.keys((e as KrayinValidationError).fieldErrors).sort()).toEqual(['schedule_from', 'schedule_to']);
  });
});

describe('lookups', () => {
  it('lists pipelines with ordered stages, sources, types, users and per-entity attributes', async () => {
    const k = client();
    const [pipelines, sources, types, users, attrs] = await Promise.all([
      k.listPipelines(),
      k.listSources(),
      k.listTypes(),
      k.listUsers(),
      k.listAttributes('persons'),
    ]);
    expect(pipelines[0]?.stages.map((s) => s.code)).toEqual([
      'new',
      'follow-up',
      'prospect',
      'negotiation',
      'won',
      'lost',
    ]);
    expect(sources.map((s) => s.name).sort()).toEqual(['Direct', 'Email', 'Phone', 'Web', 'Web Form']);
    expect(types).toHaveLength(2);
    expect(users[0]).toMatchObject({ id: 1, view_permission: 'global' });
    expect(attrs.length).toBeGreaterThan(0);
    expect(attrs.every((a) => a.entity_type === 'persons')).toBe(true);
    expect(attrs.map((a) => a.code)).toEqual(expect.arrayContaining(['name', 'emails', 'contact_numbers']));
    expect(await k.getCurrentUser()).toMatchObject({ id: 1 });
  });
});

describe('failures', () => {
  it('a latency beyond timeoutMs is transient', async () => {
    fake.addFaults({ kind: 'latency', delayMs: 2000, times: 1 });
    await expect(client({ timeoutMs: 300 }).getCurrentUser()).rejects.toBeInstanceOf(KrayinTransientError);
  });

  it.each(['down', 'reset'] as const)('%s is transient', async (kind) => {
    fake.addFaults({ kind, times: 1 });
    const e = await client()
      .getCurrentUser()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinTransientError);
  });

  it.each([502, 503, 504])('status %i is transient', async (status) => {
    fake.addFaults({ kind: 'status', status, times: 1 });
    await expect(client().listSources()).rejects.toBeInstanceOf(KrayinTransientError);
  });

  it('rate limiting in debug mode is RateLimited with Retry-After', async () => {
    fake.addFaults({ kind: 'rate_limit', retryAfter: 17, times: 1 });
    const e = await client()
      .getCurrentUser()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinRateLimitedError);
    expect((e as KrayinRateLimitedError).retryAfterSeconds).toBe(17);
  });

  it('rate limiting in production mode is RateLimited without a delay (a generic 500)', async () => {
    fake.setAppDebug(false);
    fake.addFaults({ kind: 'rate_limit', times: 1 });
    const e = await client()
      .getCurrentUser()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinRateLimitedError);
    expect((e as KrayinRateLimitedError).retryAfterSeconds).toBeNull();
  });

  it('the real throttle: 60 requests per minute, then RateLimited (both modes)', async () => {
    const limited = await startFakeKrayin({ rateLimit: 3 });
    try {
      for (const debug of [true, false]) {
        await limited.reset();
        limited.setAppDebug(debug);
        const k = new KrayinClient({ baseUrl: limited.apiBase, token: limited.token, timezone: 'UTC' });
        clients.push(k);
        for (let i = 0; i < 3; i++) await k.getCurrentUser();
        const e = await k.getCurrentUser().catch((err: unknown) => err);
        expect(e).toBeInstanceOf(KrayinRateLimitedError);
        const delay = (e as KrayinRateLimitedError).retryAfterSeconds;
        if (debug) expect(delay).toEqual(expect.any(Number));
        else expect(delay).toBeNull();
      }
    } finally {
      await limited.close();
    }
  });

  it('an empty 200 is ambiguous', async () => {
    fake.addFaults({ kind: 'empty_200', times: 1 });
    await expect(client().createPerson(person('empty@example.com'))).rejects.toBeInstanceOf(KrayinAmbiguousError);
  });

  it('an empty 200 after the write is ambiguous, and a re-read shows the write happened', async () => {
    const k = client();
    fake.addFaults({ kind: 'empty_200_after_write', method: 'POST', times: 1 });
    await expect(k.createPerson(person('written@example.com'))).rejects.toBeInstanceOf(KrayinAmbiguousError);
    const found: KrayinPerson[] = await k.findPersonsByEmail('written@example.com');
    expect(found).toHaveLength(1);
  });

  it('a bad token is an auth error in debug mode', async () => {
    const k = client({ token: '1|thisIsNotAValidTokenForThisKrayinInstance000000' });
    await expect(k.getCurrentUser()).rejects.toBeInstanceOf(KrayinAuthError);
    await expect(k.createPerson(person('x@example.com'))).rejects.toBeInstanceOf(KrayinAuthError);
  });

  it('a bad token in production mode (Krayin 2.1.2: generic 500) cannot be told from a throttle', async () => {
    fake.setAppDebug(false);
    const e = await client({ token: '1|thisIsNotAValidTokenForThisKrayinInstance000000' })
      .getCurrentUser()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinRateLimitedError);
    expect((e as KrayinRateLimitedError).retryAfterSeconds).toBeNull();
  });
});
