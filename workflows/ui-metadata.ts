/**
 * What the Temporal UI shows an operator about a contact's sync: the workflow's summary and details,
 * the summaries of its timers and activities, and its "current details" (markdown, updated as it runs).
 *
 * Without these the UI shows "Timer 11 (1h)" and bare activity names. Every text here is built from
 * ids, counts, settings and PII-free reason texts only: user metadata is stored in history like any
 * payload (encrypted when PAYLOAD_ENCRYPTION_KEYS is set, in clear otherwise), so it must never carry
 * an email, a phone number or a name.
 *
 * Imported by the workflow bundle (pure, no I/O). Texts are metadata: changing them does not break
 * the replay of running workflows (Temporal does not compare user metadata on replay).
 */
import type { ContactSyncStatus, ParkReason, SyncOutcome } from './api';

/** "300ms", "2s", "1m 30s", "1h": the way an operator would say it. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms / 1_000) * 1_000;
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, 2).join(' ');
}

// ---- the workflow ------------------------------------------------------------------------------

/** The workflow's static summary, set at start: the list view's "Summary" column. */
export function workflowSummary(connectionId: string, contactId: number): string {
  return `Contact ${contactId} on connection ${connectionId}`;
}

/** The workflow's static details (markdown): what this workflow is, where its live state is. */
export function workflowDetails(connectionId: string, contactId: number): string {
  return [
    `Syncs Chatwoot contact **${contactId}** of connection \`${connectionId}\` to Krayin:`,
    'organization, person, lead, then its conversations (activities, stage rules, owner).',
    '',
    'The live state (status, last outcome, park reason, Krayin ids, pending conversations) is in the',
    "workflow's current details and its `status` query. A run closes when idle; the next event starts a new one.",
  ].join('\n');
}

/** What the current details are built from: the workflow's own state, nothing read from outside. */
export interface CurrentDetailsInput {
  connectionId: string;
  contactId: number;
  phase: ContactSyncStatus['status'];
  syncStatus: ContactSyncStatus['syncStatus'];
  lastOutcome: SyncOutcome | null;
  parkReason: ParkReason | null;
  krayin: { personId: number | null; leadId: number | null; organizationId: number | null };
  syncCount: number;
  eventsReceived: number;
  duplicatesIgnored: number;
  pendingConversations: readonly number[];
}

const PHASES: Record<ContactSyncStatus['status'], string> = {
  idle: 'waiting for events',
  waiting: 'letting a burst of events settle',
  syncing: 'syncing',
};

/** The workflow's current details (markdown), shown on its page in the UI and by the metadata query. */
export function currentDetails(d: CurrentDetailsInput): string {
  // Most telling first: the UI shows current details in a frame only a few lines high.
  const lines = [`**${workflowSummary(d.connectionId, d.contactId)}: ${d.syncStatus}** (${PHASES[d.phase]})`, ''];
  if (d.parkReason) lines.push(`- Park reason: ${describeParkReason(d.parkReason)}`);
  lines.push(`- Krayin: ${describeKrayinIds(d.krayin)}`);
  lines.push(`- Last outcome: ${d.lastOutcome ? describeOutcome(d.lastOutcome) : 'none yet in this run'}`);
  lines.push(
    `- Pending conversations: ${d.pendingConversations.length > 0 ? [...d.pendingConversations].sort((a, b) => a - b).join(', ') : 'none'}`,
  );
  lines.push(
    `- Events received: ${d.eventsReceived}` +
      (d.duplicatesIgnored > 0
        ? ` (${plural(d.duplicatesIgnored, 'duplicate delivery', 'duplicate deliveries')} ignored)`
        : '') +
      `; syncs: ${d.syncCount}`,
  );
  return lines.join('\n');
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

function describeOutcome(o: SyncOutcome): string {
  const conversations =
    'conversationsSynced' in o && o.conversationsSynced
      ? `, ${plural(o.conversationsSynced, 'conversation', 'conversations')} written`
      : '';
  switch (o.kind) {
    case 'synced':
      return `synced${conversations}`;
    case 'unchanged':
      return `unchanged (no Krayin call for the contact)${conversations}`;
    case 'skipped':
      return `skipped: ${plain(o.note)}`;
    case 'gone':
      return 'contact deleted in Chatwoot';
    case 'parked':
    case 'failed':
      return `${o.kind} (${o.reason.kind})`;
  }
}

function describeParkReason(r: ParkReason): string {
  const where = r.endpoint ? ` at \`${plain(r.endpoint)}\`` : '';
  const fields = r.fieldErrors ? ` (fields: ${Object.keys(r.fieldErrors).map(plain).join(', ')})` : '';
  return `${r.kind}${where}: ${plain(r.message)}${fields}`;
}

function describeKrayinIds(k: CurrentDetailsInput['krayin']): string {
  const ids = [
    k.personId === null ? null : `person ${k.personId}`,
    k.leadId === null ? null : `lead ${k.leadId}`,
    k.organizationId === null ? null : `organization ${k.organizationId}`,
  ].filter((s) => s !== null);
  return ids.length > 0 ? ids.join(', ') : 'not linked yet';
}

/** Reason texts are PII-free but free text: one line, no markdown that could restructure the page. */
function plain(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[`*_[\]<>#|]/g, (c) => `\\${c}`)
    .slice(0, 300);
}

// ---- timers --------------------------------------------------------------------------------------

export function debounceTimerSummary(debounceMs: number): string {
  return `Wait ${formatDuration(debounceMs)} for more events (debounce)`;
}

export function idleCloseTimerSummary(idleCloseMs: number): string {
  return `Close after ${formatDuration(idleCloseMs)} idle`;
}

// ---- activities ----------------------------------------------------------------------------------

/** A stage trigger in plain words. A label's text is left out: labels are free text set by agents. */
export function describeTrigger(trigger: string): string {
  if (trigger.startsWith('label_added:')) return 'label added';
  if (trigger.startsWith('priority:')) return `priority ${trigger.slice('priority:'.length)}`;
  return trigger.replace(/_/g, ' ');
}

const contact = (id: number) => `contact ${id}`;

/** One summary per activity call, by step: which record, what for. */
export const activitySummaries = {
  readPersonForTwoWay: (contactId: number) => `Read the Krayin person of ${contact(contactId)} (two-way sync)`,
  applyKrayinPerson: (contactId: number, personId: number) =>
    `Bring Krayin person ${personId}'s changes to ${contact(contactId)} (two-way sync)`,
  readLeadForChatwoot: (contactId: number, leadId: number) =>
    `Read Krayin lead ${leadId} of ${contact(contactId)} for its CRM facts (two-way sync)`,
  applyLeadToChatwoot: (contactId: number, leadId: number) =>
    `Show Krayin lead ${leadId}'s stage, value and owner on ${contact(contactId)} (two-way sync)`,
  readKrayinActivity: (contactId: number, activityId: number) =>
    `Read Krayin activity ${activityId} on ${contact(contactId)}'s lead or person (activity notes)`,
  noteKrayinActivity: (contactId: number, activityId: number) =>
    `Note Krayin activity ${activityId} in ${contact(contactId)}'s open conversation (activity notes)`,
  planContactSync: (contactId: number) => `Read ${contact(contactId)} from Chatwoot and plan the sync`,
  fieldMapCatalog: (contactId: number) => `Read Krayin's attribute catalog for the field map of ${contact(contactId)}`,
  syncOrganization: (contactId: number, organizationId: number | null) =>
    organizationId === null
      ? `Find or create Krayin organization for ${contact(contactId)}`
      : `Update Krayin organization ${organizationId} for ${contact(contactId)}`,
  syncPerson: (contactId: number, personId: number | null, withLead: boolean) =>
    personId === null
      ? `Find or create Krayin person${withLead ? ' (and lead)' : ''} for ${contact(contactId)}`
      : `Update Krayin person ${personId} for ${contact(contactId)}`,
  ensureLead: (contactId: number, personId: number) =>
    `Find or create Krayin lead of person ${personId} for ${contact(contactId)}`,
  recordSynced: (contactId: number, personId: number, leadId: number | null) =>
    `Record ${contact(contactId)} synced (person ${personId}${leadId === null ? '' : `, lead ${leadId}`})`,
  recordGone: (contactId: number) => `Record ${contact(contactId)} as deleted in Chatwoot`,
  findMergeTarget: (contactId: number) => `Check whether ${contact(contactId)} was merged into another contact`,
  relinkMergedContact: (contactId: number, survivor: number) =>
    `Move the Krayin links of ${contact(contactId)} to ${contact(survivor)} (merged in Chatwoot)`,
  applyChatwootDeletePolicy: (contactId: number, policy: string) =>
    `Apply ON_CHATWOOT_DELETE=${policy} to the Krayin person of ${contact(contactId)}`,
  recordSkipped: (contactId: number) => `Record ${contact(contactId)} as skipped`,
  recordParked: (contactId: number, status: 'parked' | 'failed', kind: ParkReason['kind']) =>
    `Record ${contact(contactId)} as ${status} (${kind})`,
  rememberConversations: (conversationIds: readonly number[]) =>
    `Remember conversation${conversationIds.length === 1 ? '' : 's'} ${conversationIds.join(', ')} for a later sync`,
  syncConversation: (conversationId: number, leadId: number | null, personId: number) =>
    `Write conversation ${conversationId} to ${leadId === null ? `Krayin person ${personId}` : `Krayin lead ${leadId}`} timeline`,
  readConversation: (conversationId: number) => `Read conversation ${conversationId} from Chatwoot`,
  writeConversation: (conversationId: number, leadId: number | null, personId: number) =>
    `Write conversation ${conversationId} to ${leadId === null ? `Krayin person ${personId}` : `Krayin lead ${leadId}`} timeline`,
  leadStageContext: (leadId: number, triggers: readonly string[]) =>
    `Read Krayin lead ${leadId} stage for the stage rules (${triggers.map(describeTrigger).join(', ')})`,
  moveLeadStage: (leadId: number, stageId: number, trigger: string) =>
    `Update Krayin lead ${leadId} stage to ${stageId} (${describeTrigger(trigger)})`,
  assignLeadOwner: (leadId: number, conversationId: number) =>
    `Set Krayin lead ${leadId} owner to the assignee of conversation ${conversationId}`,
  syncMessageActivities: (conversationId: number, batch: number) =>
    `Write messages of conversation ${conversationId} to Krayin (batch ${batch})`,
  readMessages: (conversationId: number, batch: number) =>
    `Read messages of conversation ${conversationId} from Chatwoot (batch ${batch})`,
  recordConversation: (conversationId: number) => `Record conversation ${conversationId} as seen`,
} as const;
