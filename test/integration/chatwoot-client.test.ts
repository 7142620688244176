/** ChatwootClient against the fake Chatwoot over real HTTP: shapes, 404s, auth, paging, faults -> typed errors. */
import { ChatwootClient } from '../../src/chatwoot/api-client';
import {
  ChatwootAuthError,
  ChatwootNotFoundError,
  ChatwootRateLimitedError,
  ChatwootTransientError,
  ChatwootUnexpectedResponseError,
  ChatwootValidationError,
  type ChatwootError,
} from '../../src/chatwoot/errors';
import { seedFixtureScenario, startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';

const TOKEN = 'cw-user-token-Zx81Qp';
let fake: FakeChatwoot;
let client: ChatwootClient;

beforeAll(async () => {
  fake = await startFakeChatwoot({ accountId: 3, apiToken: TOKEN });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  seedFixtureScenario(fake);
  client = new ChatwootClient({ baseUrl: `${fake.url}/`, accountId: 3, apiToken: TOKEN, timeoutMs: 1_000 });
});

async function failure(p: Promise<unknown>): Promise<ChatwootError> {
  try {
    await p;
  } catch (err) {
    expect(String((err as Error).message)).not.toContain(TOKEN);
    expect(String((err as Error).message)).not.toMatch(/jane|1042/i);
    return err as ChatwootError;
  }
  throw new Error('expected a rejection');
}

describe('ChatwootClient: contacts', () => {
  it('reads a contact in the API shape with the api_access_token header', async () => {
    const contact = await client.getContact(1042);
    expect(contact).toMatchObject({
      id: 1042,
      email: 'jane.doe@example.com',
      phone_number: '+4915112345678',
      identifier: null,
      created_at: 1781946834,
      last_activity_at: 1782027902,
      custom_attributes: { customer_tier: 'gold' },
    });
    expect(contact).not.toHaveProperty('updated_at');
    expect(contact?.contact_inboxes?.map((ci) => ci.inbox.channel_type)).toEqual([
      'Channel::WebWidget',
      'Channel::Whatsapp',
    ]);
    expect(fake.requests()).toEqual([
      {
        method: 'GET',
        path: '/api/v1/accounts/3/contacts/1042',
        query: {},
        status: 200,
        tokenHeader: 'api_access_token',
      },
    ]);
  });

  it('resolves null for an unknown or deleted contact (404)', async () => {
    expect(await client.getContact(999)).toBeNull();
    fake.deleteContact(1042);
    expect(await client.getContact(1042)).toBeNull();
  });

  it('rejects with ChatwootAuthError for a wrong token', async () => {
    const bad = new ChatwootClient({ baseUrl: fake.url, accountId: 3, apiToken: 'wrong' });
    const err = await failure(bad.getContact(1042));
    expect(err).toBeInstanceOf(ChatwootAuthError);
    expect(err).toMatchObject({ kind: 'auth', status: 401, endpoint: 'GET /contacts/{id}' });
  });

  it('checkAccess passes for the right account and throws NotFound for a wrong account id', async () => {
    await expect(client.checkAccess()).resolves.toBeUndefined();
    const wrongAccount = new ChatwootClient({ baseUrl: fake.url, accountId: 4, apiToken: TOKEN });
    // A wrong account id makes every contact look deleted; checkAccess is how readiness notices.
    expect(await wrongAccount.getContact(1042)).toBeNull();
    expect(await failure(wrongAccount.checkAccess())).toBeInstanceOf(ChatwootNotFoundError);
  });

  it('lists resolved contacts 15 a page with the total count, sorted as asked', async () => {
    for (let i = 1; i <= 19; i += 1) {
      fake.upsertContact({ id: 2000 + i, email: `c${i}@example.com`, created_at: 1_700_000_000 + ((i * 7) % 19) });
    }
    fake.upsertContact({ id: 3000, name: 'anonymous-visitor' }); // not listed: no email, phone or identifier

    const first = await client.listContacts(1, 'created_at');
    const second = await client.listContacts(2, 'created_at');
    expect(first.contacts).toHaveLength(15);
    expect(second.contacts).toHaveLength(5);
    expect(first).toMatchObject({ totalCount: 20, page: 1 });
    expect(second.page).toBe(2);
    const all = [...first.contacts, ...second.contacts];
    expect(new Set(all.map((c) => c.id)).size).toBe(20);
    const created = all.map((c) => c.created_at);
    expect(created).toEqual([...created].sort((a, b) => a - b));

    const desc = await client.listContacts(1, '-created_at');
    expect(desc.contacts[0]?.created_at).toBe(Math.max(...created));
    expect(fake.requests().at(-1)?.query).toEqual({ page: '1', sort: '-created_at' });
  });
});

describe('ChatwootClient: conversations and messages', () => {
  it('reads a conversation by display id; null when it is gone', async () => {
    const conversation = await client.getConversation(87);
    expect(conversation).toMatchObject({
      id: 87,
      account_id: 3,
      inbox_id: 3,
      status: 'open',
      meta: { sender: { id: 1042 } },
    });
    expect(conversation?.first_reply_created_at).toBe(0);
    expect(await client.getConversation(12345)).toBeNull();
  });

  it('pages messages: latest 20, then before=<smallest id>, ascending', async () => {
    fake.upsertConversation({ id: 200, contactId: 1042, created_at: 1_700_000_000 });
    const ids = Array.from({ length: 45 }, (_, i) => fake.addMessage(200, { created_at: 1_700_000_000 + i }).id);

    const latest = await client.listMessages(200);
    expect(latest.messages.map((m) => m.id)).toEqual(ids.slice(25));
    const older = await client.listMessages(200, { before: ids[25] });
    expect(older.messages.map((m) => m.id)).toEqual(ids.slice(5, 25));
    const newer = await client.listMessages(200, { after: ids[4] });
    expect(newer.messages.map((m) => m.id)).toEqual(ids.slice(5));

    fake.clearRequests();
    const all = await client.listAllMessages(200, 1000);
    expect(all.map((m) => m.id)).toEqual(ids);
    expect(fake.requests().map((r) => r.query.before)).toEqual([
      undefined,
      String(ids[25]),
      String(ids[5]),
      String(ids[0]),
    ]);

    const capped = await client.listAllMessages(200, 30);
    expect(capped.map((m) => m.id)).toEqual(ids.slice(15));
  });

  it('keeps message_type as an int and includes private notes (the workflow filters them)', async () => {
    const { messages } = await client.listMessages(87);
    expect(messages.map((m) => [m.id, m.message_type, m.private])).toEqual([
      [58210, 0, false],
      [58214, 1, true],
      [58217, 1, false],
      [58231, 0, false],
    ]);
    expect(messages[1]?.sender).toMatchObject({ type: 'user', id: 7 });
  });

  it('rejects with ChatwootNotFoundError for the messages of a missing conversation', async () => {
    expect(await failure(client.listMessages(404404))).toBeInstanceOf(ChatwootNotFoundError);
  });
});

describe('ChatwootClient: faults become typed errors', () => {
  it.each<[string, Parameters<FakeChatwoot['addFaults']>[0], new (...a: never[]) => ChatwootError, object]>([
    ['500', { status: 500 }, ChatwootTransientError, { kind: 'transient', status: 500 }],
    ['502 HTML from a proxy', { status: 502 }, ChatwootTransientError, { status: 502 }],
    ['connection dropped', { down: true }, ChatwootTransientError, { status: null }],
    [
      'too slow',
      { latencyMs: 3_000 },
      ChatwootTransientError,
      { status: null, message: expect.stringContaining('timed out') },
    ],
    ['429 from rack-attack', { status: 429 }, ChatwootRateLimitedError, { retryAfterSeconds: null }],
    [
      '429 with Retry-After',
      { status: 429, headers: { 'Retry-After': '7' } },
      ChatwootRateLimitedError,
      { retryAfterSeconds: 7 },
    ],
    ['403', { status: 403, body: { error: 'not allowed' } }, ChatwootAuthError, { status: 403 }],
    [
      '422',
      { status: 422, body: { message: 'Email has already been taken', attributes: ['email'] } },
      ChatwootValidationError,
      { attributes: ['email'], message: expect.stringContaining('Email has already been taken') },
    ],
    ['400', { status: 400 }, ChatwootUnexpectedResponseError, { status: 400 }],
    [
      '200 with a wrong shape',
      { status: 200, body: { payload: { id: 'x' } } },
      ChatwootUnexpectedResponseError,
      { message: expect.stringContaining('payload.id') },
    ],
    ['200 that is not JSON', { status: 200, body: '<html>login</html>' }, ChatwootUnexpectedResponseError, {}],
  ])('%s', async (_label, fault, errorClass, fields) => {
    fake.addFaults({ path: '/api/v1/accounts/3/contacts/1042', ...fault });
    const err = await failure(client.getContact(1042));
    expect(err).toBeInstanceOf(errorClass);
    expect(err).toMatchObject({ endpoint: 'GET /contacts/{id}', ...fields });
  });

  it('recovers once a limited fault is used up', async () => {
    fake.addFaults({ status: 503, times: 1 });
    await expect(client.getContact(1042)).rejects.toBeInstanceOf(ChatwootTransientError);
    await expect(client.getContact(1042)).resolves.toMatchObject({ id: 1042 });
  });
});
