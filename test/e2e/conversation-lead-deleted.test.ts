/**
 * Sales deleted the contact's lead in Krayin. The contact itself is unchanged, so its sync writes
 * nothing and keeps the stored lead id; the next conversation must not be linked to the dead lead
 * (Krayin inserts the activity, then fails linking it: every retry would leave another orphan,
 * src/krayin/README.md §10). Expected: the lead link is forgotten, the contact gets a lead again, and the
 * conversation is one activity on it.
 */
import { KrayinClient } from '../../src/krayin/client';
import { anyJson } from '../../src/krayin/schemas';
import { conversationActivities, conversationWebhook } from '../chaos/helpers/chaos';
import { startHarness } from '../helpers/harness';

const CONTACT = 4601;
const CONVERSATION = 4602;

describe('a lead deleted in Krayin', () => {
  it('is not written to: the contact gets a lead again and the conversation one activity on it', async () => {
    const h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    try {
      const contact = {
        id: CONTACT,
        name: 'Deleted Lead Dora',
        email: 'dora.4601@example.com',
        additional_attributes: {},
        custom_attributes: {},
      };
      await h.sendContact('contact_created', contact);
      await h.waitFor(CONTACT, (s) => s.syncStatus === 'synced' && s.status === 'idle');
      const [deleted] = h.krayin.snapshot().leads;
      await api.requestJson(
        { method: 'DELETE', endpoint: 'DELETE /leads/{id}', path: `/leads/${deleted!.id}` },
        anyJson,
      );
      expect(h.krayin.snapshot().leads).toEqual([]);

      h.chatwoot.upsertConversation({ id: CONVERSATION, contactId: CONTACT, inboxId: 3, status: 'open' });
      h.chatwoot.addMessage(CONVERSATION, { message_type: 'incoming', content: 'Hello again' });
      const res = await h.post(
        conversationWebhook('conversation_created', { contactId: CONTACT, conversationId: CONVERSATION }),
      );
      expect(res.status).toBe(202);
      await h.waitFor(CONTACT, (s) => s.status === 'idle' && s.syncStatus === 'synced' && s.syncCount >= 3, 60_000);

      const k = h.krayin.snapshot();
      expect(k.leads).toHaveLength(1);
      const lead = k.leads[0]!;
      expect(lead.id).not.toBe(deleted!.id);
      const activities = conversationActivities(k, CONVERSATION);
      expect(activities).toHaveLength(1);
      expect(activities[0]!.lead_ids).toEqual([lead.id]);
      // No activity of ours anywhere else (an orphan left by a failed link to the dead lead).
      expect(
        k.activities.filter((a) => a.type !== 'system' && a.lead_ids.length === 0 && a.person_ids.length === 0),
      ).toEqual([]);
      expect((await h.store.links.getContact('default', CONTACT))?.leadId).toBe(lead.id);
    } finally {
      await api.close();
      await h.close();
    }
  });
});
