/**
 * ChatwootClient.listConversations against the fake Chatwoot over real HTTP: every status (Chatwoot's
 * default is open only), latest activity first, 25 a page, the query the reconciliation relies on.
 */
import { ChatwootClient, CONVERSATIONS_PAGE_SIZE } from '../../src/chatwoot/api-client';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';

let fake: FakeChatwoot;
let client: ChatwootClient;

beforeAll(async () => {
  fake = await startFakeChatwoot({ accountId: 4, apiToken: 'cw-token-list' });
  client = new ChatwootClient({ baseUrl: fake.url, accountId: 4, apiToken: 'cw-token-list', timeoutMs: 2_000 });
});
afterAll(async () => {
  await fake.close();
});

it('lists conversations of any status, most recent activity first, in pages of 25', async () => {
  fake.upsertContact({ id: 1, name: 'A', email: 'a@example.com' });
  fake.upsertContact({ id: 2, name: 'B', email: 'b@example.com' });
  const statuses = ['open', 'resolved', 'pending', 'snoozed'] as const;
  for (let i = 1; i <= 30; i++) {
    fake.upsertConversation({
      id: i,
      contactId: i % 2 === 0 ? 2 : 1,
      status: statuses[i % 4]!,
      created_at: 1_700_000_000,
      last_activity_at: 1_700_000_000 + ((i * 7) % 30) * 60,
    });
  }
  fake.clearRequests();

  const first = await client.listConversations(1);
  const second = await client.listConversations(2);
  expect(first.conversations).toHaveLength(CONVERSATIONS_PAGE_SIZE);
  expect(second.conversations).toHaveLength(5);
  const all = [...first.conversations, ...second.conversations];
  expect(new Set(all.map((c) => c.displayId)).size).toBe(30);
  const times = all.map((c) => c.lastActivityAt);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  expect(all.find((c) => c.displayId === 4)).toEqual({
    displayId: 4,
    contactId: 2,
    lastActivityAt: 1_700_000_000 + 28 * 60,
  });
  expect(fake.requests()[0]).toMatchObject({
    path: '/api/v1/accounts/4/conversations',
    query: { status: 'all', assignee_type: 'all', sort_by: 'last_activity_at_desc', page: '1' },
  });
});
