/**
 * `backfill --conversations`, end to end: contacts with conversations that never sent a webhook end with
 * each conversation written to (fake) Krayin as exactly one activity; a second run writes nothing.
 * Real Temporal dev server, real store, fakes over HTTP, the CLI command as users run it.
 */
import { runBackfillCommand } from '../../src/backfill/cli';
import { startHarness, type Harness } from '../helpers/harness';

async function backfill(h: Harness, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(`ERROR ${l}`) };
  const code = await runBackfillCommand(['--connection', 'default', ...args], h.config, {
    out,
    pollMs: 100,
    lineEveryMs: 0,
  });
  expect({ code, lines }).toMatchObject({ code: 0 });
  return lines;
}

/** The conversation's activity: the one carrying our marker (not a per-message note). */
function conversationActivities(h: Harness, conversationId: number) {
  return h.krayin.snapshot().activities.filter((a) => {
    const m = (a.additional as { chatwoot?: { conversation?: number; message?: number } } | null)?.chatwoot;
    return m?.conversation === conversationId && m.message === undefined;
  });
}

const writes = (h: Harness) => h.krayinCalls().filter((c) => c.method !== 'GET');

// Three contacts, four conversations, none ever announced by a webhook.
const CONVERSATIONS = [
  { id: 701, contactId: 7001 },
  { id: 702, contactId: 7001 },
  { id: 703, contactId: 7002 },
  { id: 704, contactId: 7003 },
];

describe('backfill --conversations, end to end', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    for (const id of [7001, 7002, 7003]) {
      h.chatwoot.upsertContact({
        id,
        name: `Cora Conversations ${id}`,
        email: `cora.${id}@example.com`,
        phone_number: '',
        additional_attributes: {},
        custom_attributes: {},
      });
    }
    const start = Math.floor(Date.now() / 1000) - 3600;
    CONVERSATIONS.forEach((c, i) => {
      h.chatwoot.upsertConversation({ ...c, created_at: start + i * 60 });
      h.chatwoot.addMessage(c.id, {
        message_type: 'incoming',
        content: `Hello from conversation ${c.id}`,
        created_at: start + i * 60,
      });
    });
    h.krayin.clearRequests();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('writes each conversation to Krayin as exactly one activity', async () => {
    const lines = await backfill(h, ['--conversations']);
    expect(lines.join('\n')).toMatch(/4 {2}conversations handed over/);
    // The hand-over is asynchronous: wait until every conversation's activity exists (or time out).
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && CONVERSATIONS.some((c) => conversationActivities(h, c.id).length === 0))
      await new Promise((r) => setTimeout(r, 250));
    // Give stragglers (a duplicate write) time to show.
    await new Promise((r) => setTimeout(r, 1_500));
    for (const c of CONVERSATIONS)
      expect({ c: c.id, n: conversationActivities(h, c.id).length }).toEqual({ c: c.id, n: 1 });
    for (const c of CONVERSATIONS) expect(await h.store.conversations.get('default', c.id)).not.toBeNull();
    expect(h.krayin.snapshot().persons).toHaveLength(3);
  });

  it('a second run writes nothing', async () => {
    h.krayin.clearRequests();
    const lines = await backfill(h, ['--conversations']);
    expect(lines.join('\n')).not.toMatch(/conversations handed over/);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(writes(h)).toEqual([]);
    for (const c of CONVERSATIONS) expect(conversationActivities(h, c.id)).toHaveLength(1);
  });
});
