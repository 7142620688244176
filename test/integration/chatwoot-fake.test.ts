/**
 * The fake Chatwoot itself, over raw HTTP: is it as strict as Chatwoot (src/chatwoot/README.md §5)? (A fake
 * that is nicer than Chatwoot would let client bugs through.)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { request } from 'undici';
import { seedFixtureScenario, startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';

const TOKEN = 'fake-token-Qm3';
let fake: FakeChatwoot;

beforeAll(async () => {
  fake = await startFakeChatwoot({ accountId: 1, apiToken: TOKEN });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  seedFixtureScenario(fake);
});

async function get(pathAndQuery: string, headers: Record<string, string> = { api_access_token: TOKEN }) {
  const res = await request(`${fake.url}${pathAndQuery}`, { headers });
  const text = await res.body.text();
  let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.statusCode, body };
}
const acc = (p: string) => `/api/v1/accounts/1${p}`;

describe('fake Chatwoot: auth and errors', () => {
  it('401 {error} without a token or with a wrong one, whatever the account', async () => {
    expect(await get(acc('/contacts/1042'), {})).toEqual({
      status: 401,
      body: { error: 'You need to sign in or sign up before continuing.' },
    });
    expect(await get('/api/v1/accounts/9/contacts/1042', { api_access_token: 'nope' })).toEqual({
      status: 401,
      body: { error: 'Invalid Access Token' },
    });
  });

  it('accepts the hyphenated header (Rack maps it to the same key)', async () => {
    expect((await get(acc('/contacts/1042'), { 'api-access-token': TOKEN })).status).toBe(200);
    expect(fake.requests().at(-1)?.tokenHeader).toBe('api-access-token');
  });

  it('404 {"error":"Resource could not be found"} for unknown records, other accounts and other routes', async () => {
    const notFound = { status: 404, body: { error: 'Resource could not be found' } };
    expect(await get(acc('/contacts/999'))).toEqual(notFound);
    expect(await get(acc('/contacts/abc'))).toEqual(notFound);
    expect(await get('/api/v1/accounts/2/contacts/1042')).toEqual(notFound);
    expect(await get(acc('/conversations/999'))).toEqual(notFound);
    expect(await get(acc('/conversations/999/messages'))).toEqual(notFound);
    expect(await get(acc('/nothing-here'))).toEqual(notFound);
  });
});

describe('fake Chatwoot: contact shapes', () => {
  it('GET /contacts/{id}: {payload} with epoch created_at, no updated_at, contact_inboxes', async () => {
    const { status, body } = await get(acc('/contacts/1042'));
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['payload']);
    expect(Object.keys(body.payload).sort()).toEqual(
      [
        'additional_attributes',
        'availability_status',
        'blocked',
        'contact_inboxes',
        'created_at',
        'custom_attributes',
        'email',
        'id',
        'identifier',
        'last_activity_at',
        'name',
        'phone_number',
        'thumbnail',
      ].sort(),
    );
    expect(body.payload.created_at).toBe(1781946834);
    expect(body.payload.contact_inboxes[0]).toEqual({
      source_id: '5c1b9d2e-7f3a-4e61-9b8d-0a4c6e2f1d37',
      inbox: {
        id: 3,
        avatar_url: '',
        channel_id: 1,
        name: 'Acme Website',
        channel_type: 'Channel::WebWidget',
        provider: null,
      },
    });
  });

  it('omits last_activity_at when null and contact_inboxes on request', async () => {
    fake.upsertContact({ id: 5, email: 'x@example.com' });
    const { body } = await get(acc('/contacts/5?include_contact_inboxes=false'));
    expect(body.payload).not.toHaveProperty('last_activity_at');
    expect(body.payload).not.toHaveProperty('contact_inboxes');
  });

  it('stores contacts as Chatwoot does: email lower-cased, blank email null, phones E.164 only', async () => {
    fake.upsertContact({ id: 6, email: ' Mixed.Case@Example.COM ', phone_number: '' });
    fake.upsertContact({ id: 7, email: '   ', identifier: 'crm-7' });
    expect((await get(acc('/contacts/6'))).body.payload).toMatchObject({
      email: 'mixed.case@example.com',
      phone_number: '',
    });
    expect((await get(acc('/contacts/7'))).body.payload.email).toBeNull();
    expect(() => fake.upsertContact({ id: 8, phone_number: '0151 1234' })).toThrow(/E\.164/);
  });

  it('lists only resolved contacts, 15 a page, with the total and the page as sent', async () => {
    for (let i = 0; i < 20; i += 1)
      fake.upsertContact({ id: 100 + i, phone_number: `+4930${1000 + i}`, created_at: 1_700_000_000 + i });
    fake.upsertContact({ id: 300, name: 'quiet-river-3' }); // anonymous: never listed
    const p1 = await get(acc('/contacts?page=1&sort=created_at'));
    const p2 = await get(acc('/contacts?page=2&sort=created_at'));
    expect(p1.body.meta).toEqual({ count: 21, current_page: '1' });
    expect(p1.body.payload).toHaveLength(15);
    expect(p2.body.payload).toHaveLength(6);
    const ids = [...p1.body.payload, ...p2.body.payload].map((c: { id: number }) => c.id);
    expect(ids).not.toContain(300);
    expect(ids[0]).toBe(100); // created earliest
    expect(ids.at(-1)).toBe(1042); // created last
    expect((await get(acc('/contacts'))).body.meta.current_page).toBe(1);
  });

  it('has no defined order without sort (callers must sort to page)', async () => {
    for (let i = 0; i < 14; i += 1)
      fake.upsertContact({ id: 100 + i, email: `u${i}@example.com`, created_at: 1_700_000_000 + i });
    const unsorted = (await get(acc('/contacts'))).body.payload.map((c: { id: number }) => c.id);
    const sorted = (await get(acc('/contacts?sort=created_at'))).body.payload.map((c: { id: number }) => c.id);
    expect(new Set(unsorted)).toEqual(new Set(sorted));
    expect(unsorted).not.toEqual(sorted);
  });
});

describe('fake Chatwoot: conversations and messages', () => {
  it('conversation show: display id, API contact as meta.sender, epoch times, last public message', async () => {
    const { body } = await get(acc('/conversations/87'));
    expect(body).toMatchObject({
      id: 87,
      account_id: 1,
      inbox_id: 3,
      labels: ['upgrade', 'vip'],
      first_reply_created_at: 0,
    });
    expect(body.meta.sender).toMatchObject({ id: 1042, created_at: 1781946834 });
    expect(body.messages.map((m: { id: number }) => m.id)).toEqual([58231]);
    expect(typeof body.updated_at).toBe('number');
  });

  it('messages: ascending, ints for message_type, sender push data, meta', async () => {
    const { body } = await get(acc('/conversations/87/messages'));
    expect(Object.keys(body.meta).sort()).toEqual(
      ['additional_attributes', 'agent_last_seen_at', 'assignee', 'assignee_last_seen_at', 'contact', 'labels'].sort(),
    );
    expect(body.payload.map((m: { id: number }) => m.id)).toEqual([58210, 58214, 58217, 58231]);
    expect(body.payload[0]).toMatchObject({ conversation_id: 87, message_type: 0, created_at: 1781946843 });
    expect(body.payload[0].sender).toMatchObject({ id: 1042, type: 'contact' });
    expect(body.payload[0].sender).not.toHaveProperty('account');
  });

  it('messages: before -> 20 older, after -> up to 100 newer, both -> between; filter_internal_messages', async () => {
    fake.upsertConversation({ id: 300, contactId: 1042, created_at: 1_700_000_000 });
    const ids = Array.from({ length: 130 }, (_, i) => fake.addMessage(300, { created_at: 1_700_000_000 + i }).id);
    fake.addMessage(300, { message_type: 'activity', content: 'Conversation was resolved', created_at: 1_700_000_500 });
    const list = async (q: string) =>
      (await get(acc(`/conversations/300/messages${q}`))).body.payload.map((m: { id: number }) => m.id);

    expect(await list('')).toHaveLength(20);
    expect(await list(`?before=${ids[50]}`)).toEqual(ids.slice(30, 50));
    expect(await list(`?before=${ids[5]}`)).toEqual(ids.slice(0, 5));
    expect(await list(`?before=${ids[0]}`)).toEqual([]);
    expect(await list(`?after=${ids[10]}`)).toEqual(ids.slice(11, 111));
    expect(await list(`?after=${ids[10]}&before=${ids[14]}`)).toEqual(ids.slice(11, 14));
    expect((await list('?filter_internal_messages=true')).at(-1)).toBe(ids[129]);
    expect((await list('')).at(-1)).not.toBe(ids[129]); // the activity message is last without the filter
  });

  it('deleting a contact removes its conversations', async () => {
    fake.deleteContact(1042);
    expect((await get(acc('/conversations/87'))).status).toBe(404);
  });
});

describe('fake Chatwoot: request log, faults, reset, CLI', () => {
  it('records method, path, query, status and the token header', async () => {
    fake.clearRequests();
    await get(acc('/contacts/1042?include_contact_inboxes=false'));
    await get(acc('/contacts/1'), {});
    expect(fake.requests()).toEqual([
      {
        method: 'GET',
        path: '/api/v1/accounts/1/contacts/1042',
        query: { include_contact_inboxes: 'false' },
        status: 200,
        tokenHeader: 'api_access_token',
      },
      { method: 'GET', path: '/api/v1/accounts/1/contacts/1', query: {}, status: 401, tokenHeader: null },
    ]);
  });

  it('faults: status with realistic bodies, method/path matching, times; clearFaults', async () => {
    fake.addFaults({ method: 'GET', path: /\/contacts\/\d+$/, status: 429, times: 1 });
    expect(await get(acc('/contacts/1042'))).toEqual({ status: 429, body: 'Retry later\n' });
    expect((await get(acc('/contacts/1042'))).status).toBe(200);
    fake.addFaults({ status: 500 });
    expect(await get(acc('/contacts/1042'))).toEqual({
      status: 500,
      body: { status: 500, error: 'Internal Server Error' },
    });
    fake.clearFaults();
    expect((await get(acc('/contacts/1042'))).status).toBe(200);
  });

  it('down: the connection is dropped without an answer', async () => {
    fake.addFaults({ down: true, times: 1 });
    await expect(get(acc('/contacts/1042'))).rejects.toThrow();
    expect((await get(acc('/contacts/1042'))).status).toBe(200);
  });

  it('reset forgets data, requests and faults', async () => {
    fake.addFaults({ status: 500 });
    fake.reset();
    expect(fake.requests()).toEqual([]);
    expect((await get(acc('/contacts/1042'))).status).toBe(404);
  });

  it('npm run fake:chatwoot prints its URL and serves the seeded scenario', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(
      process.execPath,
      [
        path.join(root, 'node_modules/tsx/dist/cli.mjs'),
        'test/fakes/chatwoot/cli.ts',
        '--port',
        '0',
        '--account-id',
        '4',
        '--token',
        'cli-token',
        '--seed',
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`fake exited with ${code}`)));
      });
      const res = await request(`${url}/api/v1/accounts/4/contacts/1042`, {
        headers: { api_access_token: 'cli-token' },
      });
      expect(res.statusCode).toBe(200);
      expect(((await res.body.json()) as { payload: { id: number } }).payload.id).toBe(1042);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
