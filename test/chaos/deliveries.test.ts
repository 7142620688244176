/**
 * Chaos 5 and 6: duplicated and concurrent deliveries.
 *
 * 5. The same delivery three times. Chatwoot (or a proxy, or an operator replaying) delivers one webhook
 *    three times. It must be processed once: one 202, then 200 `duplicate`; the workflow counts one
 *    event (eventsReceived 1) and Krayin sees one set of writes (organization + lead-with-person).
 *    Three ways: one after the other, the third after the sync finished (the store dedupes, not only
 *    the run); all three at the same moment (a race on the dedupe record); without X-Chatwoot-Delivery
 *    (Chatwoot < 4.11.2), where byte-identical bodies share a sha256 delivery id.
 * 6. 50 events for one contact at the same moment: contact_created, contact_updated (the name changing
 *    under them), and for three conversations conversation_created / conversation_updated /
 *    message_created / conversation_status_changed, all posted concurrently. Their order at the
 *    workflow is anybody's guess, and the run continues-as-new on the way (the test server suggests it
 *    after 60 history events). Result: 1 person with the latest name, 1 lead, exactly 1 activity per
 *    conversation, every event counted once.
 *
 * One file (two harnesses), so the workflow bundle and the app are loaded once for both.
 */
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { contactEventBody, postWebhook, type WebhookResponse } from '../helpers/webhooks';
import {
  auditKrayin,
  chaosContact,
  chaosStoreEngine,
  conversationActivities,
  conversationWebhook,
  countBy,
  reportFigures,
  writeCalls,
  type ChaosContact,
} from './helpers/chaos';

const ONE_SET_OF_WRITES = ['POST /contacts/organizations', 'POST /leads'];

describe('chaos: the same delivery 3 times', () => {
  let h: Harness;
  const figures: Record<string, unknown> = {};
  beforeAll(async () => {
    h = await startHarness({ storeEngine: chaosStoreEngine(), sync: { leadPolicy: 'contact_created' } });
  });
  afterAll(async () => {
    reportFigures('duplicate-delivery', figures);
    await h?.close();
  });
  beforeEach(() => h.krayin.clearRequests());

  async function expectProcessedOnce(c: ChaosContact, answers: WebhookResponse[], variant: string): Promise<void> {
    const s = await h.waitFor(c.id, (st) => st.syncStatus === 'synced' && st.status === 'idle');
    const statuses = answers.map((a) => a.status);
    const writes = writeCalls(h.krayinCalls());
    figures[variant] = {
      answers: statuses,
      eventsReceived: s.eventsReceived,
      duplicatesIgnored: s.duplicatesIgnored,
      syncs: s.syncCount,
      writes: writes.length,
    };
    expect([...statuses].sort()).toEqual([200, 200, 202]);
    expect(answers.filter((a) => a.status === 200).map((a) => a.body.status)).toEqual(['duplicate', 'duplicate']);
    expect(s.eventsReceived).toBe(1);
    expect(s.syncCount).toBe(1);
    expect(writes).toEqual(ONE_SET_OF_WRITES);
    const audit = auditKrayin(h.krayin.snapshot(), [c], () => true);
    expect(audit.lossDetails).toEqual([]);
    expect(audit.duplicates).toBe(0);
  }

  it('one after the other, the third after the sync: processed once', async () => {
    const c = chaosContact(50_400, 'Chaos Twice Alpha GmbH');
    const first = await h.sendContact('contact_created', c, { deliveryId: 'chaos-delivery-50400' });
    const second = await h.sendContact('contact_created', c, { deliveryId: 'chaos-delivery-50400' });
    await h.waitFor(c.id, (st) => st.syncStatus === 'synced' && st.status === 'idle');
    const third = await h.sendContact('contact_created', c, { deliveryId: 'chaos-delivery-50400' });
    expect(first.status).toBe(202);
    await expectProcessedOnce(c, [first, second, third], 'sequential');
  });

  it('three at the same moment: processed once', async () => {
    const c = chaosContact(50_401, 'Chaos Twice Beta GmbH');
    h.chatwoot.upsertContact(c);
    const body = contactEventBody('contact_created', c);
    const answers = await Promise.all([1, 2, 3].map(() => h.post(body, { deliveryId: 'chaos-delivery-50401' })));
    await expectProcessedOnce(c, answers, 'concurrent');
  });

  it('without a delivery header, three byte-identical bodies: processed once', async () => {
    const c = chaosContact(50_402, 'Chaos Twice Gamma GmbH');
    h.chatwoot.upsertContact(c);
    const body = contactEventBody('contact_created', c);
    const send = () => postWebhook(h.ingestUrl, CONNECTION, body, { secret: WEBHOOK_SECRET, deliveryId: null });
    const answers = [await send(), ...(await Promise.all([send(), send()]))];
    expect(answers[0]!.status).toBe(202);
    expect(answers[0]!.body.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    await expectProcessedOnce(c, answers, 'no-delivery-header');
  });
});

const CONTACT = 50_500;
const CONVERSATIONS = [50_501, 50_502, 50_503];
const T0 = 1_781_946_843;

describe('chaos: 50 concurrent events for one contact', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ storeEngine: chaosStoreEngine(), sync: { leadPolicy: 'first_conversation' } });
  });
  afterAll(() => h?.close());

  it('1 person, 1 lead, 1 activity per conversation', async () => {
    const contact = chaosContact(CONTACT, 'Chaos Concurrent GmbH');
    h.chatwoot.upsertContact(contact);
    const messageIds = new Map<number, number[]>();
    for (const [i, id] of CONVERSATIONS.entries()) {
      h.chatwoot.upsertConversation({ id, contactId: CONTACT, inboxId: 3, created_at: T0 + i, status: 'open' });
      const ids: number[] = [];
      for (let m = 0; m < 5; m++) {
        const msg = h.chatwoot.addMessage(id, {
          message_type: m % 2 === 0 ? 'incoming' : 'outgoing',
          content: `Conversation ${id}, message ${m}`,
          created_at: T0 + i + m,
        });
        ids.push(msg.id);
      }
      messageIds.set(id, ids);
    }
    // The last conversation is resolved before the events arrive: its activity carries a transcript.
    h.chatwoot.upsertConversation({ id: CONVERSATIONS[2]!, contactId: CONTACT, status: 'resolved' });

    const sends: (() => Promise<WebhookResponse>)[] = [];
    sends.push(() => h.sendContact('contact_created', contact));
    for (let u = 1; u <= 14; u++) {
      // sendContact upserts the fake Chatwoot synchronously: the last name set here is the final state.
      const renamed = { ...contact, name: `Chaos Contact ${CONTACT} v${u}` };
      sends.push(() => h.sendContact('contact_updated', renamed));
    }
    for (const id of CONVERSATIONS) {
      const ids = { contactId: CONTACT, conversationId: id };
      sends.push(() => h.post(conversationWebhook('conversation_created', ids)));
      for (let k = 0; k < 4; k++) sends.push(() => h.post(conversationWebhook('conversation_updated', ids)));
      for (const messageId of messageIds.get(id)!) {
        sends.push(() => h.post(conversationWebhook('message_created', { ...ids, messageId })));
      }
    }
    for (let k = 0; k < 5; k++) {
      const ids = { contactId: CONTACT, conversationId: CONVERSATIONS[2]! };
      sends.push(() => h.post(conversationWebhook('conversation_status_changed', ids)));
    }
    expect(sends).toHaveLength(50);

    const answers = await Promise.all(sends.map((send) => send()));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    const finalName = `Chaos Contact ${CONTACT} v14`;

    const s = await h.waitFor(
      CONTACT,
      (st) => st.status === 'idle' && st.eventsReceived === 50 && st.syncStatus === 'synced',
      90_000,
    );
    const snap = h.krayin.snapshot();
    const audit = auditKrayin(snap, [{ ...contact, name: finalName }], () => true);
    const perConversation = CONVERSATIONS.map((id) => conversationActivities(snap, id).length);
    const calls = h.krayinCalls();
    reportFigures('concurrent-events', {
      events: answers.length,
      eventsReceived: s.eventsReceived,
      duplicatesIgnored: s.duplicatesIgnored,
      syncs: s.syncCount,
      krayinRequests: calls.length,
      writes: countBy(writeCalls(calls), (w) => w),
      persons: audit.persons,
      organizations: audit.organizations,
      leads: audit.leads,
      activitiesPerConversation: perConversation,
      duplicates: audit.duplicates + perConversation.reduce((n, k) => n + Math.max(0, k - 1), 0),
      losses: audit.losses + perConversation.filter((k) => k === 0).length,
    });

    expect(audit.lossDetails).toEqual([]);
    expect(audit.duplicates).toBe(0);
    expect(snap.persons).toHaveLength(1);
    expect(snap.persons[0]!.name).toBe(finalName);
    expect(snap.organizations).toHaveLength(1);
    expect(snap.leads).toHaveLength(1);
    expect(perConversation).toEqual([1, 1, 1]);
    const leadId = snap.leads[0]!.id;
    for (const id of CONVERSATIONS) expect(conversationActivities(snap, id)[0]!.lead_ids).toEqual([leadId]);
    const resolved = conversationActivities(snap, CONVERSATIONS[2]!)[0]!;
    expect(resolved.comment).toContain(`Conversation ${CONVERSATIONS[2]}, message 4`);
    expect(s.duplicatesIgnored).toBe(0);
  });
});
