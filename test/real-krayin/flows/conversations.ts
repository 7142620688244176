/**
 * Conversation flows: Chatwoot's recorded webhooks (../shared/chatwoot-fixtures, conversation 87 of
 * contact 1042) replayed for a contact of this tier, while the fake Chatwoot evolves the way the real
 * one would. Each asserts the Krayin end state on any Krayin, fake or real (see ../helpers/flows.ts).
 */
import type { FakeChatwoot } from '../../fakes/chatwoot';
import { loadFixture } from '../../helpers/webhooks';
import type { Flow, FlowContext } from '../helpers/flows';
import type { KrayinView } from '../helpers/krayin-view';

export const CONVERSATION_CONTACT = 9010;
const FIXTURE_CONTACT = /(?<![\d.])1042(?![\d])/g;

/** A recorded webhook, re-addressed to this tier's contact (workflow ids are per contact and server). */
function fixture(name: string): Buffer {
  return Buffer.from(loadFixture(name).toString('utf8').replace(FIXTURE_CONTACT, String(CONVERSATION_CONTACT)));
}

const JANE = {
  id: CONVERSATION_CONTACT,
  name: 'Jane Doe',
  email: 'jane.doe.9010@example.com',
  phone_number: '+4915112345678',
  additional_attributes: { city: 'Berlin', country: 'Germany', company_name: 'Acme Logistics GmbH' },
  custom_attributes: {},
};
// Conversation 87 of the fixtures (epoch seconds).
const T = { created: 1781946843, reply: 1781946965, thanks: 1781947787 };

export const STAGE_RULES = [
  { on: 'conversation_created', stage: 'follow-up' },
  { on: 'first_agent_reply', stage: 'prospect' },
  { on: 'label_added:vip', stage: 'negotiation' },
];

async function deliver(t: FlowContext, name: string, syncs: number) {
  expect((await t.h.post(fixture(name))).status).toBe(202);
  return t.h.waitFor(
    CONVERSATION_CONTACT,
    (s) => s.syncCount >= syncs && s.eventsReceived >= syncs && s.status === 'idle',
    90_000,
  );
}

/** The conversation's activity: the one carrying our marker (not a per-message note). */
function conversationActivities(k: KrayinView, conversationId: number) {
  return k.activities.filter((a) => {
    const m = (a.additional as { chatwoot?: { conversation?: number; message?: number } } | null)?.chatwoot;
    return m?.conversation === conversationId && m.message === undefined;
  });
}

function created(cw: FakeChatwoot) {
  cw.upsertContact(JANE);
  cw.upsertConversation({ id: 87, contactId: CONVERSATION_CONTACT, inboxId: 3, created_at: T.created, status: 'open' });
  cw.addMessage(87, {
    id: 58210,
    message_type: 'incoming',
    content: "Hi! I'd like to upgrade <b>our team</b>.",
    created_at: T.created,
  });
}

/** leadPolicy first_conversation + STAGE_RULES: created, labelled vip, replied, resolved. */
export const conversationLifecycle: Flow = async (t) => {
  const cw = t.h.chatwoot;
  created(cw);
  expect((await deliver(t, 'conversation_created.json', 1)).syncStatus).toBe('synced');
  let k = await t.view();
  expect(k.persons).toHaveLength(1);
  expect(k.leads).toHaveLength(1);
  expect(k.leads[0]!.stage_code).toBe('follow-up');
  expect(conversationActivities(k, 87)).toHaveLength(1);

  cw.upsertConversation({ id: 87, contactId: CONVERSATION_CONTACT, labels: ['upgrade', 'vip'] });
  await deliver(t, 'conversation_updated.json', 2);
  expect((await t.view()).leads[0]!.stage_code).toBe('negotiation');

  cw.addMessage(87, {
    id: 58217,
    message_type: 'outgoing',
    content: 'Hi Jane, happy to help! I have prepared an offer.',
    created_at: T.reply,
  });
  cw.upsertConversation({ id: 87, contactId: CONVERSATION_CONTACT, first_reply_created_at: T.reply, waiting_since: 0 });
  await deliver(t, 'conversation_updated.first_reply.json', 3);
  // first_agent_reply targets "prospect", behind "negotiation": forward-only, the lead stays.
  expect((await t.view()).leads[0]!.stage_code).toBe('negotiation');

  cw.addMessage(87, { id: 58231, message_type: 'incoming', content: 'Thank you!', created_at: T.thanks });
  cw.upsertConversation({ id: 87, contactId: CONVERSATION_CONTACT, status: 'resolved' });
  expect((await deliver(t, 'conversation_status_changed.json', 4)).syncStatus).toBe('synced');

  k = await t.view();
  expect(k.persons).toHaveLength(1);
  expect(k.leads).toHaveLength(1);
  const [activity, ...more] = conversationActivities(k, 87);
  expect(more).toEqual([]);
  expect(activity).toMatchObject({ type: 'note', is_done: 1, lead_ids: [k.leads[0]!.id] });
  expect(activity!.additional).toEqual({ chatwoot: { conversation: 87, account: 1 } });
  expect(activity!.comment).toContain('Hi Jane, happy to help!');
  expect(activity!.comment).toContain('Thank you!');
  expect(activity!.comment).toContain('&lt;b&gt;our team&lt;/b&gt;'); // Chatwoot text is escaped, never HTML
};

/** leadPolicy contact_created + STAGE_RULES: sales wins the lead in Krayin; a vip conversation leaves it won. */
export const wonLeadLeftAlone: Flow = async (t) => {
  const cw = t.h.chatwoot;
  cw.upsertContact(JANE);
  await t.h.sendContact('contact_updated', JANE);
  await t.h.waitFor(CONVERSATION_CONTACT, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);
  const leadId = (await t.view()).leads[0]!.id;
  await t.sales(async (api) => {
    const won = (await api.listPipelines()).flatMap((p) => p.stages).find((s) => s.code === 'won')!;
    await api.moveLeadStage(leadId, won.id);
  });
  expect((await t.view()).leads[0]!.stage_code).toBe('won');

  created(cw);
  cw.upsertConversation({ id: 87, contactId: CONVERSATION_CONTACT, labels: ['vip'] });
  await deliver(t, 'conversation_created.json', 2);
  const k = await t.view();
  expect(k.leads).toHaveLength(1);
  expect(k.leads[0]!.stage_code).toBe('won');
  const [activity, ...more] = conversationActivities(k, 87);
  expect(more).toEqual([]);
  expect(activity!.lead_ids).toEqual([leadId]); // the conversation is still recorded on the lead
  expect(t.calls().filter((c) => c.path.startsWith('/leads/stage/edit'))).toEqual([]);
};

/**
 * A WhatsApp conversation scheduled as a `call`, in Krayin's wall time: run with the connection and
 * Krayin in Asia/Kolkata (Krayin's own default zone). Conversation 91: 07:41:55Z start, 07:42:19Z last.
 */
export const callInKrayinTimeZone: Flow = async (t) => {
  const cw = t.h.chatwoot;
  cw.upsertContact(JANE);
  cw.upsertConversation({
    id: 91,
    contactId: CONVERSATION_CONTACT,
    inboxId: 5,
    created_at: 1782027715,
    status: 'resolved',
  });
  cw.addMessage(91, { id: 58302, message_type: 'incoming', content: 'Invoice photo', created_at: 1782027739 });
  expect((await deliver(t, 'message_created.attachment.json', 1)).syncStatus).toBe('synced');
  const [call, ...more] = conversationActivities(await t.view(), 91);
  expect(more).toEqual([]);
  expect(call).toMatchObject({
    type: 'call',
    schedule_from: '2026-06-21 13:11:55', // +05:30
    schedule_to: '2026-06-21 13:12:19',
    is_done: 1,
    location: 'Berlin, Germany',
  });
};
