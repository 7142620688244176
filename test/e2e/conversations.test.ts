/**
 * Conversations -> Krayin activities and stage progression, end to end. Chatwoot's own fixture
 * sequence (src/chatwoot/README.md §7) is replayed as signed webhooks while the fake Chatwoot API evolves the
 * way the real one would; the Krayin end state is asserted from the fake Krayin's records.
 */
import { KrayinClient } from '../../src/krayin/client';
import type { FakeChatwoot } from '../fakes/chatwoot';
import type { FakeActivityView } from '../fakes/krayin';
import { startHarness, type Harness } from '../helpers/harness';
import { loadFixture } from '../helpers/webhooks';

const CONTACT = 1042;
const JANE = {
  id: CONTACT,
  name: 'Jane Doe',
  email: 'jane.doe@example.com',
  phone_number: '+4915112345678',
  additional_attributes: { city: 'Berlin', country: 'Germany', company_name: 'Acme Logistics GmbH' },
  custom_attributes: {},
  contact_inboxes: [
    {
      source_id: '5c1b9d2e-7f3a-4e61-9b8d-0a4c6e2f1d37',
      inbox: {
        id: 3,
        name: 'Website',
        channel_type: 'Channel::WebWidget',
        channel_id: 1,
        avatar_url: '',
        provider: null,
      },
    },
    {
      source_id: '4915112345678',
      inbox: {
        id: 5,
        name: 'WhatsApp',
        channel_type: 'Channel::Whatsapp',
        channel_id: 1,
        avatar_url: '',
        provider: 'whatsapp_cloud',
      },
    },
  ],
};
// Conversation 87 of the fixtures, in the order things happen in Chatwoot (epoch seconds).
const T = { created: 1781946843, note: 1781946940, reply: 1781946965, thanks: 1781947787 };
const STAGE_RULES = [
  { on: 'conversation_created', stage: 'follow-up' },
  { on: 'first_agent_reply', stage: 'prospect' },
  { on: 'label_added:vip', stage: 'negotiation' },
  { on: 'conversation_reopened', stage: 'new' }, // backwards: must never apply
];

/** The conversation's Krayin activity: the one carrying our marker. */
function conversationActivity(h: Harness, conversationId: number): FakeActivityView[] {
  return h.krayin.snapshot().activities.filter((a) => {
    const m = (a.additional as { chatwoot?: { conversation?: number; message?: number } } | null)?.chatwoot;
    return m?.conversation === conversationId && m.message === undefined;
  });
}

async function settle(h: Harness, syncs: number) {
  return h.waitFor(CONTACT, (s) => s.syncCount >= syncs && s.status === 'idle', 60_000);
}

// The assignee's Chatwoot email is a Krayin user's (the seeded admin, user 1): the lead's owner follows him.
const MAX = { id: 7, name: 'Max Mustermann', available_name: 'Max', email: 'ADMIN@example.com' };

/**
 * Conversation 87's life in Chatwoot, one user action at a time, with the webhooks each action fans out
 * (src/chatwoot/README.md §4, §7). Payloads are built from database state at send time, so a webhook delivered
 * late describes a state that may be gone by then.
 */
type Step = 'created' | 'assigned' | 'noted' | 'labelled' | 'replied' | 'resolved';
const LIFE: Record<Step, { apply(cw: FakeChatwoot): void; webhooks: string[] }> = {
  created: {
    apply: (cw) => {
      cw.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: T.created, status: 'open' });
      cw.addMessage(87, {
        id: 58210,
        message_type: 'incoming',
        content: "Hi! I'd like to upgrade <b>our team</b>.",
        created_at: T.created,
      });
    },
    webhooks: ['conversation_created.json', 'message_created.json'],
  },
  assigned: {
    apply: (cw) => void cw.upsertConversation({ id: 87, contactId: CONTACT, assigneeId: MAX.id }),
    webhooks: ['conversation_updated.assignee.json'],
  },
  noted: {
    apply: (cw) =>
      void cw.addMessage(87, {
        id: 58214,
        message_type: 'outgoing',
        private: true,
        content: 'PRIVATE NOTE: existing customer since 2024',
        created_at: T.note,
      }),
    webhooks: ['message_created.private_note.json'],
  },
  labelled: {
    apply: (cw) => void cw.upsertConversation({ id: 87, contactId: CONTACT, labels: ['upgrade', 'vip'] }),
    webhooks: ['conversation_updated.json'],
  },
  replied: {
    apply: (cw) => {
      cw.addMessage(87, {
        id: 58217,
        message_type: 'outgoing',
        content: 'Hi Jane, happy to help! I have prepared an offer.',
        created_at: T.reply,
      });
      cw.upsertConversation({ id: 87, contactId: CONTACT, first_reply_created_at: T.reply, waiting_since: 0 });
    },
    webhooks: ['message_created.outgoing.json', 'conversation_updated.first_reply.json'],
  },
  resolved: {
    apply: (cw) => {
      cw.addMessage(87, { id: 58231, message_type: 'incoming', content: 'Thank you!', created_at: T.thanks });
      cw.upsertConversation({ id: 87, contactId: CONTACT, status: 'resolved' });
    },
    webhooks: ['conversation_status_changed.json', 'conversation_updated.status.json'],
  },
};
const STEPS: Step[] = ['created', 'assigned', 'noted', 'labelled', 'replied', 'resolved'];

/** Change Chatwoot's state, or deliver one webhook (which then gets a sync of its own). */
type Action = { apply: Step } | { deliver: string };

/** Every webhook right after the action that caused it. */
const IN_ORDER: Action[] = STEPS.flatMap((step) => [
  { apply: step },
  ...LIFE[step].webhooks.map((deliver) => ({ deliver })),
]);

/**
 * The same actions, the same webhooks, delivered the way Chatwoot's queues can reorder them
 * (src/chatwoot/README.md §4: no ordering, late events carry newer data). Each delivery is synced on the
 * state Chatwoot has when it arrives, so every one of them matters on its own.
 */
const OUT_OF_ORDER: Action[] = [
  { apply: 'created' },
  { deliver: 'message_created.json' }, // the first message overtakes conversation_created
  { apply: 'assigned' },
  { deliver: 'conversation_updated.assignee.json' },
  { deliver: 'conversation_created.json' }, // late: the conversation is already assigned
  { apply: 'noted' },
  { apply: 'labelled' },
  { deliver: 'message_created.private_note.json' }, // a private note's webhook is the first to see the labels
  { apply: 'replied' },
  { deliver: 'message_created.outgoing.json' },
  { apply: 'resolved' },
  { deliver: 'conversation_updated.status.json' }, // updated before status_changed
  { deliver: 'conversation_status_changed.json' },
  // Stale payloads after the resolve: both say "open", which is no longer true.
  { deliver: 'conversation_updated.first_reply.json' },
  { deliver: 'conversation_updated.json' },
];

/**
 * Plays a schedule on a fresh contact; returns after each delivery's own sync finished. `after` runs
 * once a delivery is synced (its index among deliveries, from 0), for assertions on the way.
 */
async function replay(h: Harness, schedule: Action[], after?: (delivery: number) => void): Promise<void> {
  h.chatwoot.upsertContact(JANE);
  h.chatwoot.upsertUser(MAX);
  let deliveries = 0;
  for (const action of schedule) {
    if ('apply' in action) {
      LIFE[action.apply].apply(h.chatwoot);
      continue;
    }
    expect((await h.post(loadFixture(action.deliver))).status).toBe(202);
    deliveries++;
    // One sync per delivery: the next one is only sent once this one's sync is over.
    const s = await settle(h, deliveries);
    expect(s).toMatchObject({ syncCount: deliveries, eventsReceived: deliveries });
    after?.(deliveries - 1);
  }
}

/**
 * What the fake Krayin holds, by content: two harnesses number their records independently, so links
 * are given as positions and the fake Chatwoot's URL (its port differs) is replaced. Krayin's own
 * `system` rows log every write, so their number depends on the path taken; they are left out.
 */
function krayinContent(h: Harness) {
  const k = h.krayin.snapshot();
  const personNo = (id: number | null) => k.persons.findIndex((p) => p.id === id);
  const leadNo = (id: number) => k.leads.findIndex((l) => l.id === id);
  return {
    persons: k.persons.map((p) => ({ name: p.name, emails: p.emails, contact_numbers: p.contact_numbers })),
    leads: k.leads.map((l) => ({
      title: l.title,
      stage: l.stage_code,
      owner: l.user_id,
      person: personNo(l.person_id),
    })),
    activities: k.activities
      .filter((a) => a.type !== 'system')
      .map((a) => ({
        type: a.type,
        title: a.title,
        comment: a.comment?.split(h.chatwoot.url).join('<chatwoot>') ?? null,
        is_done: a.is_done,
        additional: a.additional,
        location: a.location,
        leads: a.lead_ids.map(leadNo),
        persons: a.person_ids.map(personNo),
      })),
  };
}

/**
 * Rules only the won/lost guard can stop (stage order in Krayin's default pipeline: new, follow-up,
 * prospect, negotiation, won, lost): "lost" comes after "won", so forward-only allows moving a won
 * lead there, and the other two may move backwards.
 */
const CLOSED_STAGE_RULES = [
  { on: 'conversation_created', stage: 'lost' },
  { on: 'label_added:vip', stage: 'negotiation', allowBackwards: true },
  { on: 'assigned', stage: 'follow-up', allowBackwards: true },
];

/** A harness whose contact has a lead that sales then closed in Krayin (moved to won or lost). */
async function leadClosedBySales(stage: 'won' | 'lost'): Promise<{ h: Harness; leadId: number }> {
  const h = await startHarness({ sync: { leadPolicy: 'contact_created', stageRules: CLOSED_STAGE_RULES } });
  try {
    await h.sendContact('contact_updated', JANE);
    await settle(h, 1);
    const leadId = h.krayin.snapshot().leads[0]!.id;
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    try {
      const stages = (await api.listPipelines()).flatMap((p) => p.stages);
      await api.moveLeadStage(leadId, stages.find((st) => st.code === stage)!.id);
    } finally {
      await api.close();
    }
    expect(h.krayin.snapshot().leads[0]!.stage_code).toBe(stage);
    h.krayin.clearRequests();
    return { h, leadId };
  } catch (err) {
    await h.close();
    throw err;
  }
}

/** Stage moves the service made: audited ones, and every stage-edit call Krayin received. */
async function automaticStageMoves(h: Harness) {
  const audit = await h.store.audit.list('default', CONTACT, 100);
  return {
    audited: audit.filter((a) => a.action === 'lead.stage_moved'),
    calls: h.krayinCalls().filter((c) => c.path.startsWith('/leads/stage/edit')),
  };
}

describe('conversations, end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ sync: { leadPolicy: 'first_conversation', stageRules: STAGE_RULES } });
  });
  afterAll(() => h?.close());

  it('replays the fixture sequence: one lead, one conversation activity with a transcript, the lead in the configured stage', async () => {
    const { chatwoot, krayin } = h;
    chatwoot.upsertContact(JANE);
    // The assignee's Chatwoot email is a Krayin user's: the lead's owner follows the assignee.
    chatwoot.upsertUser({ id: 7, name: 'Max Mustermann', available_name: 'Max', email: 'ADMIN@example.com' });

    // 1. conversation_created: the contact's first conversation starts -> person, lead, activity.
    chatwoot.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: T.created, status: 'open' });
    chatwoot.addMessage(87, {
      id: 58210,
      message_type: 'incoming',
      content: "Hi! I'd like to upgrade <b>our team</b>.",
      created_at: T.created,
    });
    expect((await h.post(loadFixture('conversation_created.json'))).status).toBe(202);
    let s = await settle(h, 1);
    expect(s.syncStatus).toBe('synced');
    let k = krayin.snapshot();
    expect(k.persons).toHaveLength(1);
    expect(k.leads).toHaveLength(1);
    expect(k.leads[0]!.stage_code).toBe('follow-up');
    expect(conversationActivity(h, 87)).toHaveLength(1);

    // 2. assignee set; 3. private note; 4. labels upgrade, vip.
    chatwoot.upsertConversation({ id: 87, contactId: CONTACT, assigneeId: 7 });
    await h.post(loadFixture('conversation_updated.assignee.json'));
    s = await settle(h, 2);
    expect(krayin.snapshot().leads[0]!.user_id).toBe(1);

    chatwoot.addMessage(87, {
      id: 58214,
      message_type: 'outgoing',
      private: true,
      content: 'Existing customer since 2024 - check the open deal',
      created_at: T.note,
    });
    await h.post(loadFixture('message_created.private_note.json'));
    s = await settle(h, 3);

    chatwoot.upsertConversation({ id: 87, contactId: CONTACT, labels: ['upgrade', 'vip'] });
    await h.post(loadFixture('conversation_updated.json'));
    s = await settle(h, 4);
    expect(krayin.snapshot().leads[0]!.stage_code).toBe('negotiation');

    // 5./6. the agent's first public reply (message + conversation_updated fan-out).
    chatwoot.addMessage(87, {
      id: 58217,
      message_type: 'outgoing',
      content: 'Hi Jane, happy to help! I have prepared an offer.',
      created_at: T.reply,
    });
    chatwoot.upsertConversation({ id: 87, contactId: CONTACT, first_reply_created_at: T.reply, waiting_since: 0 });
    await h.post(loadFixture('message_created.outgoing.json'));
    await h.post(loadFixture('conversation_updated.first_reply.json'));
    s = await settle(h, 5);
    // first_agent_reply targets "prospect", behind "negotiation": forward-only, so the lead stays.
    expect(krayin.snapshot().leads[0]!.stage_code).toBe('negotiation');

    // 7./8. resolve: two webhooks for one change.
    chatwoot.addMessage(87, { id: 58231, message_type: 'incoming', content: 'Thank you!', created_at: T.thanks });
    chatwoot.upsertConversation({ id: 87, contactId: CONTACT, status: 'resolved' });
    await h.post(loadFixture('conversation_status_changed.json'));
    await h.post(loadFixture('conversation_updated.status.json'));
    s = await h.waitFor(CONTACT, (st) => st.status === 'idle' && st.eventsReceived === 8 && st.syncCount >= 6, 60_000);
    expect(s.syncStatus).toBe('synced');

    k = krayin.snapshot();
    expect(k.persons).toHaveLength(1);
    expect(k.leads).toHaveLength(1);
    const lead = k.leads[0]!;
    expect(lead.stage_code).toBe('negotiation');
    const [activity, ...more] = conversationActivity(h, 87);
    expect(more).toEqual([]);
    expect(activity!.type).toBe('note');
    expect(activity!.additional).toEqual({ chatwoot: { conversation: 87, account: 1 } });
    expect(activity!.lead_ids).toEqual([lead.id]);
    expect(activity!.comment).toContain(`${chatwoot.url}/app/accounts/1/conversations/87`);
    expect(activity!.comment).toContain('Website');
    expect(activity!.comment).toContain('Hi Jane, happy to help!');
    expect(activity!.comment).toContain('Thank you!');
    expect(activity!.comment).toContain('&lt;b&gt;our team&lt;/b&gt;'); // Chatwoot text is escaped, never HTML
    expect(activity!.comment).not.toContain('Existing customer since 2024'); // the private note
    expect(activity!.is_done).toBe(1);

    // Duplicates change nothing: a delivery seen twice, and the same content under new delivery ids.
    krayin.clearRequests();
    expect((await h.post(loadFixture('conversation_updated.status.json'), { deliveryId: 'resolve-1' })).status).toBe(
      202,
    );
    expect((await h.post(loadFixture('conversation_updated.status.json'), { deliveryId: 'resolve-1' })).status).toBe(
      200,
    );
    await h.post(loadFixture('conversation_status_changed.json'));
    await h.waitFor(CONTACT, (st) => st.status === 'idle' && st.eventsReceived === 10);
    expect(krayin.requests().filter((r) => r.method !== 'GET')).toEqual([]);
    expect(conversationActivity(h, 87)).toHaveLength(1);

    // Reopening never moves the lead backwards (the "conversation_reopened -> new" rule).
    chatwoot.upsertConversation({ id: 87, contactId: CONTACT, status: 'open' });
    await h.post(loadFixture('conversation_updated.json'));
    await h.waitFor(CONTACT, (st) => st.status === 'idle' && st.eventsReceived === 11);
    expect(krayin.snapshot().leads[0]!.stage_code).toBe('negotiation');
    const audit = await h.store.audit.list('default', CONTACT, 100);
    const moves = audit.filter((a) => a.action === 'lead.stage_moved').reverse(); // audit lists newest first
    // The conversation_created rule chose the stage the lead was created in (no stage-edit call for it).
    expect(audit.find((a) => a.action === 'lead.created')?.detail).toMatchObject({ trigger: 'conversation_created' });
    expect(moves.map((a) => a.detail?.trigger)).toEqual(['label_added:vip']);
  });
});

describe('conversations delivered out of order', () => {
  it('reach the in-order end state: message before conversation_created, updated before status_changed, stale payloads last', async () => {
    // Same actions, same webhooks, only the delivery order differs.
    const deliveries = (schedule: Action[]) => schedule.flatMap((a) => ('deliver' in a ? [a.deliver] : [])).sort();
    const steps = (schedule: Action[]) => schedule.flatMap((a) => ('apply' in a ? [a.apply] : []));
    expect(deliveries(OUT_OF_ORDER)).toEqual(deliveries(IN_ORDER));
    expect(steps(OUT_OF_ORDER)).toEqual(steps(IN_ORDER));

    const inOrder = await startHarness({ sync: { leadPolicy: 'first_conversation', stageRules: STAGE_RULES } });
    let expected: ReturnType<typeof krayinContent>;
    try {
      await replay(inOrder, IN_ORDER);
      expect((await inOrder.status(CONTACT)).syncStatus).toBe('synced');
      expected = krayinContent(inOrder);
    } finally {
      await inOrder.close();
    }
    // The reference itself is the state the first test arrives at, not just anything both runs agree on.
    expect(expected.persons).toHaveLength(1);
    expect(expected.leads).toEqual([{ title: expect.any(String), stage: 'negotiation', owner: 1, person: 0 }]);
    expect(expected.activities).toHaveLength(1);
    const activity = expected.activities[0]!;
    expect(activity).toMatchObject({
      type: 'note',
      title: expect.stringContaining('#87'),
      is_done: 1,
      additional: { chatwoot: { conversation: 87, account: 1 } },
      leads: [0],
    });
    expect(activity.comment).toContain('<chatwoot>/app/accounts/1/conversations/87');
    expect(activity.comment).toContain('Hi Jane, happy to help!'); // the transcript, written on resolve
    expect(activity.comment).toContain('Thank you!');
    expect(activity.comment).not.toContain('PRIVATE NOTE');

    const h = await startHarness({ sync: { leadPolicy: 'first_conversation', stageRules: STAGE_RULES } });
    try {
      await replay(h, OUT_OF_ORDER, (delivery) => {
        if (delivery !== 0) return;
        // The message alone, before conversation_created, starts the lead and the conversation's activity.
        const k = h.krayin.snapshot();
        expect(k.leads.map((l) => l.stage_code)).toEqual(['follow-up']);
        expect(conversationActivity(h, 87)).toHaveLength(1);
      });
      expect((await h.status(CONTACT)).syncStatus).toBe('synced');
      expect(krayinContent(h)).toEqual(expected);
    } finally {
      await h.close();
    }
  });
});

describe('won and lost leads', () => {
  it('a won lead is not moved back by the usual rules (all of them behind won)', async () => {
    const h = await startHarness({ sync: { leadPolicy: 'contact_created', stageRules: STAGE_RULES } });
    try {
      h.chatwoot.upsertContact(JANE);
      await h.sendContact('contact_updated', JANE);
      await h.waitFor(CONTACT, (s) => s.syncStatus === 'synced');
      const leadId = h.krayin.snapshot().leads[0]!.id;
      const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
      await api.moveLeadStage(leadId, 5); // sales won it in Krayin
      await api.close();

      h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: T.created, labels: ['vip'] });
      await h.post(loadFixture('conversation_created.json'));
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncCount >= 2);
      expect(h.krayin.snapshot().leads[0]!.stage_code).toBe('won');
      expect(conversationActivity(h, 87)).toHaveLength(1); // the conversation is still recorded
    } finally {
      await h.close();
    }
  });

  it('a won lead stays won, also for a rule moving forward (to lost) and one allowed to move backwards', async () => {
    const { h, leadId } = await leadClosedBySales('won');
    try {
      // conversation_created -> "lost": ahead of "won", so only the won/lost guard keeps the lead.
      h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: T.created, status: 'open' });
      h.chatwoot.addMessage(87, { id: 58210, message_type: 'incoming', content: 'Hello', created_at: T.created });
      expect((await h.post(loadFixture('conversation_created.json'))).status).toBe(202);
      await settle(h, 2);
      expect(h.krayin.snapshot().leads[0]!.stage_code).toBe('won');
      const [written, ...more] = conversationActivity(h, 87);
      expect(more).toEqual([]);
      expect(written!.lead_ids).toEqual([leadId]);

      // label_added:vip -> "negotiation" with allowBackwards: behind "won", and allowed to go there.
      h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, labels: ['vip'] });
      expect((await h.post(loadFixture('conversation_updated.json'))).status).toBe(202);
      await settle(h, 3);
      expect(h.krayin.snapshot().leads[0]!.stage_code).toBe('won');
      const [updated, ...others] = conversationActivity(h, 87);
      expect(others).toEqual([]);
      expect(updated!.id).toBe(written!.id);
      expect(updated!.comment).toContain('Labels: vip'); // the change was synced, only the move was refused

      expect(await automaticStageMoves(h)).toEqual({ audited: [], calls: [] });
    } finally {
      await h.close();
    }
  });

  it('a lost lead stays lost, also for a rule allowed to move it back to an earlier stage', async () => {
    const { h, leadId } = await leadClosedBySales('lost');
    try {
      // assigned -> "follow-up" with allowBackwards (conversation_created -> "lost" is where it is already).
      h.chatwoot.upsertUser(MAX);
      h.chatwoot.upsertConversation({
        id: 87,
        contactId: CONTACT,
        inboxId: 3,
        created_at: T.created,
        status: 'open',
        assigneeId: MAX.id,
      });
      h.chatwoot.addMessage(87, { id: 58210, message_type: 'incoming', content: 'Hello', created_at: T.created });
      expect((await h.post(loadFixture('conversation_created.json'))).status).toBe(202);
      await settle(h, 2);
      expect(h.krayin.snapshot().leads[0]!.stage_code).toBe('lost');
      const [activity, ...more] = conversationActivity(h, 87);
      expect(more).toEqual([]);
      expect(activity!.lead_ids).toEqual([leadId]);
      expect(activity!.comment).toContain('Assignee: Max Mustermann');
      expect(await automaticStageMoves(h)).toEqual({ audited: [], calls: [] });
    } finally {
      await h.close();
    }
  });
});

describe('lead policy "never"', () => {
  it('puts the conversation activity on the person; no lead is created and no stage rule runs', async () => {
    const h = await startHarness({ sync: { leadPolicy: 'never', stageRules: STAGE_RULES } });
    try {
      h.chatwoot.upsertContact(JANE);
      h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: T.created, status: 'open' });
      h.chatwoot.addMessage(87, { message_type: 'incoming', content: 'Hello', created_at: T.created });
      await h.post(loadFixture('conversation_created.json'));
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncStatus === 'synced', 60_000);

      const k = h.krayin.snapshot();
      expect(k.leads).toEqual([]);
      expect(k.persons).toHaveLength(1);
      const [activity, ...more] = conversationActivity(h, 87);
      expect(more).toEqual([]);
      expect(activity).toMatchObject({ type: 'note', lead_ids: [], person_ids: [k.persons[0]!.id] });
      expect(h.krayinCalls().filter((c) => c.path.startsWith('/leads'))).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('scheduled activity types', () => {
  it('a call carries the conversation start and last activity in Krayin wall time (Asia/Kolkata)', async () => {
    const h = await startHarness({
      krayin: { timezone: 'Asia/Kolkata' },
      sync: {
        leadPolicy: 'first_conversation',
        conversations: { activityTypes: { 'Channel::Whatsapp': 'call' } },
      },
    });
    try {
      h.chatwoot.upsertContact(JANE);
      // 2026-06-21 07:41:55Z start, 07:42:19Z last message
      h.chatwoot.upsertConversation({
        id: 91,
        contactId: CONTACT,
        inboxId: 5,
        created_at: 1782027715,
        status: 'resolved',
      });
      h.chatwoot.addMessage(91, {
        id: 58302,
        message_type: 'incoming',
        content: 'Invoice photo',
        created_at: 1782027739,
      });
      await h.post(loadFixture('message_created.attachment.json'));
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncStatus === 'synced');
      const [call] = conversationActivity(h, 91);
      expect(call?.type).toBe('call');
      expect(call?.schedule_from).toBe('2026-06-21 13:11:55'); // +05:30
      expect(call?.schedule_to).toBe('2026-06-21 13:12:19');
      expect(call?.is_done).toBe(1); // resolved: marked done after the create (Krayin forces 0 on create)
      expect(call?.location).toBe('Berlin, Germany');
    } finally {
      await h.close();
    }
  });
});

describe('a very long conversation', () => {
  it('of 2,000 messages yields a bounded transcript that says what it left out', async () => {
    const h = await startHarness({ sync: { leadPolicy: 'first_conversation' } });
    try {
      h.chatwoot.upsertContact(JANE);
      h.chatwoot.upsertConversation({
        id: 87,
        contactId: CONTACT,
        inboxId: 3,
        created_at: T.created,
        status: 'resolved',
      });
      for (let i = 0; i < 2000; i++) {
        h.chatwoot.addMessage(87, {
          message_type: i % 2 === 0 ? 'incoming' : 'outgoing',
          content: `Message number ${i} ${'ä'.repeat(200)}`,
          created_at: T.created + i,
        });
      }
      await h.post(loadFixture('conversation_status_changed.json'));
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncStatus === 'synced', 90_000);
      const [activity] = conversationActivity(h, 87);
      const bytes = Buffer.byteLength(activity!.comment ?? '', 'utf8');
      expect(bytes).toBeLessThanOrEqual(65_535);
      expect(activity!.comment).toContain('Message number 1999');
      expect(activity!.comment).not.toContain('Message number 1000 ');
      expect(activity!.comment).toMatch(/older messages? (are|is) not shown|More than \d+ older/);
    } finally {
      await h.close();
    }
  });
});

describe('per-message activities (optional)', () => {
  it('write one note per public message and never a private note', async () => {
    const h = await startHarness({
      sync: { leadPolicy: 'first_conversation', conversations: { messageActivities: true } },
    });
    try {
      h.chatwoot.upsertContact(JANE);
      h.chatwoot.upsertConversation({ id: 87, contactId: CONTACT, inboxId: 3, created_at: T.created });
      h.chatwoot.addMessage(87, { id: 58210, message_type: 'incoming', content: 'Hello', created_at: T.created });
      h.chatwoot.addMessage(87, {
        id: 58214,
        message_type: 'outgoing',
        private: true,
        content: 'SECRET NOTE',
        created_at: T.note,
      });
      h.chatwoot.addMessage(87, { id: 58217, message_type: 'outgoing', content: 'Hi there', created_at: T.reply });
      h.chatwoot.addMessage(87, {
        id: 58218,
        message_type: 'activity',
        content: 'Conversation was assigned',
        created_at: T.reply,
      });
      await h.post(loadFixture('message_created.json'));
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncStatus === 'synced');
      const perMessage = h.krayin.snapshot().activities.filter((a) => {
        const m = (a.additional as { chatwoot?: { message?: number } } | null)?.chatwoot;
        return m?.message !== undefined;
      });
      expect(
        perMessage.map((a) => (a.additional as { chatwoot: { message: number } }).chatwoot.message).sort(),
      ).toEqual([58210, 58217]);
      expect(perMessage.every((a) => !a.comment?.includes('SECRET NOTE'))).toBe(true);

      // A later message adds one more note, and nothing is written twice.
      h.chatwoot.addMessage(87, { id: 58231, message_type: 'incoming', content: 'Thanks', created_at: T.thanks });
      await h.post(loadFixture('message_created.json'), { deliveryId: 'another-delivery' });
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncCount >= 2);
      const count = h.krayin
        .snapshot()
        .activities.filter(
          (a) => (a.additional as { chatwoot?: { message?: number } } | null)?.chatwoot?.message !== undefined,
        ).length;
      expect(count).toBe(3);
    } finally {
      await h.close();
    }
  });
});
