/**
 * Two-way sync of leads (issue 12, "CRM facts in Chatwoot"; docs/two-way-sync.md), end to end: the real
 * service with two-way sync on, the Krayin poll and the contact workflows on the Temporal dev server, the
 * fake Krayin and the fake Chatwoot over HTTP, the fake Chatwoot sending its webhook for our own writes.
 * A stage move made in Krayin (through its REST API, as a sales user's tool would) reaches the Chatwoot
 * contact as the `crm_*` attributes and the stage's `crm-` label, leaves the agents' own labels alone, and
 * its echo costs no Krayin write.
 */
import { request } from 'undici';
import { CONNECTION, startHarness, WEBHOOK_SECRET, type Harness } from '../helpers/harness';
import { krayinPollOf } from '../helpers/krayin-poll';

jest.setTimeout(120_000);

const route = (c: { method: string; path: string }) => `${c.method} ${c.path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two-way sync of leads: CRM facts in Chatwoot', () => {
  let h: Harness;
  let leadId: number;
  const contactId = 7201;
  const contact = {
    id: contactId,
    name: 'Grace Hopper',
    email: 'grace.twoway@example.com',
    phone_number: '',
    additional_attributes: {},
    custom_attributes: {},
  };

  const poll = () => krayinPollOf(h);
  const pollNow = () => poll().pollNow();

  const attributes = () => h.chatwoot.state.contacts.get(contactId)?.custom_attributes ?? {};
  async function attributesUntil(pred: (a: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 60_000;
    while (!pred(attributes())) {
      if (Date.now() > deadline) throw new Error(`contact attributes never matched: ${JSON.stringify(attributes())}`);
      await sleep(100);
    }
    return attributes();
  }
  const krayinWrites = () =>
    h
      .krayinCalls()
      .filter((c) => c.method !== 'GET')
      .map(route);

  /** A sales user moves the lead in Krayin (the stage endpoint, as the kanban board does). */
  async function moveLeadInKrayin(stageCode: string): Promise<void> {
    const headers = { authorization: `Bearer ${h.krayin.token}`, accept: 'application/json' };
    const pipelines = await request(`${h.krayin.apiBase}/settings/pipelines`, { headers });
    const body = (await pipelines.body.json()) as { data: { stages: { id: number; code: string }[] }[] };
    const stage = body.data.flatMap((p) => p.stages).find((s) => s.code === stageCode)!;
    const res = await request(`${h.krayin.apiBase}/leads/stage/edit/${leadId}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ lead_pipeline_stage_id: stage.id }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
  }

  beforeAll(async () => {
    h = await startHarness({
      twoWay: { enabled: true, pollInterval: 'off' },
      crmFacts: { stageLabels: { Won: 'crm-won' } },
      sync: { leadPolicy: 'contact_created' },
    });
    h.chatwoot.setWebhook({ url: `${h.ingestUrl}/webhooks/chatwoot/${CONNECTION}`, secret: WEBHOOK_SECRET });
    await poll().started();
    expect((await h.sendContact('contact_created', contact)).status).toBe(202);
    await h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    leadId = (await h.store.links.getContact(CONNECTION, contactId))!.leadId!;
    // An agent's own label, which the service must never touch.
    h.chatwoot.state.contactLabels.set(contactId, ['vip']);
  });
  afterAll(() => h?.close());

  it('the lead the sync created is shown on the contact after the next poll', async () => {
    await pollNow();
    const a = await attributesUntil((x) => x.crm_lead_stage === 'New');
    expect(a).toMatchObject({ crm_lead_stage: 'New', crm_lead_url: expect.stringContaining(`/leads/view/${leadId}`) });
    expect(h.chatwoot.state.contactLabels.get(contactId)).toEqual(['vip']);
  });

  it('a stage move in Krayin reaches the attributes and the label; its echo writes nothing to Krayin', async () => {
    await h.waitFor(contactId, (s) => s.status === 'idle');
    h.krayin.clearRequests();
    await moveLeadInKrayin('won');
    await pollNow();
    await attributesUntil((x) => x.crm_lead_stage === 'Won');
    const deadline = Date.now() + 30_000;
    while (!h.chatwoot.state.contactLabels.get(contactId)?.includes('crm-won')) {
      if (Date.now() > deadline) throw new Error('the stage label never came');
      await sleep(100);
    }
    expect(h.chatwoot.state.contactLabels.get(contactId)).toEqual(['vip', 'crm-won']);
    // The contact_updated webhooks our attribute and label writes caused have been processed.
    await sleep(1_500);
    await h.waitFor(contactId, (s) => s.status === 'idle');
    expect(krayinWrites()).toEqual(['PUT /leads/stage/edit/{id}']);
  });

  it('a poll after that brings nothing new: no Chatwoot write', async () => {
    await h.waitFor(contactId, (s) => s.status === 'idle');
    const writesBefore = h.chatwoot.requests().filter((r) => r.method !== 'GET').length;
    await pollNow();
    await sleep(1_000);
    await h.waitFor(contactId, (s) => s.status === 'idle');
    expect(h.chatwoot.requests().filter((r) => r.method !== 'GET').length).toBe(writesBefore);
  });
});
