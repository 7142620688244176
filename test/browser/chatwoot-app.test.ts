/**
 * The CRM panel inside Chatwoot (src/chatwoot-app), in real Chromium against the real service: the fake
 * Chatwoot serves the conversation view that frames the dashboard app and posts it the appContext, as
 * Chatwoot's Frame.vue does. The panel shows the contact's Krayin person, lead and activities; "Sync now"
 * reaches the contact's workflow; a forged context (another contact with this conversation) is refused;
 * a message from another origin is ignored; ids cannot be swapped behind the context token.
 */
import http from 'node:http';
import type { Browser, Page, Request as PwRequest } from 'playwright-core';
import { request } from 'undici';
import { conversationWebhook } from '../chaos/helpers/chaos';
import { TemporalDispatcher } from '../../src/temporal/dispatcher';
import { startHarness, type Harness } from '../helpers/harness';
import { docScreenshot, launchChromium, laptopPage } from './helpers/browser';

const APP_TOKEN = 'PanelToken_0123456789abcdefXYZ';
const JANE = 5101;
const OTHER = 5102;
const JANE_CONVERSATION = 5111;
const OTHER_CONVERSATION = 5112;
/** Synced with no conversation webhook yet: a person without a lead (lead policy first_conversation). */
const NOLEAD = 5103;
const NOLEAD_CONVERSATION = 5113;
const TWICE = 5104;
/** The Chatwoot agent CHATWOOT_DASHBOARD_APP_BACKWARD_MOVES names (by email). */
const BACKWARD_AGENT = 7;
const TWICE_CONVERSATION = 5114;

let h: Harness;
let browser: Browser;
let sibling: { url: string; close(): Promise<void> };

function appUrl(token = APP_TOKEN): string {
  return `${h.ingestUrl}/chatwoot-app/default/${token}/`;
}

function conversationUrl(id: number, query = ''): string {
  return `${h.chatwoot.url}/app/accounts/${h.chatwoot.accountId}/conversations/${id}${query}`;
}

async function syncWithConversation(contactId: number, conversationId: number, name: string, company: string) {
  await h.sendContact('contact_created', {
    id: contactId,
    name,
    email: `${name.split(' ')[0]!.toLowerCase()}.${contactId}@example.com`,
    phone_number: `+4915155${contactId}`,
    additional_attributes: { company_name: company },
    custom_attributes: {},
  });
  await h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
  h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, status: 'open' });
  h.chatwoot.addMessage(conversationId, { message_type: 'incoming', content: 'Hello, I would like an offer.' });
  await h.post(conversationWebhook('conversation_created', { contactId, conversationId }));
  await h.waitFor(contactId, (s) => s.syncCount >= 2 && s.status === 'idle' && s.syncStatus === 'synced');
}

/** A contact synced to a Krayin person, with a conversation Chatwoot knows but no lead yet; its person id. */
async function personWithoutLead(contactId: number, conversationId: number, name: string): Promise<number> {
  await h.sendContact('contact_created', {
    id: contactId,
    name,
    email: `${name.split(' ')[0]!.toLowerCase()}.${contactId}@example.com`,
    phone_number: `+4915155${contactId}`,
    additional_attributes: {},
    custom_attributes: {},
  });
  await h.waitFor(contactId, (s) => s.syncStatus === 'synced' && s.status === 'idle');
  // In Chatwoot only (no webhook): the policy (first_conversation) has not made a lead.
  h.chatwoot.upsertConversation({ id: conversationId, contactId, inboxId: 3, status: 'open' });
  const link = (await h.store.links.getContact('default', contactId))!;
  expect(link.leadId).toBeNull();
  return link.personId!;
}

/** A page of another origin (localhost instead of 127.0.0.1) that posts a forged appContext to the app's frame. */
async function startSibling(): Promise<{ url: string; close(): Promise<void> }> {
  const forged = JSON.stringify({
    event: 'appContext',
    data: { conversation: { id: OTHER_CONVERSATION, meta: { sender: { id: OTHER } } }, contact: { id: OTHER } },
  });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><html><body><script>
      var forged = ${JSON.stringify(forged)};
      var n = 0;
      var timer = setInterval(function () {
        try { window.parent.frames[0].postMessage(forged, '*'); } catch (e) {}
        if (++n > 40) clearInterval(timer);
      }, 100);
    </script></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://localhost:${port}/forge`,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** The bodies of the app's POST /context requests (what it asked the server to open). */
function contextRequests(page: Page): { conversationId: number; contactId: number }[] {
  const seen: { conversationId: number; contactId: number }[] = [];
  page.on('request', (r: PwRequest) => {
    if (r.method() === 'POST' && r.url().endsWith('/context')) seen.push(JSON.parse(r.postData() ?? '{}'));
  });
  return seen;
}

beforeAll(async () => {
  h = await startHarness({
    sync: { leadPolicy: 'first_conversation' },
    // Agent 1 (the fake dashboard's current agent) is not named: forward only for the browser tests.
    dashboardApp: { token: APP_TOKEN, backwardMoves: 'lead-manager@example.com, administrator' },
  });
  h.chatwoot.upsertUser({ id: 1, name: 'Agent Smith', available_name: 'Agent Smith', email: 'agent@example.com' });
  h.chatwoot.upsertUser({
    id: BACKWARD_AGENT,
    name: 'Lea Lead',
    available_name: 'Lea',
    email: 'Lead-Manager@Example.com',
  });
  h.chatwoot.integrations.dashboardApps.set(1, {
    id: 1,
    title: 'Krayin CRM',
    content: [{ type: 'frame', url: appUrl() }],
    created_at: new Date().toISOString(),
    show_on_sidebar: false,
  });
  await syncWithConversation(JANE, JANE_CONVERSATION, 'Jane Panel', 'Panel Works GmbH');
  await syncWithConversation(OTHER, OTHER_CONVERSATION, 'Otto Other', 'Other Corp');
  browser = await launchChromium();
  sibling = await startSibling();
}, 180_000);

afterAll(async () => {
  await sibling?.close();
  await browser?.close();
  await h?.close();
});

describe('the CRM panel in a Chatwoot conversation', () => {
  it("shows the contact's Krayin person, organization, lead and activities, with links into Krayin", async () => {
    const page = await laptopPage(browser);
    const asked = contextRequests(page);
    await page.goto(conversationUrl(JANE_CONVERSATION));
    const app = page.frameLocator('iframe.dashboard-app');
    await app.getByText('Jane Panel', { exact: true }).waitFor({ timeout: 15_000 });
    await expect(app.getByRole('heading', { name: 'Lead' }).isVisible()).resolves.toBe(true);
    await expect(app.getByText('Panel Works GmbH').isVisible()).resolves.toBe(true);
    await expect(app.getByRole('row', { name: /^Stage / }).textContent()).resolves.toMatch(/Stage\s+.+\(.+\)/);
    await expect(app.getByText('In sync').isVisible()).resolves.toBe(true);
    // The conversation's activity is among the last activities (a table with headers).
    await expect(app.getByRole('columnheader', { name: 'When' }).isVisible()).resolves.toBe(true);
    expect(await app.locator('section[aria-labelledby="cw-activities"] tbody tr').count()).toBeGreaterThan(0);
    const leadId = (await h.store.links.getContact('default', JANE))!.leadId!;
    const leadLink = app.getByRole('link', { name: 'Open lead in Krayin' });
    await expect(leadLink.getAttribute('href')).resolves.toMatch(new RegExp(`/admin/leads/view/${leadId}$`));
    await expect(leadLink.getAttribute('rel')).resolves.toBe('noopener noreferrer');
    // The fake Chatwoot's current agent (id 1) is named too, for the server to check.
    expect(asked).toEqual([{ conversationId: JANE_CONVERSATION, contactId: JANE, agentId: 1 }]);
    await docScreenshot(page, 'chatwoot-app');
    await page.context().close();
  });

  it('"Sync now" runs the contact\'s sync through its workflow', async () => {
    const before = (await h.status(JANE)).syncCount;
    const page = await laptopPage(browser);
    await page.goto(conversationUrl(JANE_CONVERSATION));
    const app = page.frameLocator('iframe.dashboard-app');
    await app.getByRole('button', { name: 'Sync now' }).click();
    await app.getByText('Sync requested').waitFor({ timeout: 10_000 });
    await h.waitFor(JANE, (s) => s.syncCount > before && s.status === 'idle', 30_000);
    // The panel looks again by itself while the sync runs, and ends on "In sync".
    await app.getByText('In sync').waitFor({ timeout: 15_000 });
    const audit = await h.store.audit.list('default', JANE, 20);
    expect(audit.map((a) => a.action)).toContain('chatwoot_app.sync_now');
    await page.context().close();
  });

  it('"Add note to the lead" becomes one Krayin note on the lead, through the workflow', async () => {
    const text = 'Wants 20 seats <b>before</b> January & a call back';
    const page = await laptopPage(browser);
    await page.goto(conversationUrl(JANE_CONVERSATION));
    const app = page.frameLocator('iframe.dashboard-app');
    await app.getByLabel('Note for the lead').fill(text);
    await app.getByRole('button', { name: 'Add note to the lead' }).click();
    await app.getByText('Note sent to Krayin').waitFor({ timeout: 10_000 });
    const leadId = (await h.store.links.getContact('default', JANE))!.leadId!;
    const notes = () =>
      h.krayin.snapshot().activities.filter((a) => a.title === 'Note from Chatwoot' && a.lead_ids.includes(leadId));
    const deadline = Date.now() + 30_000;
    while (notes().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(notes()).toHaveLength(1);
    expect(notes()[0]).toMatchObject({ type: 'note', comment: text });
    await app.getByRole('button', { name: 'Refresh' }).click();
    await app.getByRole('cell', { name: 'Note from Chatwoot' }).waitFor({ timeout: 10_000 });
    await page.context().close();
    expect(notes()).toHaveLength(1);
    const audit = await h.store.audit.list('default', JANE, 50);
    expect(audit.map((a) => a.action)).toContain('chatwoot_app.note_added');
  });

  it('"Move to stage" moves the lead forward only, through the workflow', async () => {
    const leadId = (await h.store.links.getContact('default', JANE))!.leadId!;
    const lead = () => h.krayin.snapshot().leads.find((l) => l.id === leadId)!;
    const startedAt = lead().lead_pipeline_stage_id;
    const page = await laptopPage(browser);
    await page.goto(conversationUrl(JANE_CONVERSATION));
    const app = page.frameLocator('iframe.dashboard-app');
    const select = app.getByLabel('Move to stage');
    await select.waitFor({ timeout: 15_000 });
    const offered = await select.locator('option').allTextContents();
    // Only stages after the current one ("New"), so never back to it.
    expect(offered).not.toContain('New');
    expect(offered.length).toBeGreaterThan(1);
    const target = offered[1]!;
    await select.selectOption({ label: target });
    await app.getByRole('button', { name: 'Move lead' }).click();
    await app.getByText(`Moving the lead to ${target}`).waitFor({ timeout: 10_000 });
    const deadline = Date.now() + 30_000;
    while (lead().lead_pipeline_stage_id === startedAt && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(lead().lead_pipeline_stage_id).not.toBe(startedAt);
    await app.getByRole('button', { name: 'Refresh' }).click();
    await app.getByRole('row', { name: new RegExp(`^Stage\\s+${target}`) }).waitFor({ timeout: 10_000 });
    // The stages before the new one are no longer offered.
    await expect(select.locator('option').allTextContents()).resolves.not.toContain(target);
    await page.context().close();
  });

  it('"Create lead" gives a contact without a lead exactly one, through the workflow, and shows it', async () => {
    const personId = await personWithoutLead(NOLEAD, NOLEAD_CONVERSATION, 'Nora Nolead');
    const page = await laptopPage(browser);
    await page.goto(conversationUrl(NOLEAD_CONVERSATION));
    const app = page.frameLocator('iframe.dashboard-app');
    await app.getByText('No lead yet.').waitFor({ timeout: 15_000 });
    await app.getByRole('button', { name: 'Create lead' }).click();
    await app.getByText('Creating the lead in Krayin').waitFor({ timeout: 10_000 });
    const leads = () => h.krayin.snapshot().leads.filter((l) => l.person_id === personId);
    const deadline = Date.now() + 30_000;
    // The link is written just after Krayin's create: wait for both.
    const linked = async () => (await h.store.links.getContact('default', NOLEAD))!.leadId;
    while ((leads().length === 0 || (await linked()) === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(leads()).toHaveLength(1);
    expect(await linked()).toBe(leads()[0]!.id);
    await app.getByRole('button', { name: 'Refresh' }).click();
    const leadLink = app.getByRole('link', { name: 'Open lead in Krayin' });
    await leadLink.waitFor({ timeout: 10_000 });
    await expect(leadLink.getAttribute('href')).resolves.toMatch(new RegExp(`/admin/leads/view/${leads()[0]!.id}$`));
    await expect(app.getByRole('button', { name: 'Create lead' }).count()).resolves.toBe(0);
    await page.context().close();
    expect(leads()).toHaveLength(1);
    const audit = await h.store.audit.list('default', NOLEAD, 50);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['chatwoot_app.lead_requested', 'lead.created']));
  });

  it("refuses a forged context: this conversation with another contact's id", async () => {
    const page = await laptopPage(browser);
    await page.goto(conversationUrl(JANE_CONVERSATION, `?forgeContact=${OTHER}`));
    const app = page.frameLocator('iframe.dashboard-app');
    await app.getByText('do not belong together: refused').waitFor({ timeout: 15_000 });
    await expect(app.getByText('Otto Other', { exact: true }).count()).resolves.toBe(0);
    await expect(app.getByText('Jane Panel', { exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('ignores an appContext posted from another origin', async () => {
    const page = await laptopPage(browser);
    const asked = contextRequests(page);
    await page.goto(conversationUrl(JANE_CONVERSATION, `?sibling=${encodeURIComponent(sibling.url)}`));
    const app = page.frameLocator('iframe.dashboard-app');
    await app.getByText('Jane Panel', { exact: true }).waitFor({ timeout: 15_000 });
    // The other origin keeps posting for 4 s: the app never asks for its contact.
    await page.waitForTimeout(4_500);
    expect(asked.every((a) => a.contactId === JANE && a.conversationId === JANE_CONVERSATION)).toBe(true);
    await expect(app.getByText('Otto Other', { exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it("never shows or writes another customer's records when the stored ids name them (Krayin restored)", async () => {
    // Otto's stored links now name Jane's person and lead, as after a Krayin restore handed the ids out again.
    const jane = (await h.store.links.getContact('default', JANE))!;
    const otto = (await h.store.links.getContact('default', OTHER))!;
    await h.store.links.upsertContact('default', OTHER, { personId: jane.personId, leadId: jane.leadId });
    try {
      const page = await laptopPage(browser);
      await page.goto(conversationUrl(OTHER_CONVERSATION));
      const app = page.frameLocator('iframe.dashboard-app');
      await app.getByText('now belongs to someone else').waitFor({ timeout: 15_000 });
      const shown = await app.locator('body').innerText();
      expect(shown).not.toContain('Jane Panel');
      expect(shown).not.toContain('Panel Works GmbH');
      await page.context().close();

      // A note asked for Otto's lead (straight through the workflow, as the panel would) is not written.
      const notesOnJane = () =>
        h.krayin
          .snapshot()
          .activities.filter((a) => a.title === 'Note from Chatwoot' && a.lead_ids.includes(jane.leadId!));
      const before = notesOnJane().length;
      const syncs = (await h.status(OTHER)).syncCount;
      await new TemporalDispatcher(h.client, h.config.temporal.taskQueue).agentAction('default', OTHER, {
        kind: 'add_note',
        noteId: 'restored-krayin-note',
        text: 'Must not land on Jane',
        requestedBy: 'test',
      });
      await h.waitFor(OTHER, (s) => s.status === 'idle' && s.syncCount >= syncs, 30_000);
      await new Promise((r) => setTimeout(r, 2_000));
      expect(notesOnJane()).toHaveLength(before);
      const audit = await h.store.audit.list('default', OTHER, 50);
      expect(audit.map((a) => a.action)).not.toContain('chatwoot_app.note_added');
    } finally {
      await h.store.links.upsertContact('default', OTHER, { personId: otto.personId, leadId: otto.leadId });
    }
  });
});

describe('the panel over HTTP', () => {
  let links: Map<number, number>;
  beforeAll(async () => {
    links = new Map();
    for (const id of [JANE, OTHER]) links.set(id, (await h.store.links.getContact('default', id))!.leadId!);
  });
  const leadOf = (id: number) => links.get(id)!;

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await request(`${appUrl()}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, string>) : {} };
  }

  it("is framed only by the connection's Chatwoot, sends no referrer and is 404 without the right token", async () => {
    const res = await request(appUrl());
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain(`frame-ancestors ${new URL(h.chatwoot.url).origin}`);
    expect(csp).toContain("script-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    for (const url of [appUrl('PanelToken_0123456789abcdefXYy'), `${h.ingestUrl}/chatwoot-app/other/${APP_TOKEN}/`]) {
      const wrong = await request(url);
      expect(wrong.statusCode).toBe(404);
      await wrong.body.text();
    }
  });

  it('"Create lead" asked twice at once still makes one lead (the workflow finds the first)', async () => {
    const personId = await personWithoutLead(TWICE, TWICE_CONVERSATION, 'Tom Twice');
    const ctx = await post('context', { conversationId: TWICE_CONVERSATION, contactId: TWICE });
    expect(ctx.status).toBe(200);
    const headers = { 'x-context-token': ctx.json.contextToken! };
    const both = await Promise.all([
      post('actions/create-lead', {}, headers),
      post('actions/create-lead', {}, headers),
    ]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const leads = () => h.krayin.snapshot().leads.filter((l) => l.person_id === personId);
    const deadline = Date.now() + 30_000;
    while (leads().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // Both actions have run once the audit shows the lead; give the second one time to (not) write.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(leads()).toHaveLength(1);
    // Asked again now: refused, the contact has its lead.
    const again = await post('actions/create-lead', {}, headers);
    expect(again.status).toBe(409);
    expect(again.json.html).toContain('has a lead already');
  });

  it('answers a checked context with a token bound to it; another id cannot be slipped in', async () => {
    const forged = await post('context', { conversationId: JANE_CONVERSATION, contactId: OTHER });
    expect(forged.status).toBe(403);
    const missing = await post('context', { conversationId: 999_999, contactId: JANE });
    expect(missing.status).toBe(403);

    const ok = await post('context', { conversationId: JANE_CONVERSATION, contactId: JANE });
    expect(ok.status).toBe(200);
    expect(ok.json.html).toContain('Jane Panel');
    const token = ok.json.contextToken!;
    // The body's ids are not read after the context: the token decides whose panel this is.
    const panel = await post('panel', { contactId: OTHER }, { 'x-context-token': token });
    expect(panel.status).toBe(200);
    expect(panel.json.html).toContain('Jane Panel');
    expect(panel.json.html).not.toContain('Otto Other');
    // A token whose payload was changed to the other contact fails its signature.
    const [body, sig] = token.split('.');
    const payload = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${Buffer.from(JSON.stringify({ ...payload, ct: OTHER })).toString('base64url')}.${sig}`;
    expect((await post('panel', {}, { 'x-context-token': altered })).status).toBe(401);
    expect((await post('actions/sync-now', {}, { 'x-context-token': altered })).status).toBe(401);
    expect((await post('actions/sync-now', {})).status).toBe(401);
    expect((await post('actions/add-note', { note: 'x' }, { 'x-context-token': altered })).status).toBe(401);
    expect((await post('actions/add-note', { note: '   ' }, { 'x-context-token': token })).status).toBe(400);
    // Backwards (to the stage the lead was created in) is refused, as is a stage of no pipeline.
    const firstStage = h.krayin.snapshot().leads.find((l) => l.id === leadOf(JANE))!;
    expect(firstStage.stage_code).not.toBe('new');
    for (const stageId of [1, 999_999]) {
      const moved = await post('actions/move-stage', { stageId }, { 'x-context-token': token });
      expect(moved.status).toBe(409);
      expect(moved.json.html).toContain('only move forward');
    }
  });

  it("moves backwards only for an agent the setting names, checked with Chatwoot's agents", async () => {
    const leadId = leadOf(JANE);
    const lead = () => h.krayin.snapshot().leads.find((l) => l.id === leadId)!;
    const before = lead().lead_pipeline_stage_id;
    expect(before).not.toBe(1);
    // Agent 1 is not named; agent 999 is not an agent of the account (the page's claim alone counts for nothing).
    for (const agentId of [1, 999]) {
      const ctx = await post('context', { conversationId: JANE_CONVERSATION, contactId: JANE, agentId });
      expect(ctx.status).toBe(200);
      const moved = await post('actions/move-stage', { stageId: 1 }, { 'x-context-token': ctx.json.contextToken! });
      expect(moved.status).toBe(409);
    }
    const ctx = await post('context', { conversationId: JANE_CONVERSATION, contactId: JANE, agentId: BACKWARD_AGENT });
    expect(ctx.json.html).toContain('any stage, backwards too');
    const moved = await post('actions/move-stage', { stageId: 1 }, { 'x-context-token': ctx.json.contextToken! });
    expect(moved.status).toBe(200);
    const deadline = Date.now() + 30_000;
    while (lead().lead_pipeline_stage_id !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(lead().lead_pipeline_stage_id).toBe(1);
    const audit = await h.store.audit.list('default', JANE, 50);
    expect(
      audit.some((a) => a.action === 'chatwoot_app.stage_moved' && (a.detail as { anyStage?: boolean })?.anyStage),
    ).toBe(true);
  });

  // Last in the file: it uses up this client's allowance for the minute.
  it('limits POST /context to 30 a minute per connection and client address: 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof request>> | null = null;
    for (let i = 0; i < 31 && !limited; i++) {
      const res = await request(`${appUrl()}context`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId: JANE_CONVERSATION, contactId: JANE }),
      });
      if (res.statusCode === 429) limited = res;
      else {
        statuses.push(res.statusCode);
        await res.body.text();
      }
    }
    // The file's earlier tests asked too (same address, same minute): the 429 comes by the 31st request.
    expect(limited).not.toBeNull();
    expect(statuses.every((s) => s === 200)).toBe(true);
    const retryAfter = Number(limited!.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = JSON.parse(await limited!.body.text()) as { html: string };
    expect(body.html).toContain('Too many requests');
    // Still limited on the next request.
    const again = await post('context', { conversationId: JANE_CONVERSATION, contactId: JANE });
    expect(again.status).toBe(429);
  });
});
