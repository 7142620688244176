/**
 * The workflow tier's world: the real contact workflow on the real Temporal dev server (jest globalSetup),
 * with STUB activities: plain functions each test shapes per contact, that record every call (with the
 * run that made it) and fail on demand with real ApplicationFailures. No Krayin, Chatwoot or store.
 *
 * Why not TestWorkflowEnvironment.createTimeSkipping: it needs Temporal's Java test server, a binary
 * downloaded from the internet at first use, which this project's machines cannot reach. Millisecond
 * settings (debounce 20 ms) on the real server keep the tier fast instead (docs/development.md).
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { ChatwootActivities, KrayinActivities, SettingsActivities, StoreActivities } from '../../../activities';
import type { PlanResult } from '../../../activities/contracts';
import {
  contactEventSignal,
  contactWorkflowId,
  krayinTaskQueue,
  retrySignal,
  statusQuery,
  type ContactEvent,
  type ContactSyncSettings,
  type ContactSyncStatus,
} from '../../../workflows/api';
import { contactSync } from '../../../workflows';

export const CONNECTION = 'default';

/** Milliseconds, so a test waits for the server, not for timers; a test overrides what it exercises. */
export const FAST_SETTINGS: ContactSyncSettings = {
  debounceMs: 20,
  maxDebounceMs: 1_000,
  idleCloseMs: 60_000,
  activityTimeoutMs: 10_000,
};

/** Every activity the workflow can schedule, by set (each set registered only on its queue, as in production). */
export type StubActivities = KrayinActivities & ChatwootActivities & StoreActivities & SettingsActivities;
type Name = keyof StubActivities;
const KRAYIN_SET: readonly Name[] = [
  'fieldMapCatalog',
  'syncOrganization',
  'syncPerson',
  'ensureLead',
  'writeConversation',
  'writeMessages',
  'leadStageContext',
  'moveLeadStage',
  'setLeadOwner',
  'pollKrayinChanges',
  'readPersonForTwoWay',
  'readLeadForChatwoot',
  'pollKrayinActivities',
  'readKrayinActivity',
  'addLeadNote',
  'moveLeadForward',
];
export interface StubCall {
  name: Name;
  contactId: number;
  /** The workflow run that scheduled the call (tells runs apart across continue-as-new). */
  runId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  input: any;
  /** Date.now() when the call started. */
  at: number;
}

/** A contact that maps to a person, no organization, no lead: the default plan, first sync. */
export function syncPlan(overrides: Partial<Extract<PlanResult, { kind: 'sync' }>> = {}): PlanResult {
  return {
    kind: 'sync',
    hash: 'hash-1',
    changed: { organization: false, person: true, lead: false },
    links: { personId: null, organizationId: null, leadId: null },
    unsyncedConversations: [],
    identity: { email: 'ada@example.org', emailIsPlaceholder: false, phone: null },
    person: { name: 'Ada', emails: [], contact_numbers: [], job_title: null, attributes: {} },
    organization: null,
    lead: null,
    ...overrides,
  };
}

/**
 * Workflow ids are `contact:default:<id>` on a dev server other test files share: a random id per test
 * keeps one file from signalling another's workflow.
 */
export function newContactId(): number {
  return 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
}

export const PERSON_ID = 100;
export const ORGANIZATION_ID = 200;
export const LEAD_ID = 300;

/** What a contact's activities do unless a test says otherwise: everything succeeds. */
function defaults(): StubActivities {
  const nothing = async () => undefined;
  return {
    connectionSettings: async () => FAST_SETTINGS,
    planContactSync: async () => syncPlan(),
    fieldMapCatalog: async () => ({ persons: [], organizations: [], leads: [] }),
    syncOrganization: async () => ({ organizationId: ORGANIZATION_ID }),
    syncPerson: async (input) => ({ personId: PERSON_ID, leadId: input.lead ? LEAD_ID : null, created: true }),
    ensureLead: async () => ({ leadId: LEAD_ID }),
    recordSynced: nothing,
    recordSkipped: nothing,
    recordParked: nothing,
    recordGone: nothing,
    // A gone contact that was not merged, under the default policy (keep): no Krayin write.
    findMergeTarget: async () => ({ survivor: null, policy: 'keep' }),
    relinkMergedContact: async () => 'move',
    applyChatwootDeletePolicy: async () => ({ policy: 'keep', action: 'none', personId: null, leadId: null }),
    // The reconcile workflow's Krayin read; the contact workflow never calls it.
    krayinLinkedMissing: async () => ({ missing: [], done: true, maxId: 0 }),
    // The Krayin poll's id scan; the contact workflow never calls it.
    scanKrayinIds: async () => ({ enabled: false }),
    readConversation: async () => changedConversation(),
    writeConversation: async () => ({ kind: 'written', activityId: 1 }),
    readMessages: async () => ({ messages: [], more: false, contactHashes: [] }),
    writeMessages: async () => ({ written: 0, targetUsable: true }),
    leadStageContext: async () => ({ currentStageId: null, pipelines: [], rules: [] }),
    moveLeadStage: async () => ({ moved: false }),
    setLeadOwner: async () => ({ ownerId: null, changed: false }),
    // CRM facts in Chatwoot (two-way): the lead read on the Krayin queue, the write on the main queue.
    readLeadForChatwoot: async () => ({ kind: 'lead_gone' }),
    applyLeadToChatwoot: async () => ({ kind: 'unchanged' }),
    // CRM_ACTIVITY_NOTES (two-way): the activities poll and read (Krayin queue), the note (main queue).
    pollKrayinActivities: async () => ({ changes: [], watermark: new Date(0).toISOString(), calls: 1, unmatched: 0 }),
    readKrayinActivity: async () => ({ kind: 'gone' }),
    noteKrayinActivity: async () => ({ kind: 'unchanged' }),
    recordConversation: nothing,
    rememberConversations: nothing,
    // Two-way sync (off unless connectionSettings says twoWay): the poll finds it off, the rest do nothing.
    pollKrayinChanges: async () => ({ enabled: false }),
    readPersonForTwoWay: async () => ({ kind: 'unlinked' }),
    applyKrayinPerson: async () => ({ kind: 'disabled' }),
    adoptKrayinPersons: async () => ({ created: 0, linked: 0, left: 0, changes: [] }),
    addLeadNote: async () => ({ kind: 'added', activityId: 1 }),
    moveLeadForward: async () => ({ kind: 'moved' }),
    planAgentLead: async () => ({ kind: 'has_lead' }),
  };
}

/** A conversation read from Chatwoot whose Krayin activity must be (re)written. */
export function changedConversation(): Awaited<ReturnType<ChatwootActivities['readConversation']>> {
  return {
    kind: 'changed',
    previous: null,
    observed: { status: 'open', labels: [], assigneeId: null, firstReplyAt: null, priority: null },
    follow: { stageRules: false, assigneeOwner: false, messageActivities: false },
    assigneeEmail: null,
    activity: { type: 'note', title: 'Conversation', comment: '' },
    hash: 'conversation-hash',
    contactHashes: [],
  };
}

export interface StubWorld {
  client: Client;
  /** Replaces some of this contact's activities (the rest keep their defaults). */
  behave(contactId: number, overrides: Partial<StubActivities>): void;
  /** This contact's activity calls, in order, optionally of one activity only. */
  calls(contactId: number, name?: Name): StubCall[];
  /** Delivers an event as ingest does: signalWithStart (starts a run when none is open). */
  send(
    contactId: number,
    event?: Partial<ContactEvent>,
    settings?: Partial<ContactSyncSettings>,
  ): Promise<{ deliveryId: string; runId: string }>;
  retry(contactId: number): Promise<void>;
  handle(contactId: number): WorkflowHandle<typeof contactSync>;
  status(contactId: number): Promise<ContactSyncStatus>;
  /** Polls the status query until `pred` holds; the error names the last status seen. */
  waitFor(contactId: number, pred: (s: ContactSyncStatus) => boolean, timeoutMs?: number): Promise<ContactSyncStatus>;
  close(): Promise<void>;
}

try {
  // Failures the tests provoke on purpose are logged by the worker at WARN.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this jest worker
}

export async function startStubWorld(): Promise<StubWorld> {
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address) throw new Error('TEMPORAL_TEST_ADDRESS is not set: run through the workflows jest project');

  const taskQueue = `wf-${randomUUID()}`;
  const behaviours = new Map<number, Partial<StubActivities>>();
  /** Settings per contact (the workflow reads them live, through the connectionSettings local activity). */
  const settingsOf = new Map<number, ContactSyncSettings>();
  const recorded: StubCall[] = [];
  const base = defaults();
  const stub = (name: Name) => async (input: { contactId?: number }) => {
    const execution = Context.current().info.workflowExecution;
    // connectionSettings names only the connection: the contact is the one of the calling workflow.
    const contactId = input.contactId ?? Number(execution?.workflowId.split(':').at(-1));
    if (name === 'connectionSettings') return settingsOf.get(contactId) ?? FAST_SETTINGS;
    recorded.push({ name, contactId, runId: execution?.runId ?? '', input, at: Date.now() });
    const impl = (behaviours.get(contactId)?.[name] ?? base[name]) as (i: unknown) => Promise<unknown>;
    return impl(input);
  };
  const setOf = (names: readonly Name[]) => Object.fromEntries(names.map((name) => [name, stub(name)]));
  const allNames = Object.keys(base) as Name[];
  const mainActivities = setOf(allNames.filter((n) => !KRAYIN_SET.includes(n)));
  const krayinActivities = setOf(KRAYIN_SET);

  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  // Two queues, as in production: the workflow and Chatwoot/store activities, and the connection's Krayin queue.
  const workers = await Promise.all([
    Worker.create({ connection: nativeConnection, taskQueue, workflowBundle, activities: mainActivities }),
    Worker.create({
      connection: nativeConnection,
      taskQueue: krayinTaskQueue(taskQueue, CONNECTION),
      activities: krayinActivities,
    }),
  ]);
  const running = Promise.all(workers.map((w) => w.run()));
  const contacts = new Set<number>();
  let deliveries = 0;

  const handle = (contactId: number) =>
    client.workflow.getHandle<typeof contactSync>(contactWorkflowId(CONNECTION, contactId));
  const status = (contactId: number) => handle(contactId).query(statusQuery);

  return {
    client,
    behave(contactId, overrides) {
      behaviours.set(contactId, { ...behaviours.get(contactId), ...overrides });
    },
    calls(contactId, name) {
      return recorded.filter((c) => c.contactId === contactId && (name === undefined || c.name === name));
    },
    async send(contactId, event = {}, settings = {}) {
      const deliveryId = event.deliveryId ?? `delivery-${++deliveries}`;
      contacts.add(contactId);
      settingsOf.set(contactId, { ...FAST_SETTINGS, ...settings });
      const started = await client.workflow.signalWithStart(contactSync, {
        workflowId: contactWorkflowId(CONNECTION, contactId),
        taskQueue,
        args: [{ connectionId: CONNECTION, contactId }],
        signal: contactEventSignal,
        signalArgs: [{ event: 'contact_updated', receivedAt: new Date().toISOString(), ...event, deliveryId }],
      });
      return { deliveryId, runId: started.signaledRunId };
    },
    async retry(contactId) {
      await handle(contactId).signal(retrySignal, { requestedBy: 'test' });
    },
    handle,
    status,
    async waitFor(contactId, pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ContactSyncStatus | undefined;
      for (;;) {
        last = await status(contactId).catch(() => last);
        if (last && pred(last)) return last;
        if (Date.now() > deadline) throw new Error(`timed out; last status: ${JSON.stringify(last)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      // Leave nothing running on the shared dev server (runs idle for a minute otherwise).
      for (const contactId of contacts)
        await handle(contactId)
          .terminate('test over')
          .catch(() => undefined);
      for (const w of workers) w.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}
