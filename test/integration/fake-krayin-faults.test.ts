/**
 * The fake Krayin's own machinery: every fault kind, the /__fake control endpoints, the request
 * log, the APP_DEBUG switch, custom attributes and the standalone CLI. (Krayin behaviour itself is
 * pinned by test/contract/krayin-contract.test.ts.)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';

let fake: FakeKrayin;

beforeAll(async () => {
  fake = await startFakeKrayin();
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
  json: unknown;
}

async function call(method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(fake.apiBase + p, {
    method,
    headers: {
      Accept: 'application/json',
      Authorization: `Bearer ${fake.token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
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

async function control(method: string, p: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${fake.url}/__fake${p}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

const person = (email: string) => ({
  name: 'Fault Person',
  emails: [{ value: email, label: 'work' }],
  contact_numbers: [{ value: '', label: 'work' }],
});

/** The reason a fetch failed at the network level (undici wraps it in `cause`). */
async function networkError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return String(cause?.code ?? cause?.message ?? (e as Error).message);
  }
  throw new Error('the request unexpectedly succeeded');
}

describe('fault: latency', () => {
  it('holds only the matching request, which then succeeds', async () => {
    fake.addFaults({ kind: 'latency', path: '^/get$', delayMs: 1000, times: 1 });
    const order: string[] = [];
    const slow = call('GET', '/get').then((r) => {
      order.push('slow');
      return r;
    });
    // The delayed request is logged on arrival and stays unanswered (status 0) while it waits.
    while (!fake.requests().some((r) => r.path === '/get')) await new Promise((r) => setImmediate(r));
    expect(fake.requests().find((r) => r.path === '/get')).toMatchObject({ status: 0, fault: 'latency' });
    const quick = await call('GET', '/settings/types');
    order.push('quick');
    const s = await slow;
    expect(order).toEqual(['quick', 'slow']);
    expect([s.status, quick.status]).toEqual([200, 200]);
    expect(fake.requests().find((r) => r.path === '/get')?.status).toBe(200);
    // times: 1 -> the next one is not delayed (and not marked).
    await call('GET', '/get');
    expect(
      fake
        .requests()
        .filter((r) => r.path === '/get')
        .map((r) => r.fault ?? null),
    ).toEqual(['latency', null]);
  });
});

describe('fault: status', () => {
  it('answers the status with a Krayin-like body for the mode and performs nothing', async () => {
    fake.addFaults({ kind: 'status', method: 'POST', path: '^/contacts/persons$', status: 503, times: 1 });
    const r = await call('POST', '/contacts/persons', person('s1@example.com'));
    expect(r.status).toBe(503);
    expect(r.json).toMatchObject({
      message: 'Service Unavailable',
      exception: expect.any(String),
      trace: expect.any(Array),
    });
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
    expect(fake.snapshot().persons).toEqual([]);
    // The fault is used up: the same write now works.
    expect((await call('POST', '/contacts/persons', person('s1@example.com'))).status).toBe(200);
  });

  it('uses the production bodies when APP_DEBUG is false, and HTML for proxy statuses', async () => {
    fake.setAppDebug(false);
    fake.addFaults(
      { kind: 'status', path: '^/leads', status: 500 },
      { kind: 'status', path: '^/activities', status: 502 },
    );
    const r500 = await call('GET', '/leads');
    expect(r500.status).toBe(500);
    expect(r500.json).toEqual({ message: 'admin::app.common.internal-server-error' });
    const r502 = await call('GET', '/activities');
    expect(r502.status).toBe(502);
    expect(r502.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r502.text).toContain('502 Bad Gateway');
    // Unmatched paths are untouched.
    expect((await call('GET', '/get')).status).toBe(200);
  });
});

describe('fault: rate_limit', () => {
  it('is a 429 with Retry-After in debug mode', async () => {
    fake.addFaults({ kind: 'rate_limit', retryAfter: 7, times: 1 });
    const r = await call('GET', '/get');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(r.json).toMatchObject({ message: 'Too Many Attempts.' });
  });

  it('is a generic 500 without any rate-limit header in production mode', async () => {
    fake.setAppDebug(false);
    fake.addFaults({ kind: 'rate_limit', retryAfter: 7, times: 1 });
    const r = await call('GET', '/get');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ message: 'admin::app.common.internal-server-error' });
    expect(r.headers.get('retry-after')).toBeNull();
    expect(r.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('fault: down and reset', () => {
  it('down without a filter refuses the connection, then recovers', async () => {
    fake.addFaults({ kind: 'down', times: 1 });
    expect(await networkError(call('GET', '/get'))).toMatch(/ECONNRESET|UND_ERR_SOCKET|other side closed|socket/i);
    expect((await call('GET', '/get')).status).toBe(200);
    expect(fake.requests().map((r) => [r.status, r.fault ?? null])).toEqual([
      [0, 'down'],
      [200, null],
    ]);
  });

  it('an unlimited down fault leaves the control endpoints reachable', async () => {
    fake.addFaults({ kind: 'down' });
    await networkError(call('GET', '/get'));
    expect((await control('POST', '/faults', { clear: true })).status).toBe(200);
    expect((await call('GET', '/get')).status).toBe(200);
  });

  it('down with a path only drops the matching requests', async () => {
    fake.addFaults({ kind: 'down', path: '^/leads' });
    await networkError(call('GET', '/leads'));
    expect((await call('GET', '/get')).status).toBe(200);
  });

  it('reset drops the connection mid-request without performing the write', async () => {
    fake.addFaults({ kind: 'reset', method: 'POST', times: 1 });
    expect(await networkError(call('POST', '/contacts/persons', person('r1@example.com')))).toBeTruthy();
    expect(fake.snapshot().persons).toEqual([]);
    const entry = fake.requests()[0];
    expect(entry).toMatchObject({ method: 'POST', path: '/contacts/persons', status: 0, fault: 'reset' });
    expect(entry?.body).toEqual(person('r1@example.com'));
  });
});

describe('fault: empty 200', () => {
  it('empty_200 answers an empty text/html 200 without performing the operation', async () => {
    fake.addFaults({ kind: 'empty_200', method: 'POST' });
    const r = await call('POST', '/contacts/persons', person('e1@example.com'));
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    // It went through the throttle like Krayin's hidden errors did.
    expect(r.headers.get('x-ratelimit-remaining')).toBe('59');
    expect(fake.snapshot().persons).toEqual([]);
  });

  it('empty_200_after_write performs the operation, then answers an empty 200', async () => {
    fake.addFaults({ kind: 'empty_200_after_write', method: 'POST', times: 1 });
    const r = await call('POST', '/contacts/persons', person('e2@example.com'));
    expect([r.status, r.text]).toEqual([200, '']);
    expect(fake.snapshot().persons.map((p) => p.emails)).toEqual([[{ value: 'e2@example.com', label: 'work' }]]);
  });
});

describe('fault lifetime and matching', () => {
  it('forMs bounds a fault in time (0 = already expired) and clearFaults removes all', async () => {
    fake.addFaults({ kind: 'status', status: 500, forMs: 0 });
    expect((await call('GET', '/get')).status).toBe(200);
    fake.addFaults({ kind: 'status', status: 500, forMs: 60_000 });
    expect((await call('GET', '/get')).status).toBe(500);
    expect((await call('GET', '/get')).status).toBe(500);
    fake.clearFaults();
    expect((await call('GET', '/get')).status).toBe(200);
  });

  it('matches the method case-insensitively and the path as a regex after /api/v1', async () => {
    fake.addFaults({ kind: 'status', status: 500, method: 'get', path: '^/settings/(sources|types)$' });
    expect((await call('GET', '/settings/types')).status).toBe(500);
    expect((await call('GET', '/settings/sources')).status).toBe(500);
    expect((await call('GET', '/settings/types/1')).status).toBe(200);
    expect((await call('POST', '/settings/types', { name: 'X' })).status).toBe(200);
  });

  it('rejects invalid specs', () => {
    expect(() => fake.addFaults({ kind: 'status' })).toThrow(/status/);
    expect(() => fake.addFaults({ kind: 'nope' as never })).toThrow(/kind/);
    expect(() => fake.addFaults({ kind: 'latency', path: '(' })).toThrow(/regex/);
  });
});

describe('request log', () => {
  it('records API requests with method, path after /api/v1, query, status, time and JSON body', async () => {
    await call('GET', '/contacts/persons?limit=2&page=1');
    await call('POST', '/contacts/persons', person('log@example.com'));
    await control('GET', '/state');
    const log = fake.requests();
    expect(log).toHaveLength(2);
    expect(log[0]).toMatchObject({
      method: 'GET',
      path: '/contacts/persons',
      query: { limit: '2', page: '1' },
      status: 200,
    });
    expect(log[0]?.body).toBeUndefined();
    expect(log[1]).toMatchObject({
      method: 'POST',
      path: '/contacts/persons',
      status: 200,
      body: person('log@example.com'),
    });
    for (const e of log) {
      expect(new Date(e.time).getTime()).toBe(e.at);
    }
    fake.clearRequests();
    expect(fake.requests()).toEqual([]);
  });
});

describe('control endpoints', () => {
  it('manage faults, the log, resets and attributes over HTTP, unthrottled and unlogged', async () => {
    expect((await control('POST', '/faults', { kind: 'status', status: 500, path: '^/get$' })).status).toBe(200);
    expect((await control('POST', '/faults', [{ kind: 'latency', delayMs: 1 }])).status).toBe(200);
    expect(await control('GET', '/faults')).toMatchObject({
      status: 200,
      json: [{ kind: 'status' }, { kind: 'latency' }],
    });
    expect((await call('GET', '/get')).status).toBe(500);
    expect((await control('POST', '/faults', { clear: true })).json).toEqual({ ok: true, faults: [] });
    expect((await call('GET', '/get')).status).toBe(200);

    const log = await control('GET', '/requests');
    expect((log.json as Array<{ path: string }>).map((e) => e.path)).toEqual(['/get', '/get']);
    expect((await control('DELETE', '/requests')).status).toBe(200);
    expect((await control('GET', '/requests')).json).toEqual([]);

    expect(await control('POST', '/attributes', { entity_type: 'persons', code: 'cw_id', type: 'text' })).toEqual({
      status: 200,
      json: { id: 61 },
    });
    expect((await control('POST', '/attributes', { entity_type: 'persons', code: 'cw_id', type: 'text' })).status).toBe(
      400,
    );
    expect((await control('POST', '/faults', { kind: 'boom' })).status).toBe(400);

    await call('POST', '/contacts/persons', { ...person('ctl@example.com'), cw_id: 'c-1' });
    const state = (await control('GET', '/state')).json as {
      appDebug: boolean;
      persons: Array<{ custom_attributes: unknown }>;
    };
    expect(state.appDebug).toBe(true);
    expect(state.persons[0]?.custom_attributes).toEqual({ cw_id: 'c-1' });

    // Reset with a new mode and limit; control calls never touch the bucket.
    expect((await control('POST', '/reset', { appDebug: false, rateLimit: 2 })).json).toEqual({
      ok: true,
      appDebug: false,
      rateLimit: 2,
    });
    for (let i = 0; i < 5; i++) await control('GET', '/state');
    expect((await call('GET', '/get')).headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await call('GET', '/get')).headers.get('x-ratelimit-remaining')).toBe('0');
    const throttled = await call('GET', '/get');
    expect([throttled.status, throttled.json]).toEqual([500, { message: 'admin::app.common.internal-server-error' }]);
    expect((await control('GET', '/nope')).status).toBe(404);
    // reset() (the method) goes back to the options the fake was started with.
    fake.reset();
    expect((await call('GET', '/get')).headers.get('x-ratelimit-limit')).toBe('60');
  });
});

describe('APP_DEBUG switch', () => {
  it('changes auth failures and PHP errors to the production bodies and back', async () => {
    const noToken = () => call('GET', '/get', undefined, { Authorization: '' });
    expect((await noToken()).status).toBe(401);
    fake.setAppDebug(false);
    expect(await noToken()).toMatchObject({
      status: 500,
      json: { message: 'admin::app.common.internal-server-error' },
    });
    expect(await call('GET', '/leads/999')).toMatchObject({
      status: 404,
      json: { message: 'admin::app.common.resource-not-found' },
    });
    expect(await call('GET', '/nowhere')).toMatchObject({
      status: 404,
      json: { message: 'admin::app.common.resource-not-found' },
    });
    expect(await call('GET', '/contacts/persons/abc')).toMatchObject({ status: 500 });
    fake.setAppDebug(true);
    expect((await call('GET', '/contacts/persons/999')).json).toMatchObject({ exception: 'ErrorException' });
  });
});

describe('custom attributes', () => {
  it('are validated and stored the Krayin way, never returned', async () => {
    const id = fake.addAttribute({ entity_type: 'persons', code: 'chatwoot_id', type: 'text', is_unique: true });
    fake.addAttribute({ entity_type: 'persons', code: 'cw_required', type: 'text', is_required: true });
    fake.addAttribute({ entity_type: 'persons', code: 'vip', type: 'boolean' });
    fake.addAttribute({ entity_type: 'leads', code: 'channel', type: 'select', options: ['Email', 'WhatsApp'] });
    expect(id).toBe(61);

    const created = await call('POST', '/contacts/persons', {
      ...person('ca@example.com'),
      chatwoot_id: '42',
      vip: true,
    });
    expect(created.status).toBe(200);
    expect(created.json).not.toHaveProperty('data.chatwoot_id');
    const pid = (created.json as { data: { id: number } }).data.id;
    expect(fake.snapshot().persons[0]?.custom_attributes).toEqual({ chatwoot_id: '42', vip: 1 });

    // Unique like any Krayin attribute; required only when present.
    expect(await call('POST', '/contacts/persons', { ...person('cb@example.com'), chatwoot_id: '42' })).toMatchObject({
      status: 422,
      json: { errors: { chatwoot_id: ['The value has already been taken.'] } },
    });
    expect(await call('POST', '/contacts/persons', { ...person('cc@example.com'), cw_required: '' })).toMatchObject({
      status: 422,
      json: { message: 'The cw required field is required.' },
    });

    // A partial PUT keeps text attributes but resets omitted booleans to 0.
    const put = await call('PUT', `/contacts/persons/${pid}`, { contact_numbers: [{ value: '', label: 'work' }] });
    expect(put.status).toBe(200);
    expect(fake.snapshot().persons[0]?.custom_attributes).toEqual({ chatwoot_id: '42', vip: 0 });

    // Not filterable (SQL 500) and not searchable (no filter at all).
    expect((await call('GET', '/contacts/persons?chatwoot_id=42')).status).toBe(500);
    await call('POST', '/contacts/persons', { ...person('cd@example.com'), chatwoot_id: '43' });
    expect(
      ((await call('GET', '/contacts/persons/search?search=chatwoot_id:43')).json as { data: unknown[] }).data,
    ).toHaveLength(2);

    // Select values are option ids; the lead timeline labels them.
    const lead = await call('POST', '/leads', { title: 'L', lead_pipeline_stage_id: 1, channel: 2 });
    const leadId = (lead.json as { data: { id: number } }).data.id;
    expect(fake.snapshot().leads[0]?.custom_attributes).toEqual({ channel: 2 });
    const tl = (await call('GET', `/leads/${leadId}/activities`)).json as {
      data: Array<{ title: string; additional: unknown }>;
    };
    expect(tl.data.find((a) => a.title === 'Updated channel')?.additional).toEqual({
      attribute: 'channel',
      new: { value: 2, label: 'WhatsApp' },
      old: { value: null, label: null },
    });
  });
});

describe('CLI', () => {
  it('prints the listening line, serves the API and exits cleanly on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    const token = '7|abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN0123';
    const child = spawn(
      path.join(root, 'node_modules/.bin/tsx'),
      [
        'test/fakes/krayin/cli.ts',
        '--port',
        '0',
        '--app-debug',
        'false',
        '--token',
        token,
        '--rate-limit',
        '3',
        '--timezone',
        'Asia/Kolkata',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const lines = readline.createInterface({ input: child.stdout });
      const it = lines[Symbol.asyncIterator]();
      const first = (await it.next()).value as string;
      const second = (await it.next()).value as string;
      expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
      expect(second).toBe(`token ${token}`);
      const url = first.replace('listening on ', '');
      const ok = await fetch(`${url}/api/v1/get`, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
      // Production mode: an unknown token is the generic 500.
      const bad = await fetch(`${url}/api/v1/get`, {
        headers: { Accept: 'application/json', Authorization: 'Bearer 1|nope' },
      });
      expect(bad.status).toBe(500);
      // Asia/Kolkata: a wall time comes back converted to UTC.
      const act = await fetch(`${url}/api/v1/activities`, {
        method: 'POST',
        headers: { Accept: 'application/json', Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          type: 'call',
          schedule_from: '2030-02-01 10:00:00',
          schedule_to: '2030-02-01 10:30:00',
        }),
      });
      expect(((await act.json()) as { data: { schedule_from: string } }).data.schedule_from).toBe(
        '2030-02-01T04:30:00.000000Z',
      );
      lines.close();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('refuses unknown options with a usage message', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['test/fakes/krayin/cli.ts', '--bogus'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown option --bogus/);
  });
});
