/**
 * Krayin activities as notes (CRM_ACTIVITY_NOTES, issue 12; docs/two-way-sync.md), end to end: the real
 * service with two-way sync on, the Krayin poll and the contact workflow on the Temporal dev server, the
 * fake Krayin and the fake Chatwoot over HTTP. A call a sales user logs on the contact's lead in Krayin
 * becomes one private note in the open conversation; a re-poll notes nothing, an edit notes once more;
 * the sync's own conversation activity is never noted (no echo).
 */
import { request } from 'undici';
import { startHarness, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';
import { loadFixture } from '../helpers/webhooks';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The fixtures' contact and conversation (conversation_created.json).
const CONTACT = 1042;
const CONVERSATION = 87;

describe('two-way sync: Krayin activities as private notes', () => {
  let h: Harness;
  let leadId: number;
  const poll = () => krayinPollOf(h);

  const notes = () =>
    (h.chatwoot.state.messages.get(CONVERSATION) ?? [])
      .filter((m) => m.private && /in Krayin/.test(String(m.content)))
      .map((m) => String(m.content));
  async function notesUntil(count: number): Promise<string[]> {
    const deadline = Date.now() + 60_000;
    while (notes().length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} notes, have ${JSON.stringify(notes())}`);
      await sleep(100);
    }
    return notes();
  }

  async function krayinApi(method: 'POST' | 'PUT', path: string, body: unknown): Promise<{ data: { id: number } }> {
    const res = await request(`${h.krayin.apiBase}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${h.krayin.token}`,
        accept: 'application/json',
        'content-type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    expect(res.statusCode).toBe(200);
    return (await res.body.json()) as { data: { id: number } };
  }

  beforeAll(async () => {
    h = await startHarness({
      twoWay: { enabled: true, pollInterval: 'off' },
      crmFacts: { activityNotes: true },
      sync: { leadPolicy: 'first_conversation' },
    });
    h.chatwoot.upsertContact({ id: CONTACT, name: 'Jane Doe', email: 'jane.notes@example.com' });
    h.chatwoot.upsertConversation({ id: CONVERSATION, contactId: CONTACT, inboxId: 3, status: 'open' });
    await poll().started();
    expect((await h.post(loadFixture('conversation_created.json'))).status).toBe(202);
    await h.waitFor(CONTACT, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    leadId = (await h.store.links.getContact('default', CONTACT))!.leadId!;
    // The sync's own conversation activity is on the lead now, with its marker.
    expect(h.krayin.snapshot().activities.some((a) => a.type !== 'system')).toBe(true);
  });
  afterAll(() => h?.close());

  it("an idle poll costs one page of activities more (3 calls), and the sync's own activity is no note", async () => {
    const idle = await poll().pollNow();
    expect(idle.lastCalls).toBe(3);
    await sleep(500);
    await h.waitFor(CONTACT, (s) => s.status === 'idle');
    expect(notes()).toEqual([]);
  });

  it('a call a sales user logs on the lead becomes one private note; a re-poll notes nothing more', async () => {
    const call = await krayinApi('POST', '/activities', {
      type: 'call',
      title: 'Follow-up call',
      schedule_from: '2030-01-14 10:00:00',
      schedule_to: '2030-01-14 10:30:00',
      lead_id: leadId,
    });
    h.krayin.clearRequests();
    const polled = await poll().pollNow();
    // The activities page, then the open contact's lead timeline (plus persons and leads).
    expect(polled.lastCalls).toBe(4);
    const [note] = await notesUntil(1);
    expect(note).toMatch(/^Call logged in Krayin by .+: Follow-up call\n2030-01-14 10:00-10:30 UTC, not done yet\n/);
    expect(note).toContain(`/admin/leads/view/${leadId}`);
    await h.waitFor(CONTACT, (s) => s.status === 'idle');
    expect(h.krayinCalls().map((c) => `${c.method} ${c.path.split('?')[0]}`)).toContain(
      `GET /activities/${call.data.id}`,
    );

    // Still within the lookback margin: listed and handed over again, but noted already.
    await poll().pollNow();
    await sleep(1_500);
    await h.waitFor(CONTACT, (s) => s.status === 'idle');
    expect(notes()).toHaveLength(1);

    // Marked done in Krayin: one "updated" note.
    await sleep(1_100); // a later updated_at (second precision)
    await krayinApi('PUT', `/activities/${call.data.id}`, { is_done: 1 });
    await poll().pollNow();
    const all = await notesUntil(2);
    expect(all[1]).toMatch(/^Call updated in Krayin by .+: Follow-up call\n2030-01-14 10:00-10:30 UTC, done\n/);
    await poll().pollNow();
    await sleep(1_500);
    await h.waitFor(CONTACT, (s) => s.status === 'idle');
    expect(notes()).toHaveLength(2);
  });
});
