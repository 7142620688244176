/**
 * Krayin restored from an older backup (or reinstalled): the ids our links hold are handed out again
 * to OTHER customers' records. Reproduced (issue 8): a `replay --contact` sent PUT /contacts/persons/{id}
 * to the person that now belonged to someone else, who ended up with both customers' emails and the
 * other customer's organization. Expected: nothing of the other customers changes (byte for byte), the
 * contact gets its own records again (found by identity or created), every mismatch is audited
 * (`<type>.link_mismatch`, ids only), and a restore affecting many contacts alerts once per connection.
 */
import http from 'node:http';
import { KrayinClient } from '../../src/krayin/client';
import type { ContactLink } from '../../src/store/types';
import { conversationActivities, conversationWebhook } from '../chaos/helpers/chaos';
import type { FakeKrayinSnapshot } from '../fakes/krayin';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

type Kind = 'persons' | 'organizations' | 'leads' | 'activities';

function contact(id: number, company: string | null): ContactInput {
  return {
    id,
    name: `Restored Customer ${id}`,
    email: `restored.${id}@example.com`,
    phone_number: `+49151${id}${id}`,
    additional_attributes: company ? { company_name: company } : {},
    custom_attributes: {},
  };
}

/** Krayin hands out ids in order: create fillers until the next record gets `id`. */
async function fillUntil(h: Harness, kind: Kind, id: number, filler: () => Promise<unknown>): Promise<void> {
  const next = () => Math.max(0, ...h.krayin.snapshot()[kind].map((r) => r.id)) + 1;
  while (next() < id) await filler();
  expect(next()).toBe(id);
}

/** What Krayin holds of these records, as JSON text: "unchanged" means unchanged byte for byte. */
function recordsOf(snap: FakeKrayinSnapshot, ids: Partial<Record<Kind, number[]>>): string {
  return JSON.stringify(
    Object.entries(ids).map(([kind, list]) => snap[kind as Kind].filter((r) => list!.includes(r.id))),
  );
}

/** A contact synced, then its first conversation (one incoming message) synced: the links it left. */
async function syncWithConversation(h: Harness, who: ContactInput, conversationId: number): Promise<ContactLink> {
  const contactId = who.id;
  await h.sendContact('contact_created', who);
  await h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
  h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, status: 'open' });
  h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Hello there' });
  await h.post(conversationWebhook('conversation_created', { contactId, conversationId }));
  await h.waitFor(contactId, (s) => s.syncCount >= 2 && s.status === 'idle');
  return (await h.store.links.getContact('default', contactId))!;
}

/** The conversation resolved in Chatwoot, and the contact's workflow done with it. */
async function resolveAndSync(h: Harness, contactId: number, conversationId: number): Promise<void> {
  h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, status: 'resolved' });
  await h.post(conversationWebhook('conversation_status_changed', { contactId, conversationId }));
  await h.waitFor(contactId, (s) => s.syncCount >= 4 && s.status === 'idle' && s.syncStatus === 'synced', 60_000);
}

async function auditActions(h: Harness, contactId: number): Promise<string[]> {
  return (await h.store.audit.list('default', contactId, 200)).map((a) => a.action);
}

async function slackReceiver(): Promise<{ url: string; messages: { text: string }[]; close(): Promise<void> }> {
  const messages: { text: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      messages.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, messages, close: () => new Promise((r) => server.close(() => r())) };
}

describe('Krayin restored from an older backup', () => {
  it("replay --contact writes nothing to the person, organization and lead that are now another customer's", async () => {
    const h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    try {
      const alice = contact(4701, 'Alpha Restored GmbH');
      await h.sendContact('contact_created', alice);
      await h.waitFor(4701, (s) => s.syncStatus === 'synced' && s.status === 'idle');
      const old = (await h.store.links.getContact('default', 4701))!;
      expect(old).toMatchObject({ personId: expect.any(Number), organizationId: expect.any(Number) });
      expect(old.leadId).not.toBeNull();

      // Krayin restored to a state before Alice: her ids now belong to Bob of Beta Ltd.
      h.krayin.reset();
      const [pipeline] = await api.listPipelines();
      const stage = { lead_pipeline_id: pipeline!.id, lead_pipeline_stage_id: pipeline!.stages[0]!.id };
      let n = 0;
      await fillUntil(h, 'organizations', old.organizationId!, () => api.createOrganization({ name: `Filler ${++n}` }));
      const betaOrg = await api.createOrganization({ name: 'Beta Ltd' });
      const filler = () =>
        api.createPerson({
          name: `Filler ${++n}`,
          emails: [{ value: `filler.${n}@example.org`, label: 'work' }],
          contact_numbers: [],
        });
      await fillUntil(h, 'persons', old.personId!, filler);
      const bob = await api.createPerson({
        name: 'Bob Other',
        emails: [{ value: 'bob.other@example.org', label: 'work' }],
        contact_numbers: [{ value: '+4930555000', label: 'work' }],
        organization_id: betaOrg.id,
      });
      await fillUntil(h, 'leads', old.leadId!, async () =>
        api.createLead({ title: `Filler ${++n}`, ...stage }, { id: bob.id }),
      );
      const bobLead = await api.createLead({ title: 'Bob deal', ...stage }, { id: bob.id });
      expect([betaOrg.id, bob.id, bobLead.id]).toEqual([old.organizationId, old.personId, old.leadId]);
      const bobs = { persons: [bob.id], organizations: [betaOrg.id], leads: [bobLead.id] };
      const bobBefore = recordsOf(h.krayin.snapshot(), bobs);

      const res = await h.admin('POST', '/admin/connections/default/contacts/4701/replay');
      expect(res.status).toBe(202);
      await h.waitFor(4701, (s) => s.syncCount >= 2 && s.status === 'idle' && s.syncStatus === 'synced');

      const k = h.krayin.snapshot();
      expect(recordsOf(k, bobs)).toBe(bobBefore);
      const alicePersons = k.persons.filter((p) => JSON.stringify(p.emails).includes(alice.email!));
      expect(alicePersons).toHaveLength(1);
      const person = alicePersons[0]!;
      const org = k.organizations.find((o) => o.id === person.organization_id)!;
      expect(org.name).toBe('Alpha Restored GmbH');
      const lead = k.leads.find((l) => l.person_id === person.id)!;
      expect(lead).toBeDefined();
      expect(await h.store.links.getContact('default', 4701)).toMatchObject({
        personId: person.id,
        organizationId: org.id,
        leadId: lead.id,
      });
      const actions = await auditActions(h, 4701);
      expect(actions).toEqual(expect.arrayContaining(['organization.link_mismatch', 'person.link_mismatch']));
      const mismatch = (await h.store.audit.list('default', 4701, 200)).find(
        (a) => a.action === 'person.link_mismatch',
      );
      expect(mismatch?.detail).toEqual({ personId: bob.id });
    } finally {
      await api.close();
      await h.close();
    }
  });

  it("a conversation update writes nothing to the lead and activity that are now another customer's", async () => {
    const h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    try {
      const carol = contact(4711, null);
      const old = await syncWithConversation(h, carol, 4712);
      const oldActivity = (await h.store.conversations.get('default', 4712))!.activityId!;
      expect(conversationActivities(h.krayin.snapshot(), 4712).map((a) => a.id)).toEqual([oldActivity]);

      // Restored: Carol's person is back (same id, her email), but her lead and activity ids now
      // belong to Dave's deal and Dave's note.
      h.krayin.reset();
      const [pipeline] = await api.listPipelines();
      const stage = { lead_pipeline_id: pipeline!.id, lead_pipeline_stage_id: pipeline!.stages[0]!.id };
      let n = 0;
      const filler = () =>
        api.createPerson({
          name: `Filler ${++n}`,
          emails: [{ value: `filler.${n}@example.org`, label: 'work' }],
          contact_numbers: [],
        });
      await fillUntil(h, 'persons', old.personId!, filler);
      await api.createPerson({
        name: carol.name!,
        emails: [{ value: carol.email!, label: 'work' }],
        contact_numbers: [{ value: carol.phone_number!, label: 'work' }],
      });
      const dave = await api.createPerson({
        name: 'Dave Other',
        emails: [{ value: 'dave.other@example.org', label: 'work' }],
        contact_numbers: [],
      });
      // Activity ids first: every lead create adds system activities of its own.
      await fillUntil(h, 'activities', oldActivity, async () =>
        api.createActivity({ type: 'note', title: `Filler ${++n}`, comment: 'x', person_id: dave.id }),
      );
      const daveNote = await api.createActivity({
        type: 'note',
        title: 'Call Dave back',
        comment: 'Dave wants a quote',
        person_id: dave.id,
      });
      await fillUntil(h, 'leads', old.leadId!, async () =>
        api.createLead({ title: `Filler ${++n}`, ...stage }, { id: dave.id }),
      );
      const daveLead = await api.createLead({ title: 'Dave deal', ...stage }, { id: dave.id });
      expect([daveLead.id, daveNote.id]).toEqual([old.leadId, oldActivity]);
      const daves = { persons: [dave.id], leads: [daveLead.id], activities: [daveNote.id] };
      const daveBefore = recordsOf(h.krayin.snapshot(), daves);

      await resolveAndSync(h, 4711, 4712);

      const k = h.krayin.snapshot();
      expect(recordsOf(k, daves)).toBe(daveBefore);
      const carolLead = k.leads.find((l) => l.person_id === old.personId)!;
      expect(carolLead).toBeDefined();
      const activities = conversationActivities(k, 4712);
      expect(activities).toHaveLength(1);
      expect(activities[0]!.lead_ids).toEqual([carolLead.id]);
      expect(await h.store.links.getContact('default', 4711)).toMatchObject({
        personId: old.personId,
        leadId: carolLead.id,
      });
      const actions = await auditActions(h, 4711);
      expect(actions.filter((a) => a === 'activity.link_mismatch')).toHaveLength(1);
      expect(actions.filter((a) => a === 'lead.link_mismatch')).toHaveLength(1);
      expect(actions).not.toContain('person.link_mismatch');
    } finally {
      await api.close();
      await h.close();
    }
  });

  it("without a lead, a conversation is not written to the timeline of a person that is now another customer's", async () => {
    const h = await startHarness({ sync: { leadPolicy: 'never' } });
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    try {
      const gina = contact(4741, null);
      const old = await syncWithConversation(h, gina, 4742);
      expect(conversationActivities(h.krayin.snapshot(), 4742)[0]!.person_ids).toEqual([old.personId]);

      // Restored before Gina: her person id is Hank's now.
      h.krayin.reset();
      let n = 0;
      await fillUntil(h, 'persons', old.personId!, () =>
        api.createPerson({
          name: `Filler ${++n}`,
          emails: [{ value: `filler.${n}@example.org`, label: 'work' }],
          contact_numbers: [],
        }),
      );
      const hank = await api.createPerson({
        name: 'Hank Other',
        emails: [{ value: 'hank.other@example.org', label: 'work' }],
        contact_numbers: [],
      });
      expect(hank.id).toBe(old.personId);
      const hankBefore = recordsOf(h.krayin.snapshot(), { persons: [hank.id] });

      await resolveAndSync(h, 4741, 4742);

      const k = h.krayin.snapshot();
      expect(recordsOf(k, { persons: [hank.id] })).toBe(hankBefore);
      expect(k.activities.filter((a) => a.type !== 'system' && a.person_ids.includes(hank.id))).toEqual([]);
      const ginas = k.persons.filter((p) => JSON.stringify(p.emails).includes(gina.email!));
      expect(ginas).toHaveLength(1);
      expect(conversationActivities(k, 4742).map((a) => a.person_ids)).toEqual([[ginas[0]!.id]]);
      expect(await auditActions(h, 4741)).toContain('person.link_mismatch');
    } finally {
      await api.close();
      await h.close();
    }
  });

  it("the assignee's owner is not written to a lead that is now another customer's", async () => {
    const h = await startHarness({ sync: { leadPolicy: 'contact_created' } });
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    h.chatwoot.upsertUser({ id: 7, name: 'Max Mustermann', available_name: 'Max', email: 'ADMIN@example.com' });
    try {
      const erin = contact(4731, null);
      const old = await syncWithConversation(h, erin, 4732);
      const oldActivity = (await h.store.conversations.get('default', 4732))!.activityId!;

      // Restored: Erin's person and conversation activity are back, her lead id is Frank's deal now.
      h.krayin.reset();
      const [pipeline] = await api.listPipelines();
      const stage = { lead_pipeline_id: pipeline!.id, lead_pipeline_stage_id: pipeline!.stages[0]!.id };
      let n = 0;
      const filler = () =>
        api.createPerson({
          name: `Filler ${++n}`,
          emails: [{ value: `filler.${n}@example.org`, label: 'work' }],
          contact_numbers: [],
        });
      await fillUntil(h, 'persons', old.personId!, filler);
      const erinPerson = await api.createPerson({
        name: erin.name!,
        emails: [{ value: erin.email!, label: 'work' }],
        contact_numbers: [{ value: erin.phone_number!, label: 'work' }],
      });
      const frank = await api.createPerson({
        name: 'Frank Other',
        emails: [{ value: 'frank.other@example.org', label: 'work' }],
        contact_numbers: [],
      });
      await fillUntil(h, 'activities', oldActivity, async () =>
        api.createActivity({ type: 'note', title: `Filler ${++n}`, comment: 'x', person_id: frank.id }),
      );
      const accountId = h.config.connections[0]!.chatwoot.accountId;
      await api.createActivity({
        type: 'note',
        title: 'Conversation',
        comment: 'restored',
        additional: { chatwoot: { conversation: 4732, account: accountId } },
        person_id: erinPerson.id,
      });
      await fillUntil(h, 'leads', old.leadId!, async () =>
        api.createLead({ title: `Filler ${++n}`, ...stage }, { id: frank.id }),
      );
      const frankLead = await api.createLead({ title: 'Frank deal', ...stage }, { id: frank.id });
      expect([erinPerson.id, frankLead.id]).toEqual([old.personId, old.leadId]);
      const franks = { persons: [frank.id], leads: [frankLead.id] };
      const frankBefore = recordsOf(h.krayin.snapshot(), franks);
      h.krayin.clearRequests();

      h.chatwoot.upsertConversation({ id: 4732, contactId: 4731, assigneeId: 7 });
      await h.post(conversationWebhook('conversation_updated.assignee', { contactId: 4731, conversationId: 4732 }));
      await h.waitFor(4731, (s) => s.syncCount >= 3 && s.status === 'idle' && s.syncStatus === 'synced');

      expect(recordsOf(h.krayin.snapshot(), franks)).toBe(frankBefore);
      expect(h.krayinCalls().filter((c) => c.method !== 'GET' && c.path.startsWith('/leads'))).toEqual([]);
      expect((await h.store.links.getContact('default', 4731))?.leadId).toBeNull();
      expect(await auditActions(h, 4731)).toContain('lead.link_mismatch');
      // The contact's hash is cleared: its next sync re-verifies its person and finds or creates its lead.
      expect((await h.store.syncState.get('default', 4731))?.lastHash).toBeNull();
    } finally {
      await api.close();
      await h.close();
    }
  });

  it('reset in the middle of a run: other customers stay untouched, every contact relinks, one alert', async () => {
    const slack = await slackReceiver();
    const h = await startHarness({
      sync: { leadPolicy: 'contact_created' },
      service: { notifications: { slack: { webhookUrl: slack.url } } },
    });
    const api = new KrayinClient({ baseUrl: h.krayin.apiBase, token: h.krayin.token, timezone: 'UTC' });
    const ids = [4721, 4722, 4723, 4724, 4725, 4726];
    try {
      for (const id of ids) await h.sendContact('contact_created', contact(id, `Company ${id}`));
      for (const id of ids) await h.waitFor(id, (s) => s.syncStatus === 'synced' && s.status === 'idle', 60_000);

      // Updates are in flight when Krayin is restored and other customers' records take the ids.
      for (const id of ids)
        await h.sendContact('contact_updated', { ...contact(id, `Company ${id}`), name: `Moved ${id}` });
      h.krayin.reset();
      const [pipeline] = await api.listPipelines();
      const stage = { lead_pipeline_id: pipeline!.id, lead_pipeline_stage_id: pipeline!.stages[0]!.id };
      const others = { persons: [] as number[], organizations: [] as number[], leads: [] as number[] };
      for (let i = 1; i <= ids.length + 2; i++) {
        const org = await api.createOrganization({ name: `Other Company ${i}` });
        const person = await api.createPerson({
          name: `Other Customer ${i}`,
          emails: [{ value: `other.${i}@example.org`, label: 'work' }],
          contact_numbers: [{ value: `+4930000${i}`, label: 'work' }],
          organization_id: org.id,
        });
        const lead = await api.createLead({ title: `Other deal ${i}`, ...stage }, { id: person.id });
        others.organizations.push(org.id);
        others.persons.push(person.id);
        others.leads.push(lead.id);
      }
      const othersBefore = recordsOf(h.krayin.snapshot(), others);

      // Whatever synced before the restore holds ids that are now the others': the next change finds out.
      const counts = await Promise.all(ids.map(async (id) => (await h.status(id)).syncCount));
      for (const id of ids)
        await h.sendContact('contact_updated', { ...contact(id, `Company ${id}`), name: `Final ${id}` });
      const finalWritten = (id: number) =>
        h.krayin
          .snapshot()
          .persons.some((p) => p.name === `Final ${id}` && JSON.stringify(p.emails).includes(`restored.${id}@`));
      for (const [i, id] of ids.entries()) {
        await h.waitFor(
          id,
          (s) => s.syncCount > counts[i]! && s.status === 'idle' && s.syncStatus === 'synced' && finalWritten(id),
          90_000,
        );
      }

      const k = h.krayin.snapshot();
      expect(recordsOf(k, others)).toBe(othersBefore);
      for (const id of ids) {
        const mine = k.persons.filter((p) => JSON.stringify(p.emails).includes(`restored.${id}@example.com`));
        expect(mine).toHaveLength(1);
        expect(mine[0]!.name).toBe(`Final ${id}`);
        expect(others.persons).not.toContain(mine[0]!.id);
        const org = k.organizations.find((o) => o.id === mine[0]!.organization_id);
        expect(org?.name).toBe(`Company ${id}`);
        expect((await h.store.links.getContact('default', id))?.personId).toBe(mine[0]!.id);
      }
      const mismatches = (await Promise.all(ids.map((id) => auditActions(h, id))))
        .flat()
        .filter((a) => a.endsWith('.link_mismatch'));
      expect(mismatches.length).toBeGreaterThanOrEqual(3);
      const deadline = Date.now() + 30_000;
      while (!slack.messages.some((m) => m.text.includes('now belong to other customers')) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const alerts = slack.messages.filter((m) => m.text.includes('now belong to other customers'));
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.text).toMatch(/restored from a backup/);
      expect(JSON.stringify(slack.messages)).not.toMatch(/example\.(com|org)|Other Customer|Restored Customer/);
    } finally {
      await api.close();
      await h.close();
      await slack.close();
    }
  });
});
