/**
 * The lead's owner follows the conversation's assignee, within what Krayin's full lead PUT allows:
 * never on a won or lost deal (it belongs to whoever closed it, and the PUT would reset its
 * closed_at), and without sending an empty title (Krayin answers 422 to one; an omitted title is kept).
 */
import { KrayinClient } from '../../src/krayin/client';
import { anyJson } from '../../src/krayin/schemas';
import { conversationWebhook } from '../chaos/helpers/chaos';
import { startHarness, type Harness } from '../helpers/harness';

const AGENT = { id: 7, name: 'Max Mustermann', available_name: 'Max', email: 'ADMIN@example.com' };

function contact(id: number) {
  return {
    id,
    name: `Owner Test ${id}`,
    email: `owner.${id}@example.com`,
    additional_attributes: {},
    custom_attributes: {},
  };
}

async function assignConversation(h: Harness, contactId: number, conversationId: number) {
  h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, status: 'open', assigneeId: AGENT.id });
  h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Hello' });
  const before = (await h.status(contactId)).syncCount;
  const res = await h.post(conversationWebhook('conversation_created', { contactId, conversationId }));
  expect(res.status).toBe(202);
  return h.waitFor(contactId, (s) => s.syncCount > before && s.status === 'idle', 60_000);
}

describe('lead owner from the assignee', () => {
  let h: Harness;
  let api: KrayinClient;
  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'first_conversation' } });
    api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    h.chatwoot.upsertUser(AGENT);
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('is not changed on a won lead, whose closed_at stays as sales left it', async () => {
    const id = 4701;
    await h.sendContact('contact_created', contact(id));
    await h.waitFor(id, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    // The first conversation, not assigned yet: it creates the contact's lead.
    h.chatwoot.upsertConversation({ id: 4711, contactId: id, inboxId: 3, status: 'open' });
    h.chatwoot.addMessage(4711, { message_type: 'incoming', content: 'Hello' });
    await h.post(conversationWebhook('conversation_created', { contactId: id, conversationId: 4711 }));
    await h.waitFor(id, (s) => s.syncCount >= 2 && s.status === 'idle' && s.syncStatus === 'synced');
    const leadId = (await h.store.links.getContact('default', id))!.leadId!;
    // Sales wins the deal in Krayin; then the conversation gets its assignee.
    await api.moveLeadStage(leadId, 5);
    const closedAt = (await api.getLead(leadId))!.closed_at;
    expect(closedAt).not.toBeNull();
    h.chatwoot.upsertConversation({ id: 4711, contactId: id, assigneeId: AGENT.id });
    await h.post(conversationWebhook('conversation_updated.assignee', { contactId: id, conversationId: 4711 }));
    await h.waitFor(id, (s) => s.syncCount >= 3 && s.status === 'idle' && s.syncStatus === 'synced');

    const lead = (await api.getLead(leadId))!;
    expect(lead.user?.email?.toLowerCase() ?? null).not.toBe('admin@example.com');
    expect(lead.closed_at).toBe(closedAt);
    expect(h.krayinCalls().filter((c) => c.method === 'PUT' && c.path === `/leads/${leadId}`)).toEqual([]);
  });

  it('is set on an open lead whose title sales left empty (no empty title is sent)', async () => {
    const id = 4702;
    await h.sendContact('contact_created', contact(id));
    await h.waitFor(id, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    const person = h.krayin.snapshot().persons.find((p) => JSON.stringify(p.emails).includes(`owner.${id}@`))!;
    const created = (await api.requestJson(
      {
        method: 'POST',
        endpoint: 'POST /leads',
        path: '/leads',
        body: { lead_pipeline_stage_id: 1, person: { id: person.id } },
      },
      anyJson,
    )) as { data: { id: number } };
    const leadId = created.data.id;
    expect((await api.getLead(leadId))!.title ?? '').toBe('');

    const s = await assignConversation(h, id, 4712);
    expect(s.syncStatus).toBe('synced'); // not parked by a 422 on the title
    const lead = (await api.getLead(leadId))!;
    expect(lead.user?.email?.toLowerCase()).toBe('admin@example.com');
  });
});
