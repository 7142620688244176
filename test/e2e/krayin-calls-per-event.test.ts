/**
 * Krayin calls per event (issue 11 §3; docs/performance.md "Krayin calls per event"), counted on the
 * fake Krayin's request log. Krayin's rate limit (60 requests/min per user by default) makes these
 * counts the throughput of the whole product, so each kind of event is pinned to its exact calls:
 *
 * - a new contact with a company: at most 4, no reference-data lookups (preloaded at worker start);
 * - the first conversation of a contact whose person exists: at most 4 (verify the person, look for
 *   an open lead, create the lead directly in the stage the rules want, create the activity);
 * - a later conversation event: the agent's reply (stage read, stage move) and a new message;
 * - an update that changes nothing mapped: 0.
 */
import { conversationWebhook } from '../chaos/helpers/chaos';
import { startHarness, type Harness } from '../helpers/harness';

const T0 = 1_781_946_843;
const STAGE_RULES = [
  { on: 'conversation_created', stage: 'follow-up' },
  { on: 'first_agent_reply', stage: 'prospect' },
];

const route = (c: { method: string; path: string }) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;

describe('Krayin calls per event', () => {
  let h: Harness;
  const contactId = 5201;
  const conversationId = 5301;
  const ids = { contactId, conversationId };
  const contact = {
    id: contactId,
    name: 'Calls Counted',
    email: 'calls.counted@example.com',
    phone_number: '+4915100005201',
    additional_attributes: { company_name: 'Counted Calls GmbH' },
    custom_attributes: {},
  };

  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'first_conversation', stageRules: STAGE_RULES, debounceMs: 0 } });
    // The worker loads the reference data at start: wait for it, it is not any contact's cost.
    const deadline = Date.now() + 20_000;
    while (!h.krayinCalls().some((c) => c.path === '/settings/users' && c.status === 200)) {
      if (Date.now() > deadline) throw new Error('reference data was not preloaded at worker start');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
  afterAll(() => h?.close());

  async function calls(send: () => Promise<{ status: number }>): Promise<string[]> {
    const before = await h.status(contactId).then(
      (s) => s.syncCount,
      () => 0,
    );
    h.krayin.clearRequests();
    expect((await send()).status).toBe(202);
    await h.waitFor(contactId, (s) => s.syncCount > before && s.status === 'idle', 60_000);
    expect((await h.status(contactId)).syncStatus).toBe('synced');
    return h.krayinCalls().map(route);
  }

  it('a new contact with a company and a phone: 4 calls, one person search for email and phone, no lookups', async () => {
    expect(await calls(() => h.sendContact('contact_created', contact))).toEqual([
      'GET /contacts/organizations',
      'POST /contacts/organizations',
      'GET /contacts/persons/search',
      'POST /contacts/persons',
    ]);
  });

  it('the first conversation of a contact whose person exists: 4 calls, the lead created in the rule stage', async () => {
    h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, created_at: T0, status: 'open' });
    h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Hello, pricing?', created_at: T0 });
    expect(await calls(() => h.post(conversationWebhook('conversation_created', ids)))).toEqual([
      'GET /contacts/persons/{id}', // verify the linked person is still ours before a lead goes on it
      'GET /leads', // an open lead of the person is used, not duplicated
      'POST /leads',
      'POST /activities',
    ]);
    const k = h.krayin.snapshot();
    expect(k.leads.map((l) => l.stage_code)).toEqual(['follow-up']);
  });

  it("the agent's first reply: the stage read (which verifies the lead) and the stage move", async () => {
    h.chatwoot.addMessage(conversationId, { message_type: 'outgoing', content: 'Sure!', created_at: T0 + 30 });
    h.chatwoot.upsertConversation({ id: conversationId, contactId, first_reply_created_at: T0 + 30 });
    expect(await calls(() => h.post(conversationWebhook('conversation_updated.first_reply', ids)))).toEqual([
      'GET /leads/{id}',
      'PUT /leads/stage/edit/{id}',
    ]);
    expect(h.krayin.snapshot().leads.map((l) => l.stage_code)).toEqual(['prospect']);
  });

  it('a status change (resolved, the transcript written): at most 2 calls', async () => {
    h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Thanks', created_at: T0 + 60 });
    h.chatwoot.upsertConversation({ id: conversationId, contactId, status: 'resolved' });
    expect(await calls(() => h.post(conversationWebhook('conversation_status_changed', ids)))).toEqual([
      'GET /activities/{id}', // the stored activity is still ours (never write into someone else's)
      'PUT /activities/{id}',
    ]);
  });

  it('an update that changes nothing mapped: 0 calls', async () => {
    expect(
      await calls(() => h.sendContact('contact_updated', { ...contact, custom_attributes: { tier: 'gold' } })),
    ).toEqual([]);
  });
});
