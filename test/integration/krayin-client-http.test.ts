/**
 * KrayinClient against real HTTP servers on 127.0.0.1 whose answers each test scripts: what goes over
 * the wire (headers, URLs, bodies), timeouts and broken connections, tenant isolation, and the
 * read-before-write rules (person owner, lead products and close date).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KrayinClient, SEARCH_LIMIT } from '../../src/krayin/client';
import {
  KrayinAuthError,
  KrayinAmbiguousError,
  KrayinNotFoundError,
  KrayinTransientError,
  KrayinValidationError,
} from '../../src/krayin/errors';
import type { KrayinCallInfo } from '../../src/krayin/http';
import { anyJson } from '../../src/krayin/schemas';

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Handler = (req: Received, res: http.ServerResponse) => void;

interface Scripted {
  base: string;
  received: Received[];
  handle(h: Handler): void;
  close(): Promise<void>;
}

async function scriptedServer(): Promise<Scripted> {
  let handler: Handler = (_req, res) => res.writeHead(500).end();
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: (req.url ?? '').replace(/^\/api\/v1/, ''),
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      handler(r, res);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`,
    received,
    handle: (h) => (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', 'x-ratelimit-limit': '60', ...headers });
  res.end(JSON.stringify(body));
};

const TS = '2026-11-23T20:24:40.000000Z';
const USER = { id: 1, name: 'Example', email: 'admin@example.com', status: 1, view_permission: 'global' };
const personRow = (id: number, email: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `P${id}`,
  emails: [{ value: email, label: 'work' }],
  contact_numbers: [{ value: '', label: 'work' }],
  job_title: null,
  created_at: TS,
  updated_at: TS,
  ...extra,
});
const leadRow = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  title: `L${id}`,
  description: null,
  lead_value: '0.0000',
  status: 1,
  lost_reason: null,
  closed_at: null,
  user: null,
  person: null,
  lead_products: [],
  lead_source_id: 1,
  lead_type_id: 1,
  lead_pipeline_id: 1,
  lead_pipeline_stage_id: 1,
  expected_close_date: null,
  created_at: TS,
  updated_at: TS,
  ...extra,
});
const pageOf = (data: unknown[], current: number, last: number, base = 'http://elsewhere.invalid/api/v1') => ({
  data,
  links: {
    first: `${base}/x?page=1`,
    last: `${base}/x?page=${last}`,
    prev: null,
    next: `${base}/x?page=${current + 1}`,
  },
  meta: { current_page: current, last_page: last, per_page: 100, from: 1, to: data.length, total: 999, path: base },
});

const TOKEN = '7|httpTestTokenBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

let srv: Scripted;
let other: Scripted;
const clients: KrayinClient[] = [];
function client(opts: Partial<ConstructorParameters<typeof KrayinClient>[0]> = {}): KrayinClient {
  const c = new KrayinClient({ baseUrl: srv.base, token: TOKEN, timezone: 'UTC', timeoutMs: 3000, ...opts });
  clients.push(c);
  return c;
}

beforeEach(async () => {
  srv = await scriptedServer();
  other = await scriptedServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await srv.close();
  await other.close();
});

describe('what goes over the wire', () => {
  it('sends Accept, the Bearer token and JSON; never Origin or Referer', async () => {
    srv.handle((_r, res) => json(res, 200, { data: personRow(1, 'jane@example.com'), message: 'ok' }));
    await client().createPerson({
      name: 'Jane',
      emails: [{ value: 'jane@example.com', label: 'work' }],
      contact_numbers: [],
    });
    const [r] = srv.received;
    expect(r!.method).toBe('POST');
    expect(r!.url).toBe('/contacts/persons');
    expect(r!.headers.accept).toBe('application/json');
    expect(r!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers.origin).toBeUndefined();
    expect(r!.headers.referer).toBeUndefined();
    expect(JSON.parse(r!.body)).toEqual({
      name: 'Jane',
      emails: [{ value: 'jane@example.com', label: 'work' }],
      contact_numbers: [{ value: '', label: 'work' }],
    });
  });

  it('marks activity writes as XHR (a meeting overlap then answers 400 JSON, not a 302)', async () => {
    srv.handle((_r, res) => json(res, 400, { message: 'Participants have another meeting at this time.' }));
    await expect(
      client().createActivity({
        type: 'meeting',
        schedule_from: new Date('2030-02-01T10:00:00Z'),
        schedule_to: new Date('2030-02-01T11:00:00Z'),
      }),
    ).rejects.toBeInstanceOf(KrayinValidationError);
    expect(srv.received[0]!.headers['x-requested-with']).toBe('XMLHttpRequest');
  });

  it('sends schedules as wall time of the configured zone', async () => {
    srv.handle((_r, res) =>
      json(res, 200, {
        data: {
          id: 1,
          title: null,
          type: 'call',
          comment: null,
          additional: null,
          schedule_from: '2030-02-01T04:30:00.000000Z',
          schedule_to: '2030-02-01T05:00:00.000000Z',
          is_done: 0,
          location: null,
          created_at: TS,
          updated_at: TS,
        },
      }),
    );
    await client({ timezone: 'Asia/Kolkata' }).createActivity({
      type: 'call',
      schedule_from: new Date('2030-02-01T04:30:00Z'),
      schedule_to: new Date('2030-02-01T05:00:00Z'),
      lead_id: 3,
    });
    expect(JSON.parse(srv.received[0]!.body)).toEqual({
      type: 'call',
      schedule_from: '2030-02-01 10:00:00',
      schedule_to: '2030-02-01 10:30:00',
      lead_id: 3,
    });
  });

  it('URL-encodes search values ("+" must not become a space)', async () => {
    srv.handle((_r, res) => json(res, 200, { data: [] }));
    await client().findPersonsByEmail('a+b@example.com');
    expect(srv.received[0]!.url).toBe(
      `/contacts/persons/search?search=emails:%22_%2B_%40_______.___%22&searchFields=emails:like&limit=${SEARCH_LIMIT}`,
    );
  });

  it('finds an email sales typed in another letter case with one search (its shape), exact matches only', async () => {
    srv.handle((_r, res) =>
      json(res, 200, { data: [personRow(3, 'mary@example.com'), personRow(2, 'Jane@Example.COM')] }),
    );
    const found = await client().findPersonsByEmail('jane@example.com');
    expect(found.map((p) => p.id)).toEqual([2]);
    expect(srv.received).toHaveLength(1);
    const search = new URL(`http://h${srv.received[0]!.url}`).searchParams.get('search');
    expect(search).toBe('emails:"____@_______.___"');
  });

  it('never sends ":" or ";" inside a search value; the post-filter still finds the exact email', async () => {
    const email = '"x:y"@example.com';
    srv.handle((_r, res) => json(res, 200, { data: [personRow(1, email), personRow(2, 'y"@example.com')] }));
    const found = await client().findPersonsByEmail(email);
    expect(found.map((p) => p.id)).toEqual([1]);
    const search = new URL(`http://h${srv.received[0]!.url}`).searchParams.get('search')!;
    expect(search.split(':')).toHaveLength(2); // only the "emails:" separator
    expect(search).not.toContain(';');
  });

  it('replaces unpaired surrogates before sending (PHP json_decode would drop the whole body)', async () => {
    srv.handle((_r, res) => json(res, 200, { data: personRow(1, 'jane@example.com'), message: 'ok' }));
    await client().createPerson({
      name: 'Bad \uD800 name',
      emails: [{ value: 'jane@example.com', label: 'work' }],
      contact_numbers: [],
    });
    expect(srv.received[0]!.body).not.toMatch(/\\ud800/i);
    expect(JSON.parse(srv.received[0]!.body).name).toBe('Bad \uFFFD name');
  });
});

describe('paging', () => {
  it('builds page URLs itself, keeping the filter, and never follows links (they point elsewhere)', async () => {
    srv.handle((r, res) => {
      const page = Number(new URL(`http://h${r.url}`).searchParams.get('page'));
      json(res, 200, pageOf([leadRow(10 - page)], page, 3, other.base));
    });
    const leads = await client().findLeadsByPerson(7);
    expect(leads.map((l) => l.id)).toEqual([9, 8, 7]);
    expect(srv.received.map((r) => r.url)).toEqual([
      '/leads?person_id=7&limit=100&page=1',
      '/leads?person_id=7&limit=100&page=2',
      '/leads?person_id=7&limit=100&page=3',
    ]);
    expect(other.received).toHaveLength(0);
  });

  it('scans the persons index when a search comes back full (more matches may be hidden)', async () => {
    srv.handle((r, res) => {
      if (r.url.startsWith('/contacts/persons/search')) {
        const neighbours = Array.from({ length: SEARCH_LIMIT }, (_, i) => personRow(i + 1, `x${i}.jane@example.com`));
        return json(res, 200, { data: neighbours });
      }
      const page = Number(new URL(`http://h${r.url}`).searchParams.get('page'));
      const data = page === 1 ? [personRow(500, 'other@example.com')] : [personRow(400, 'JANE@example.com')];
      json(res, 200, pageOf(data, page, 2));
    });
    const found = await client().findPersonsByEmail('jane@example.com');
    expect(found.map((p) => p.id)).toEqual([400]);
    // The shape search, then the exact-case one, both full; then the index.
    expect(srv.received.map((r) => r.url.split('?')[0])).toEqual([
      '/contacts/persons/search',
      '/contacts/persons/search',
      '/contacts/persons',
      '/contacts/persons',
    ]);
  });

  it('filters names with a comma client-side over the whole index', async () => {
    srv.handle((r, res) => {
      const page = Number(new URL(`http://h${r.url}`).searchParams.get('page'));
      const org = (id: number, name: string) => ({ id, name, address: null, created_at: TS, updated_at: TS });
      json(res, 200, pageOf(page === 1 ? [org(2, 'Smith')] : [org(1, 'smith, jones & co')], page, 2));
    });
    const found = await client().findOrganizationsByName('Smith, Jones & Co');
    expect(found.map((o) => o.id)).toEqual([1]);
    expect(srv.received.every((r) => !r.url.includes('name='))).toBe(true);
  });
});

describe('read-before-write rules', () => {
  it('updatePerson without user_id reads the current owner and resends it', async () => {
    srv.handle((r, res) => json(res, 200, { data: personRow(5, 'jane@example.com', { sales_owner: USER }) }));
    await client().updatePerson(5, {
      name: 'Jane',
      emails: [{ value: 'jane@example.com', label: 'work' }],
      contact_numbers: [],
    });
    expect(srv.received.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /contacts/persons/5',
      'PUT /contacts/persons/5',
    ]);
    expect(JSON.parse(srv.received[1]!.body)).toMatchObject({
      user_id: 1,
      contact_numbers: [{ value: '', label: 'work' }],
    });
  });

  it('updatePerson of a person Krayin no longer has is NotFound, and nothing is written', async () => {
    srv.handle((_r, res) =>
      json(res, 500, { message: 'Attempt to read property "id" on null', exception: 'ErrorException' }),
    );
    await expect(
      client().updatePerson(5, { name: 'J', emails: [{ value: 'j@example.com', label: 'work' }], contact_numbers: [] }),
    ).rejects.toBeInstanceOf(KrayinNotFoundError);
    expect(srv.received.map((r) => r.method)).toEqual(['GET']);
  });

  it('updateLead resends the stage, the product rows and the (future) close date in the Krayin zone', async () => {
    const products = [{ id: 7, quantity: 2, price: '10.0000', amount: '20.0000', product: { id: 3, name: 'Widget' } }];
    srv.handle((r, res) =>
      json(res, 200, {
        data: leadRow(4, { lead_products: products, expected_close_date: '2030-01-14T18:30:00.000000Z' }),
      }),
    );
    await client({ timezone: 'Asia/Kolkata' }).updateLead(4, { title: 'New title', lead_pipeline_stage_id: 2 });
    const body = JSON.parse(srv.received[1]!.body);
    expect(body).toMatchObject({
      title: 'New title',
      lead_pipeline_stage_id: 2,
      expected_close_date: '2030-01-15',
      products: { '7': { product_id: 3, name: 'Widget', price: '10.0000', quantity: 2, amount: '20.0000' } },
    });
  });

  it('updateLead drops a close date already in the past (Krayin would reject every update)', async () => {
    srv.handle((_r, res) =>
      json(res, 200, { data: leadRow(4, { expected_close_date: '2020-01-01T00:00:00.000000Z' }) }),
    );
    await client({ now: () => new Date('2026-11-23T12:00:00Z') }).updateLead(4, {
      title: 'T',
      lead_pipeline_stage_id: 1,
    });
    expect(JSON.parse(srv.received[1]!.body)).not.toHaveProperty('expected_close_date');
  });

  it('moveLeadStage uses the stage endpoint with the stage only', async () => {
    srv.handle((_r, res) => json(res, 200, { data: leadRow(4, { lead_pipeline_stage_id: 5 }), message: 'ok' }));
    const lead = await client().moveLeadStage(4, 5);
    expect(lead.lead_pipeline_stage_id).toBe(5);
    expect(srv.received.map((r) => [r.method, r.url, r.body])).toEqual([
      ['PUT', '/leads/stage/edit/4', '{"lead_pipeline_stage_id":5}'],
    ]);
  });
});

describe('failures of the connection', () => {
  it('a server slower than timeoutMs is transient', async () => {
    srv.handle((_r, res) => setTimeout(() => json(res, 200, { data: USER }), 1000));
    const e = await client({ timeoutMs: 200 })
      .getCurrentUser()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinTransientError);
    expect((e as KrayinTransientError).status).toBeNull();
    expect((e as Error).message).toMatch(/timed out/);
  });

  it('a body that stalls after the headers is transient', async () => {
    srv.handle((_r, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    await expect(client({ timeoutMs: 200 }).getCurrentUser()).rejects.toBeInstanceOf(KrayinTransientError);
  });

  it('a connection reset is transient', async () => {
    srv.handle((_r, res) => res.socket?.destroy());
    await expect(client().getCurrentUser()).rejects.toBeInstanceOf(KrayinTransientError);
  });

  it('a refused connection is transient', async () => {
    const dead = srv.base;
    await srv.close();
    const e = await client({ baseUrl: dead })
      .getCurrentUser()
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinTransientError);
    expect((e as Error).message).toContain('ECONNREFUSED');
    srv = await scriptedServer(); // for afterEach
  });

  const PERSON_INPUT = { name: 'Jane', emails: [{ value: 'jane@example.com', label: 'work' }], contact_numbers: [] };

  it('a write that timed out is ambiguous, to be re-read after writeSettleMs (it may still land)', async () => {
    srv.handle((_r, res) => setTimeout(() => json(res, 200, { data: {} }), 1000));
    const e = await client({ timeoutMs: 200, writeSettleMs: 45_000 })
      .createPerson(PERSON_INPUT)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinAmbiguousError);
    expect(e).toMatchObject({ writeMayBeRunning: true, settleSeconds: 45 });
    expect((e as Error).message).toMatch(/timed out.*may still complete/);
  });

  it('a write whose connection was reset after sending is ambiguous', async () => {
    srv.handle((_r, res) => res.socket?.destroy());
    const e = await client()
      .createPerson(PERSON_INPUT)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinAmbiguousError);
    expect(e).toMatchObject({ writeMayBeRunning: true, settleSeconds: 60 });
  });

  it('a write that could not connect is transient: nothing reached Krayin', async () => {
    const dead = srv.base;
    await srv.close();
    const e = await client({ baseUrl: dead })
      .createPerson(PERSON_INPUT)
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KrayinTransientError);
    expect((e as Error).message).toContain('ECONNREFUSED');
    srv = await scriptedServer(); // for afterEach
  });

  it('a redirect is not followed (the token never reaches its target)', async () => {
    srv.handle((_r, res) => {
      res.writeHead(302, { location: `${other.base}/get` });
      res.end();
    });
    await expect(client().getCurrentUser()).rejects.toBeInstanceOf(KrayinAuthError);
    expect(other.received).toHaveLength(0);
  });
});

describe('tenant isolation and metrics', () => {
  it('each instance sends only its own token, only to its own base URL', async () => {
    srv.handle((_r, res) => json(res, 200, { data: USER }));
    other.handle((_r, res) => json(res, 200, { data: USER }));
    const a = client();
    const b = client({ baseUrl: other.base, token: '8|otherTenantTokenCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC' });
    await Promise.all([a.getCurrentUser(), b.getCurrentUser(), a.getCurrentUser()]);
    expect(srv.received.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    expect(other.received.map((r) => r.headers.authorization)).toEqual([
      'Bearer 8|otherTenantTokenCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC',
    ]);
  });

  it('the low-level call cannot be pointed at another host', async () => {
    const c = client({ baseUrl: `http://127.0.0.1:${new URL(srv.base).port}` });
    const host = new URL(other.base).host;
    await expect(
      c.requestJson({ method: 'GET', endpoint: 'GET /x', path: `@${host}/api/v1/get` }, anyJson),
    ).rejects.toThrow(TypeError);
    expect(other.received).toHaveLength(0);
    expect(srv.received).toHaveLength(0);
  });

  it('reports every call with a route template, status and outcome; errors never carry the token', async () => {
    const calls: KrayinCallInfo[] = [];
    srv.handle((r, res) => {
      if (r.url === '/contacts/persons/42') return json(res, 500, { message: 'x', exception: 'ErrorException' });
      json(res, 422, { message: 'The name field is required.', errors: { name: ['The name field is required.'] } });
    });
    const c = client({ onCall: (info) => calls.push(info) });
    expect(await c.getPerson(42)).toBeNull();
    const e = (await c
      .createPerson({ name: '', emails: [{ value: 'jane@example.com', label: 'work' }], contact_numbers: [] })
      .catch((err: unknown) => err)) as KrayinValidationError;
    expect(e).toBeInstanceOf(KrayinValidationError);
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(TOKEN.split('|')[1]);
    expect(calls.map(({ endpoint, status, outcome }) => ({ endpoint, status, outcome }))).toEqual([
      { endpoint: 'GET /contacts/persons/{id}', status: 500, outcome: 'miss' },
      { endpoint: 'POST /contacts/persons', status: 422, outcome: 'validation' },
    ]);
    expect(calls.every((c) => c.durationMs >= 0)).toBe(true);
  });

  it('a throwing metrics hook does not fail the call', async () => {
    srv.handle((_r, res) => json(res, 200, { data: USER }));
    const user = await client({
      onCall: () => {
        throw new Error('metrics down');
      },
    }).getCurrentUser();
    expect(user.id).toBe(1);
  });

  it('rejects bad ids before sending anything', async () => {
    await expect(client().getPerson(0)).rejects.toBeInstanceOf(KrayinValidationError);
    await expect(client().getLead(1.5)).rejects.toBeInstanceOf(KrayinValidationError);
    expect(srv.received).toHaveLength(0);
  });

  it('refuses base URLs with credentials and tokens with whitespace', () => {
    expect(() => new KrayinClient({ baseUrl: 'http://u:p@127.0.0.1/api/v1', token: TOKEN, timezone: 'UTC' })).toThrow(
      TypeError,
    );
    expect(() => new KrayinClient({ baseUrl: srv.base, token: 'a b', timezone: 'UTC' })).toThrow(TypeError);
    expect(() => new KrayinClient({ baseUrl: srv.base, token: TOKEN, timezone: 'Mars/Olympus' })).toThrow(TypeError);
  });
});
