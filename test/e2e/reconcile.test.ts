/**
 * Reconciliation, end to end: contacts and conversations that exist in the (fake) Chatwoot but never
 * sent a webhook, and contacts edited without one, reach the fake Krayin exactly once after a
 * reconcile started from the CLI command; a second reconcile sends nothing and costs no Krayin call but
 * the full pass's two id pages; a contact deleted in Chatwoot follows ON_CHATWOOT_DELETE=keep. Real Temporal dev server, real store,
 * fakes over HTTP; the schedules are the ones the service created at start.
 */
import type { FakeActivityView } from '../fakes/krayin';
import { runReconcileCommand } from '../../src/reconcile/cli';
import { reconcileScheduleId, type ReconcileProgress } from '../../workflows/reconcile-api';
import { startHarness, type Harness } from '../helpers/harness';
import type { ContactInput } from '../helpers/webhooks';

function contact(id: number, extra: Partial<ContactInput> = {}): ContactInput {
  return {
    id,
    name: `Ruth Reconcile ${id}`,
    email: `ruth.${id}@example.com`,
    phone_number: '',
    additional_attributes: { company_name: `Reconciled ${id} Ltd` },
    custom_attributes: {},
    ...extra,
  };
}

/** Runs the CLI command and returns what it printed. */
async function reconcile(h: Harness, ...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const out = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(`ERROR ${l}`) };
  const code = await runReconcileCommand(['--connection', 'default', ...args], h.config, { out, pollMs: 200 });
  expect({ code, lines }).toMatchObject({ code: 0 });
  return lines;
}

/** The counts of the final "Done." line. */
function finalCounts(lines: string[]): Record<string, number> {
  const done = lines.find((l) => l.startsWith('Done.'));
  if (!done) throw new Error(`no Done line in ${JSON.stringify(lines)}`);
  const n = (re: RegExp) => Number(re.exec(done)?.[1] ?? 0);
  return {
    contactsSeen: n(/contacts seen (\d+)/),
    contactsSent: n(/contacts seen \d+, sent (\d+)/),
    conversationsSeen: n(/conversations seen (\d+)/),
    conversationsSent: n(/conversations seen \d+, sent (\d+)/),
    gone: n(/deleted in Chatwoot (\d+)/),
  };
}

function conversationActivities(h: Harness, conversationId: number): FakeActivityView[] {
  return h.krayin.snapshot().activities.filter((a) => {
    const m = (a.additional as { chatwoot?: { conversation?: number; message?: number } } | null)?.chatwoot;
    return m?.conversation === conversationId && m.message === undefined;
  });
}

/** Krayin persons carrying this email (the fake stores Krayin's JSON). */
function personsWith(h: Harness, email: string) {
  return h.krayin.snapshot().persons.filter((p) => JSON.stringify(p.emails ?? []).includes(`"${email}"`));
}

/** What a full pass reads from Krayin itself (the Krayin-side deletion check), with up to 500 records of each. */
const FULL_PASS_ID_PAGES = ['GET /contacts/persons', 'GET /leads', 'GET /contacts/organizations'];

const idle = (s: { status: string; syncStatus: string }) => s.status === 'idle' && s.syncStatus !== 'pending';

describe('reconciliation, end to end', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({
      sync: { leadPolicy: 'contact_created', reconcile: { schedule: 'incremental=1h;full=0 3 * * *' } },
    });
  });
  afterAll(async () => {
    if (!h) return;
    for (const mode of ['incremental', 'full'] as const) {
      await h.client.schedule
        .getHandle(reconcileScheduleId('default', mode, h.config.temporal.taskQueue))
        .delete()
        .catch(() => undefined);
    }
    await h.close();
  });

  it('start creates both schedules, overlap SKIP, starting the reconcile workflow on our task queue', async () => {
    const incremental = await h.client.schedule
      .getHandle(reconcileScheduleId('default', 'incremental', h.config.temporal.taskQueue))
      .describe();
    expect(incremental.policies.overlap).toBe('SKIP');
    expect(incremental.spec.intervals).toMatchObject([{ every: 3_600_000 }]);
    expect(incremental.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'reconcile',
      taskQueue: h.config.temporal.taskQueue,
      args: [{ connectionId: 'default', mode: 'incremental' }],
    });
    const full = await h.client.schedule
      .getHandle(reconcileScheduleId('default', 'full', h.config.temporal.taskQueue))
      .describe();
    expect(full.policies.overlap).toBe('SKIP');
    expect(full.action).toMatchObject({ args: [{ connectionId: 'default', mode: 'full' }] });
    // The cron "0 3 * * *" as Temporal stores it: a calendar at 03:00 every day.
    expect(full.spec.calendars).toMatchObject([{ hour: [{ start: 3, end: 3, step: 1 }] }]);
  });

  it('triggering the schedule (as `temporal schedule trigger` does) runs a pass to the end', async () => {
    const schedule = h.client.schedule.getHandle(
      reconcileScheduleId('default', 'incremental', h.config.temporal.taskQueue),
    );
    await schedule.trigger();
    let workflowId: string | undefined;
    await waitUntil(async () => {
      workflowId = (await schedule.describe()).info.recentActions[0]?.action.workflow.workflowId;
      return workflowId !== undefined;
    });
    // Derived from the schedule id (Temporal appends the scheduled time): ids only, no PII.
    expect(workflowId).toMatch(new RegExp(`^reconcile:${h.config.temporal.taskQueue}:default-`));
    const result = (await h.client.workflow.getHandle(workflowId!).result()) as ReconcileProgress;
    expect(result).toMatchObject({ connectionId: 'default', mode: 'incremental', phase: 'done' });
  });

  it('contacts and conversations without webhooks, and edits without one, reach Krayin exactly once', async () => {
    // Synced through a webhook first, then edited in Chatwoot without one.
    await h.sendContact('contact_created', contact(3001));
    await h.waitFor(3001, (s) => s.syncStatus === 'synced' && s.status === 'idle');
    h.chatwoot.upsertContact({ id: 3001, name: 'Ruth Renamed 3001' });
    // Never announced: a contact, and a contact with a conversation.
    h.chatwoot.upsertContact(contact(3002));
    h.chatwoot.upsertContact(contact(3003, { additional_attributes: {} }));
    h.chatwoot.upsertConversation({ id: 901, contactId: 3003, inboxId: 3 });
    h.chatwoot.addMessage(901, { message_type: 'incoming', content: 'Hello, is anyone there?' });
    h.krayin.clearRequests();

    const lines = await reconcile(h, '--full');
    expect(lines[0]).toMatch(/^Started full reconciliation of "default"/);
    expect(finalCounts(lines)).toMatchObject({ contactsSeen: 3, contactsSent: 3, conversationsSent: 1 });

    for (const id of [3001, 3002, 3003]) await h.waitFor(id, (s) => idle(s) && s.syncStatus === 'synced', 60_000);
    await waitUntil(async () => (await h.store.conversations.get('default', 901))?.activityId != null);

    for (const id of [3001, 3002, 3003]) expect(personsWith(h, `ruth.${id}@example.com`)).toHaveLength(1);
    expect(personsWith(h, 'ruth.3001@example.com')[0]?.name).toBe('Ruth Renamed 3001');
    expect(h.krayin.snapshot().leads).toHaveLength(3);
    expect(conversationActivities(h, 901)).toHaveLength(1);
  });

  it('a second reconcile sends nothing and makes no Krayin call for unchanged contacts', async () => {
    h.krayin.clearRequests();
    const lines = await reconcile(h, '--full');
    expect(finalCounts(lines)).toMatchObject({ contactsSeen: 3, contactsSent: 0, conversationsSent: 0, gone: 0 });
    // Nothing was handed to a workflow, so nothing can reach Krayin later either; wait a debounce anyway.
    await new Promise((r) => setTimeout(r, 1_000));
    // The full pass's own Krayin-side deletion check: one id page of persons, one of leads.
    expect(h.krayinCalls().map((c) => `${c.method} ${c.path}`)).toEqual(FULL_PASS_ID_PAGES);
  });

  it('an incremental pass picks up contacts created since the last pass, and only those', async () => {
    h.chatwoot.upsertContact(contact(3004));
    const lines = await reconcile(h);
    expect(lines[0]).toMatch(/^Started incremental reconciliation/);
    expect(finalCounts(lines)).toMatchObject({ contactsSent: 1, conversationsSent: 0 });
    await h.waitFor(3004, (s) => idle(s) && s.syncStatus === 'synced', 60_000);
    expect(personsWith(h, 'ruth.3004@example.com')).toHaveLength(1);
  });

  it('a contact deleted in Chatwoot is kept in Krayin with an audit entry (ON_CHATWOOT_DELETE=keep), once', async () => {
    const personsBefore = h.krayin.snapshot().persons.length;
    h.chatwoot.deleteContact(3002);
    h.krayin.clearRequests();

    const first = finalCounts(await reconcile(h, '--full'));
    expect(first).toMatchObject({ gone: 1, contactsSent: 0 });
    await waitUntil(async () => (await h.store.syncState.get('default', 3002))?.status === 'skipped');
    expect((await h.store.syncState.get('default', 3002))?.note).toBe('contact deleted or merged in Chatwoot');
    const audit = await h.store.audit.list('default', 3002);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['reconcile.chatwoot_deleted', 'sync.gone']));
    expect(audit.find((a) => a.action === 'reconcile.chatwoot_deleted')?.detail).toEqual({ policy: 'keep' });
    expect(h.krayin.snapshot().persons).toHaveLength(personsBefore);
    expect(h.krayinCalls().map((c) => `${c.method} ${c.path}`)).toEqual(FULL_PASS_ID_PAGES);

    // Handled once: the next full pass does not report it again.
    expect(finalCounts(await reconcile(h, '--full'))).toMatchObject({ gone: 0, contactsSent: 0 });
  });
});

describe('reconciliation over many pages', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('checkpoints its cursor with continue-as-new and resumes at the page it reached', async () => {
    // Phone-only contacts: listed by Chatwoot, skipped by the sync (no email), so no Krayin call at all.
    for (let i = 0; i < 50; i++)
      h.chatwoot.upsertContact({ id: 4000 + i, name: `Caller ${i}`, phone_number: `+4930${1000000 + i}` });
    const workflowId = `reconcile-test-${Date.now()}`;
    const handle = await h.client.workflow.start('reconcile', {
      workflowId,
      taskQueue: h.config.temporal.taskQueue,
      args: [{ connectionId: 'default', mode: 'full', stepsPerRun: 2 }],
    });
    const result = (await handle.result()) as ReconcileProgress;
    // 4 contact pages (15+15+15+5), 1 deletion check, 3 Krayin id pages (persons, leads, organizations),
    // 1 conversation page: 9 steps, 2 per run.
    expect(result).toMatchObject({ phase: 'done', counts: { pages: 5, contactsSeen: 50, contactsSent: 50 } });
    const first = await h.client.workflow.getHandle(workflowId, handle.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    // Visibility is eventually consistent: wait for the five runs of the pass to be listed.
    await waitUntil(async () => {
      let runs = 0;
      for await (const _ of h.client.workflow.list({ query: `WorkflowId = "${workflowId}"` })) runs++;
      return runs === 5;
    });

    for (const id of [4000, 4049])
      await h.waitFor(id, (s) => s.status === 'idle' && s.syncStatus === 'skipped', 60_000);
    expect(
      h
        .krayinCalls()
        .filter((c) => !c.path.startsWith('/settings/') && !FULL_PASS_ID_PAGES.includes(`${c.method} ${c.path}`)),
    ).toEqual([]);
  });
});

async function waitUntil(pred: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 100));
  }
}
