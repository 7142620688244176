/**
 * CRM facts in Chatwoot end to end through the two activities, against both fakes over HTTP and a real
 * store (PGlite, and Postgres when reachable): readLeadForChatwoot reads the lead from the fake Krayin
 * (APP_TIMEZONE Asia/Kolkata, so the close-date quirk is real), applyLeadToChatwoot writes the `crm_*`
 * attributes (definitions created first), the stage label and the change note to the fake Chatwoot,
 * only what changed; the contact_updated echo it causes plans no Krayin write.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities, type ActivitySets } from '../../activities';
import type { ReadLeadForChatwootResult } from '../../activities/two-way-contracts';
import { appConfigSchema, type AppConfig } from '../../src/config/schema';
import type { KrayinClient } from '../../src/krayin/client';
import { createConnectionRegistry, krayinClientFor } from '../../src/sync/create-registry';
import { isCrmFactsEcho, type LeadFacts } from '../../src/two-way/lead-attributes';
import { startFakeChatwoot, type FakeChatwoot } from '../fakes/chatwoot';
import { startFakeKrayin, type FakeKrayin } from '../fakes/krayin';
import { storeEngines, type TestStore } from '../helpers/databases';

jest.setTimeout(120_000);

const CONNECTION = 'default';
const CONTACT = 1042;
const OPEN_CONVERSATION = 91;
const STAGE = { negotiation: 4, won: 5 };

/** Records every webhook the fake Chatwoot sends (the echo of our writes). */
async function webhookReceiver() {
  const received: Record<string, unknown>[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/chatwoot/default`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe.each(storeEngines().map((e) => [e.name, e] as const))('CRM facts in Chatwoot on %s', (_name, engine) => {
  let t: TestStore;
  let krayin: FakeKrayin;
  let chatwoot: FakeChatwoot;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
  let config: AppConfig;
  let kc: KrayinClient;
  let personId: number;

  beforeAll(async () => {
    t = await engine.open();
    await t.store.migrate();
    krayin = await startFakeKrayin({ rateLimit: 0, timezone: 'Asia/Kolkata' });
    receiver = await webhookReceiver();
    chatwoot = await startFakeChatwoot({ webhook: { url: receiver.url } });
    config = appConfigSchema.parse({
      connections: [
        {
          id: CONNECTION,
          krayin: { url: krayin.apiBase, token: krayin.token, timezone: 'Asia/Kolkata' },
          chatwoot: {
            url: chatwoot.url,
            accountId: chatwoot.accountId,
            apiToken: chatwoot.apiToken,
            webhookSecret: 's',
          },
          crmFacts: { stageLabels: { Won: 'crm-won', negotiation: 'crm-hot' }, stageNotes: true },
        },
      ],
    });
    kc = krayinClientFor(config.connections[0]!);
    personId = (
      await kc.createPerson({
        name: 'Jane Doe',
        emails: [{ value: 'jane@example.com', label: 'work' }],
        contact_numbers: [],
      })
    ).id;
  });
  afterAll(async () => {
    await kc?.close();
    await chatwoot?.close();
    await receiver?.close();
    await krayin?.close();
    await t?.dispose();
  });

  /** A fresh process's activities (its definitions cache empty). */
  const activities = (): ActivitySets =>
    createActivities({ store: t.store, connections: createConnectionRegistry(config) });

  async function newLead(stageId: number): Promise<number> {
    const lead = await kc.createLead(
      {
        title: 'Acme deal',
        lead_value: 2500.5,
        lead_pipeline_stage_id: stageId,
        user_id: 1,
        expected_close_date: '2030-01-15',
      },
      { id: personId },
    );
    return lead.id;
  }

  function freshContact(id: number) {
    chatwoot.upsertContact({ id, name: 'Jane', email: `jane${id}@example.com`, custom_attributes: { tier: 'gold' } });
    chatwoot.state.contactLabels.set(id, ['vip']);
  }

  async function read(acts: ActivitySets, contactId: number, leadId: number): Promise<ReadLeadForChatwootResult> {
    return acts.krayin.readLeadForChatwoot({ connectionId: CONNECTION, contactId, leadId });
  }

  async function found(acts: ActivitySets, contactId: number, leadId: number): Promise<LeadFacts> {
    const result = await read(acts, contactId, leadId);
    if (result.kind !== 'found') throw new Error(`expected the lead, got ${result.kind}`);
    return result.facts;
  }

  const writes = () => chatwoot.requests().filter((r) => r.method !== 'GET');
  const notes = (conversationId: number) =>
    chatwoot.state
      .messagesOf(conversationId)
      .filter((m) => m.private)
      .map((m) => m.content);

  it('first write: definitions, every attribute, the stage label; no note; then nothing while the lead is the same', async () => {
    freshContact(CONTACT);
    chatwoot.upsertConversation({ id: OPEN_CONVERSATION, contactId: CONTACT, status: 'open' });
    const leadId = await newLead(STAGE.negotiation);
    await t.store.links.upsertContact(CONNECTION, CONTACT, { personId, leadId });
    const acts = activities();

    const facts = await found(acts, CONTACT, leadId);
    // Krayin (IST) answers 2030-01-14T18:30Z for the 15th: the contact shows the 15th.
    expect(facts).toMatchObject({ stageName: 'Negotiation', value: 2500.5, expectedClose: '2030-01-15', ownerId: 1 });
    const input = { connectionId: CONNECTION, contactId: CONTACT, leadId, facts };
    await expect(acts.chatwoot.applyLeadToChatwoot(input)).resolves.toEqual({
      kind: 'applied',
      attributesWritten: 6,
      labelsChanged: true,
      noteWritten: false,
    });

    expect(chatwoot.state.attributeDefinitions.map((d) => [d.attribute_key, d.attribute_display_type])).toEqual([
      ['crm_lead_stage', 'text'],
      ['crm_pipeline', 'text'],
      ['crm_lead_value', 'number'],
      ['crm_lead_owner', 'text'],
      ['crm_expected_close', 'date'],
      ['crm_lead_url', 'link'],
    ]);
    expect(chatwoot.state.contacts.get(CONTACT)!.custom_attributes).toEqual({
      tier: 'gold',
      crm_lead_stage: 'Negotiation',
      crm_pipeline: 'Default Pipeline',
      crm_lead_value: 2500.5,
      crm_lead_owner: facts.ownerName,
      crm_expected_close: '2030-01-15',
      crm_lead_url: `${krayin.url}/admin/leads/view/${leadId}`,
    });
    expect(chatwoot.state.contactLabels.get(CONTACT)).toEqual(['vip', 'crm-hot']);
    expect(notes(OPEN_CONVERSATION)).toEqual([]);

    // Nothing changed in Krayin: not one Chatwoot call.
    chatwoot.clearRequests();
    await expect(acts.chatwoot.applyLeadToChatwoot(input)).resolves.toEqual({ kind: 'unchanged' });
    expect(chatwoot.requests()).toEqual([]);
  });

  it('a stage move: only the changed attribute, the label swapped (agent labels kept), a private note in the open conversation', async () => {
    const leadId = (await t.store.links.getContact(CONNECTION, CONTACT))!.leadId!;
    await kc.moveLeadStage(leadId, STAGE.won);
    const acts = activities();
    const facts = await found(acts, CONTACT, leadId);
    chatwoot.clearRequests();
    receiver.received.splice(0);

    await expect(
      acts.chatwoot.applyLeadToChatwoot({ connectionId: CONNECTION, contactId: CONTACT, leadId, facts }),
    ).resolves.toEqual({ kind: 'applied', attributesWritten: 1, labelsChanged: true, noteWritten: true });
    expect(chatwoot.state.contacts.get(CONTACT)!.custom_attributes).toMatchObject({ crm_lead_stage: 'Won' });
    expect(chatwoot.state.contactLabels.get(CONTACT)).toEqual(['vip', 'crm-won']);
    expect(notes(OPEN_CONVERSATION)).toEqual([
      `CRM: lead moved to Won (Default Pipeline), owner ${facts.ownerName}\n${krayin.url}/admin/leads/view/${leadId}`,
    ]);
    // The definitions existed: listed once by this new process, none created.
    expect(writes().map((r) => `${r.method} ${r.path.replace(/^\/api\/v1\/accounts\/\d+/, '')}`)).toEqual([
      `PATCH /contacts/${CONTACT}`,
      `POST /contacts/${CONTACT}/labels`,
      `POST /conversations/${OPEN_CONVERSATION}/messages`,
    ]);

    // The echo of each write: the forward path recognises the contact_updated ones as ours.
    const stored = await t.store.crmFacts.get(CONNECTION, CONTACT);
    const contactUpdates = receiver.received.filter((w) => w.event === 'contact_updated');
    expect(contactUpdates).toHaveLength(2);
    for (const w of contactUpdates) {
      expect(isCrmFactsEcho(w.changed_attributes as Record<string, never>[], stored)).toBe(true);
    }
    expect(receiver.received.map((w) => w.event)).toEqual(['contact_updated', 'contact_updated', 'message_created']);
  });

  it('the contact_updated echo plans no Krayin write: the synced contact still plans "unchanged"', async () => {
    const contactId = 2001;
    freshContact(contactId);
    const leadId = await newLead(STAGE.negotiation);
    await t.store.links.upsertContact(CONNECTION, contactId, { personId, leadId });
    const acts = activities();
    const plan = await acts.chatwoot.planContactSync({ connectionId: CONNECTION, contactId, force: false });
    if (plan.kind !== 'sync') throw new Error(`expected a sync plan, got ${plan.kind}`);
    await t.store.syncState.markSynced(CONNECTION, contactId, plan.hash, new Date());
    const input = { connectionId: CONNECTION, contactId, force: false };
    expect((await acts.chatwoot.planContactSync(input)).kind).toBe('unchanged');

    const facts = await found(acts, contactId, leadId);
    const applied = await acts.chatwoot.applyLeadToChatwoot({ connectionId: CONNECTION, contactId, leadId, facts });
    expect(applied.kind).toBe('applied');
    expect((await acts.chatwoot.planContactSync(input)).kind).toBe('unchanged');
  });

  it('a cleared close date removes the attribute instead of writing null', async () => {
    const leadId = (await t.store.links.getContact(CONNECTION, CONTACT))!.leadId!;
    const acts = activities();
    const facts = { ...(await found(acts, CONTACT, leadId)), expectedClose: null };
    await expect(
      acts.chatwoot.applyLeadToChatwoot({ connectionId: CONNECTION, contactId: CONTACT, leadId, facts }),
    ).resolves.toMatchObject({ kind: 'applied', attributesWritten: 1, labelsChanged: false, noteWritten: false });
    expect(chatwoot.state.contacts.get(CONTACT)!.custom_attributes).not.toHaveProperty('crm_expected_close');
  });

  it('lead_gone for a deleted lead, not_ours for a lead of another person, contact_gone for a contact Chatwoot lost', async () => {
    const acts = activities();
    expect(await read(acts, CONTACT, 999_999)).toEqual({ kind: 'lead_gone' });
    const other = await kc.createPerson({
      name: 'Other',
      emails: [{ value: 'other@example.com', label: 'work' }],
      contact_numbers: [],
    });
    const foreign = await kc.createLead(
      { title: 'Not Jane', lead_pipeline_stage_id: STAGE.negotiation },
      { id: other.id },
    );
    expect(await read(acts, CONTACT, foreign.id)).toEqual({ kind: 'not_ours' });
    expect(await read(acts, 4242, foreign.id)).toEqual({ kind: 'not_ours' }); // no link at all

    const contactId = 3003;
    const leadId = await newLead(STAGE.won);
    await t.store.links.upsertContact(CONNECTION, contactId, { personId, leadId });
    const facts = await found(acts, contactId, leadId);
    await expect(
      acts.chatwoot.applyLeadToChatwoot({ connectionId: CONNECTION, contactId, leadId, facts }),
    ).resolves.toEqual({ kind: 'contact_gone' });
    expect(await t.store.crmFacts.get(CONNECTION, contactId)).toBeNull();
  });

  it('a definition another worker created between the list and the create (422 "already been taken") counts as created', async () => {
    const contactId = 4004;
    freshContact(contactId);
    const leadId = await newLead(STAGE.negotiation);
    await t.store.links.upsertContact(CONNECTION, contactId, { personId, leadId });
    // Every definition exists, but the list this process reads still misses them (the other create was later).
    chatwoot.addFaults({ method: 'GET', path: /custom_attribute_definitions$/, status: 200, body: [], times: 1 });
    const acts = activities();
    const facts = await found(acts, contactId, leadId);
    chatwoot.clearRequests();
    await expect(
      acts.chatwoot.applyLeadToChatwoot({ connectionId: CONNECTION, contactId, leadId, facts }),
    ).resolves.toMatchObject({ kind: 'applied', attributesWritten: 6 });
    const creates = chatwoot
      .requests()
      .filter((r) => r.method === 'POST' && r.path.endsWith('/custom_attribute_definitions'));
    expect(creates.map((r) => r.status)).toEqual([422, 422, 422, 422, 422, 422]);
    expect(chatwoot.state.attributeDefinitions).toHaveLength(6);
  });

  it('the Krayin read goes through the Krayin client only: the Chatwoot fake sees nothing of it', async () => {
    const leadId = (await t.store.links.getContact(CONNECTION, CONTACT))!.leadId!;
    chatwoot.clearRequests();
    krayin.clearRequests();
    await found(activities(), CONTACT, leadId);
    expect(chatwoot.requests()).toEqual([]);
    expect(krayin.requests().map((r) => `${r.method} ${r.path}`)).toContain(`GET /leads/${leadId}`);
  });
});
