/**
 * One sync round of a contact, as a business process:
 *
 *   plan (read the contact, compare with what was written) -> organization -> person -> lead
 *   -> record the outcome -> the contact's conversations
 *
 * Workflow code (deterministic): every step is an activity; the decisions between them are plain code.
 */
import { patched } from '@temporalio/workflow';
import type { ContactRef, LeadSeen, SyncPersonResult } from '../activities/contracts';
import type { ReadPersonResult } from '../activities/two-way-person-contracts';
import type { ActivityProxies } from './activity-proxies';
import type { KrayinActivityRef } from './krayin-poll-api';
import type { ParkReason, SyncOutcome } from './api';
import type { ContactSyncState, SyncWork } from './contact-state';
import { syncConversationFlow, type ContactTarget } from './conversation-flow';
import { CALL_CUTS_PATCH } from './patches';
import { planContactSync, type Plan } from './plan-step';
import { activitySummaries as say } from './ui-metadata';

/**
 * Workflow changes that alter the commands of a running workflow are gated by `patched(id)`, so
 * histories recorded by the previous code still replay (docs/operations.md, "Upgrading").
 * verify-links-before-write: the organization is synced (verified) whenever the person is, and the
 * person whenever a lead is about to be ensured.
 */
const VERIFY_LINKS_PATCH = 'verify-links-before-write';
/**
 * chatwoot-delete-policy: the "gone" path first checks for a merge (relinks to the survivor), else
 * applies ON_CHATWOOT_DELETE in Krayin; runs recorded before only recorded the contact gone.
 */
const CHATWOOT_DELETE_PATCH = 'chatwoot-delete-policy';

/**
 * two-way-sync: Krayin person changes the poll hands over are brought to the Chatwoot contact before
 * the forward sync, and the forward person write keeps fields Krayin won (docs/two-way-sync.md).
 */
export const TWO_WAY_PATCH = 'two-way-sync';

/**
 * two-way-crm-facts: a Krayin lead change the poll hands over brings the lead's CRM facts (stage,
 * pipeline, value, owner, close date, link) to the Chatwoot contact (docs/two-way-sync.md).
 */
export const CRM_FACTS_PATCH = 'two-way-crm-facts';

/**
 * two-way-activity-notes: a sales user's Krayin activity the poll hands over becomes a private note in the
 * contact's open conversation (CRM_ACTIVITY_NOTES, docs/two-way-sync.md).
 */
export const ACTIVITY_NOTES_PATCH = 'two-way-activity-notes';

/** What every step needs: the activities and which contact. */
export interface StepContext {
  acts: ActivityProxies;
  ref: ContactRef;
  /** Two-way sync is on for the connection (the live settings say so). */
  twoWay?: boolean;
}

/**
 * The contact first (its person and lead are what conversations attach to), then its conversations.
 * Throws what an activity threw: the workflow turns that into a park (one place for failures).
 */
export async function syncContact(
  ctx: StepContext,
  state: ContactSyncState,
  work: SyncWork,
  startedAt: string,
): Promise<SyncOutcome> {
  const { acts, ref } = ctx;
  const { conversations } = work;
  // Two-way sync: a Krayin change first reaches the contact; a field Chatwoot won forces the forward write.
  // (A Krayin change handed over before two-way sync was switched off is dropped: nothing polls any more.)
  const twoWay = ctx.twoWay === true && patched(TWO_WAY_PATCH);
  const chatwootChangedAt = work.chatwootChangedAt ?? null;
  let force = work.force;
  if (twoWay && work.krayinPersonUpdatedAt !== undefined) {
    const brought = await bringKrayinPerson(ctx, state, chatwootChangedAt);
    if (brought.forceForward) force = true;
  }
  const plan = await planContactSync(acts, {
    ...ref,
    force,
    conversationStarted: conversations.length > 0,
  });
  let outcome: Extract<SyncOutcome, { kind: 'synced' | 'unchanged' }>;
  let contact: ContactTarget;
  switch (plan.kind) {
    case 'unchanged':
      outcome = { kind: 'unchanged' };
      contact = { personId: plan.links.personId, leadId: plan.links.leadId };
      state.onLinksSeen(plan.links);
      break;
    case 'sync': {
      const written = await writeToKrayin(ctx, plan, startedAt, conversations, twoWay ? { chatwootChangedAt } : null);
      const { synced, leadSeen } = written;
      if (written.conflicts) state.onConflicts(written.conflicts);
      // Fields Krayin won were kept in Krayin: now they go to Chatwoot too.
      if (written.chatwootBehind) await applyToChatwoot(ctx, state, written.chatwootBehind, chatwootChangedAt);
      outcome = synced;
      contact = { personId: synced.personId, leadId: synced.leadId, ...(leadSeen ? { leadSeen } : {}) };
      break;
    }
    case 'gone': {
      const handled = patched(CHATWOOT_DELETE_PATCH) ? await handleGone(ctx) : undefined;
      if (handled?.parked) return await park(ctx, handled.parked, 'parked', startedAt);
      await acts.store.recordGone.executeWithOptions({ summary: say.recordGone(ref.contactId) }, [
        { ...ref, startedAt, ...(handled ? { handled: handled.detail } : {}) },
      ]);
      return { kind: 'gone' };
    }
    case 'skip':
      await remember(ctx, conversations);
      await acts.store.recordSkipped.executeWithOptions({ summary: say.recordSkipped(ref.contactId) }, [
        { ...ref, note: plan.note, startedAt },
      ]);
      return { kind: 'skipped', note: plan.note };
    case 'invalid':
      await remember(ctx, conversations);
      return await park(
        ctx,
        { kind: 'mapping', message: plan.problems.map((p) => `${p.field}: ${p.message}`).join('; ') },
        'parked',
        startedAt,
      );
  }

  // After the forward write: a lead it just created or moved is shown as it now is.
  if (twoWay && work.krayinLeadId !== undefined && patched(CRM_FACTS_PATCH))
    await bringKrayinLead(ctx, work.krayinLeadId);
  if (twoWay && work.krayinActivities && patched(ACTIVITY_NOTES_PATCH))
    await noteKrayinActivities(ctx, work.krayinActivities);

  const conversationsSynced = await syncConversations(ctx, state, contact, [
    ...new Set([...conversations, ...plan.unsyncedConversations]),
  ]);
  return conversationsSynced > 0 ? { ...outcome, conversationsSynced } : outcome;
}

/**
 * A linked contact Chatwoot answers 404 for. Merged into another contact: its Krayin links move there (a
 * survivor that links another person is parked for an operator: Krayin persons are never merged). Else
 * deleted: ON_CHATWOOT_DELETE (keep / tag / delete_person) is applied on the Krayin queue.
 */
async function handleGone({ acts, ref }: StepContext): Promise<{
  detail: Record<string, string | number | null>;
  parked?: ParkReason;
}> {
  const { contactId } = ref;
  const target = await acts.chatwoot.findMergeTarget.executeWithOptions({ summary: say.findMergeTarget(contactId) }, [
    ref,
  ]);
  if (target.survivor !== null) {
    const survivor = target.survivor;
    const how = await acts.store.relinkMergedContact.executeWithOptions(
      { summary: say.relinkMergedContact(contactId, survivor) },
      [{ ...ref, survivor }],
    );
    if (how === 'conflict') {
      return {
        detail: { mergedInto: survivor, relink: how },
        parked: {
          kind: 'ambiguous',
          message: `merged in Chatwoot into contact ${survivor}, which is linked to another Krayin person: merge or relink them in Krayin, then retry`,
        },
      };
    }
    return { detail: { mergedInto: survivor, relink: how } };
  }
  if (target.policy === 'keep') return { detail: { policy: 'keep', action: 'none' } };
  const applied = await acts.krayin.applyChatwootDeletePolicy.executeWithOptions(
    { summary: say.applyChatwootDeletePolicy(contactId, target.policy) },
    [ref],
  );
  return {
    detail: {
      policy: applied.policy,
      action: applied.action,
      personId: applied.personId,
      leadId: applied.leadId,
      ...(applied.why ? { why: applied.why } : {}),
    },
  };
}

/**
 * Reads a linked Krayin lead (within the connection's Krayin budget) and shows its CRM facts on the
 * Chatwoot contact. A lead that is gone or no longer this contact's writes nothing: the forward sync
 * verifies its lead link before every write to it and relinks then.
 */
async function bringKrayinLead({ acts, ref }: StepContext, leadId: number): Promise<void> {
  const read = await acts.krayin.readLeadForChatwoot.executeWithOptions(
    { summary: say.readLeadForChatwoot(ref.contactId, leadId) },
    [{ ...ref, leadId }],
  );
  if (read.kind !== 'found') return;
  await acts.chatwoot.applyLeadToChatwoot.executeWithOptions(
    { summary: say.applyLeadToChatwoot(ref.contactId, leadId) },
    [{ ...ref, leadId, facts: read.facts }],
  );
}

/**
 * Reads each Krayin activity (within the connection's Krayin budget) and notes it in the contact's open
 * conversation; the note activity skips one already noted as it is now.
 */
async function noteKrayinActivities({ acts, ref }: StepContext, activities: KrayinActivityRef[]): Promise<void> {
  for (const activity of activities) {
    const read = await acts.krayin.readKrayinActivity.executeWithOptions(
      { summary: say.readKrayinActivity(ref.contactId, activity.id) },
      [{ ...ref, activity }],
    );
    if (read.kind !== 'found') continue;
    await acts.chatwoot.noteKrayinActivity.executeWithOptions(
      { summary: say.noteKrayinActivity(ref.contactId, activity.id) },
      [{ ...ref, facts: read.facts }],
    );
  }
}

/** Reads the contact's linked Krayin person and brings what Krayin won to the Chatwoot contact. */
async function bringKrayinPerson(
  ctx: StepContext,
  state: ContactSyncState,
  chatwootChangedAt: string | null,
): Promise<{ forceForward: boolean }> {
  const { acts, ref } = ctx;
  const read = await acts.krayin.readPersonForTwoWay.executeWithOptions(
    { summary: say.readPersonForTwoWay(ref.contactId) },
    [ref],
  );
  // Unlinked, gone or no longer ours: the forward sync below finds (or creates) the right person.
  if (read.kind !== 'person') return { forceForward: false };
  return applyToChatwoot(ctx, state, read, chatwootChangedAt);
}

async function applyToChatwoot(
  { acts, ref }: StepContext,
  state: ContactSyncState,
  person: Pick<Extract<ReadPersonResult, { kind: 'person' }>, 'personId' | 'person' | 'updatedAt'>,
  chatwootChangedAt: string | null,
): Promise<{ forceForward: boolean }> {
  const applied = await acts.chatwoot.applyKrayinPerson.executeWithOptions(
    { summary: say.applyKrayinPerson(ref.contactId, person.personId) },
    [
      {
        ...ref,
        personId: person.personId,
        person: person.person,
        krayinUpdatedAt: person.updatedAt,
        chatwootChangedAt,
      },
    ],
  );
  if (applied.kind !== 'applied') return { forceForward: false };
  state.onConflicts(applied.conflicts);
  return { forceForward: applied.forceForward };
}

/** Each conversation in display-id order; returns how many had their activity written. */
async function syncConversations(
  ctx: StepContext,
  state: ContactSyncState,
  contact: ContactTarget,
  conversationIds: number[],
): Promise<number> {
  let synced = 0;
  let target = contact;
  for (const conversationId of conversationIds.sort((a, b) => a - b)) {
    const flow = await syncConversationFlow(ctx.acts, ctx.ref, conversationId, target);
    if (flow.outcome === 'synced') synced++;
    if (flow.outcome === 'lead_gone') state.onLeadGone(conversationId);
    // The next conversation knows the lead's stage only if this one left it where it was, or moved it.
    if (target.leadSeen && (flow.stageMovedTo !== null || flow.stageChecked === false)) {
      target = { ...target, leadSeen: { ...target.leadSeen, stageId: flow.stageMovedTo } };
    }
    if (flow.outcome === 'lead_gone') target = { personId: target.personId, leadId: target.leadId };
  }
  return synced;
}

/** Conversations that could not be written now are kept in the store, so none is forgotten. */
export async function remember(ctx: StepContext, conversationIds: number[]): Promise<void> {
  if (conversationIds.length === 0) return;
  await ctx.acts.store.rememberConversations.executeWithOptions(
    { summary: say.rememberConversations(conversationIds) },
    [{ ...ctx.ref, conversationIds }],
  );
}

/** Records why the contact cannot sync now (parked: retrying cannot fix it; failed: unexpected). */
export async function park(
  ctx: StepContext,
  reason: ParkReason,
  status: 'parked' | 'failed',
  startedAt: string,
): Promise<SyncOutcome> {
  await ctx.acts.store.recordParked.executeWithOptions(
    { summary: say.recordParked(ctx.ref.contactId, status, reason.kind) },
    [{ ...ctx.ref, reason, status, startedAt }],
  );
  return status === 'parked' ? { kind: 'parked', reason } : { kind: 'failed', reason };
}

/**
 * Organization, then person, then lead: each step only when its part of the mapped state changed
 * or is not linked yet, so an update touching one field costs one step, not three.
 */
async function writeToKrayin(
  { acts, ref }: StepContext,
  plan: Extract<Plan, { kind: 'sync' }>,
  startedAt: string,
  conversations: number[],
  twoWay: { chatwootChangedAt: string | null } | null,
): Promise<{
  synced: Extract<SyncOutcome, { kind: 'synced' }>;
  leadSeen: LeadSeen | null;
  chatwootBehind?: SyncPersonResult['chatwootBehind'];
  conflicts?: SyncPersonResult['conflicts'];
}> {
  const { changed, links } = plan;
  const { contactId } = ref;
  // Since CALL_CUTS_PATCH a lead created now starts in the stage this round's conversations call for,
  // and what the round learns about the lead is handed to the conversation steps.
  const cuts = patched(CALL_CUTS_PATCH);
  const roundConversations = cuts && conversations.length > 0 ? { conversationIds: conversations } : {};
  let leadSeen: LeadSeen | null = null;
  // Since VERIFY_LINKS_PATCH, every step that writes through a stored id verifies it first (the
  // activities check the record is still ours), so a lead about to be created makes the person (and
  // organization) be verified too, instead of trusting ids a restored Krayin may have handed out again.
  const verifyLinks = patched(VERIFY_LINKS_PATCH);
  const leadToEnsure = plan.lead !== null && links.leadId === null;
  const writePerson =
    links.personId === null || changed.person || changed.organization || (verifyLinks && leadToEnsure);

  // Since CALL_CUTS_PATCH a linked organization that only needs verifying is verified by the person
  // step (through the person it reads), instead of an organization read of its own.
  const organizationViaPerson =
    cuts && plan.organization !== null && !changed.organization && links.organizationId !== null && writePerson;
  let organizationId: number | null = null;
  if (plan.organization) {
    organizationId =
      !organizationViaPerson && (changed.organization || links.organizationId === null || (verifyLinks && writePerson))
        ? (
            await acts.krayin.syncOrganization.executeWithOptions(
              { summary: say.syncOrganization(contactId, links.organizationId) },
              [{ ...ref, organization: plan.organization }],
            )
          ).organizationId
        : links.organizationId;
  }

  let personId = links.personId;
  let leadId = links.leadId;
  let chatwootBehind: SyncPersonResult['chatwootBehind'];
  let conflicts: SyncPersonResult['conflicts'];
  if (personId === null || writePerson) {
    const person = await acts.krayin.syncPerson.executeWithOptions(
      { summary: say.syncPerson(contactId, personId, plan.lead !== null && leadId === null) },
      [
        {
          ...ref,
          identity: plan.identity,
          person: plan.person,
          organizationId,
          lead: plan.lead,
          ...roundConversations,
          ...(organizationViaPerson && plan.organization ? { organization: plan.organization } : {}),
          ...(twoWay?.chatwootChangedAt ? { chatwootChangedAt: twoWay.chatwootChangedAt } : {}),
          // The company the two-way sync compares with the person's organization (an input only: replays alike).
          ...(twoWay ? { companyName: plan.organization?.name ?? null } : {}),
        },
      ],
    );
    if (twoWay && person.chatwootBehind) chatwootBehind = person.chatwootBehind;
    if (twoWay && person.conflicts) conflicts = person.conflicts;
    personId = person.personId;
    if (organizationViaPerson && person.organizationId !== undefined) organizationId = person.organizationId;
    leadId = person.leadId ?? leadId;
    if (cuts && person.leadId !== null && person.leadSeen) leadSeen = person.leadSeen;
  }

  if (!plan.lead) leadId = links.leadId;
  else if (leadId === null) {
    const lead = plan.lead;
    const ensured = await acts.krayin.ensureLead.executeWithOptions({ summary: say.ensureLead(contactId, personId) }, [
      { ...ref, personId, lead, ...roundConversations },
    ]);
    leadId = ensured.leadId;
    if (cuts && ensured.leadSeen) leadSeen = ensured.leadSeen;
  }

  await acts.store.recordSynced.executeWithOptions({ summary: say.recordSynced(contactId, personId, leadId) }, [
    { ...ref, hash: plan.hash, personId, leadId, organizationId, startedAt },
  ]);
  return {
    synced: { kind: 'synced', personId, leadId, organizationId },
    leadSeen: leadId !== null ? leadSeen : null,
    ...(chatwootBehind ? { chatwootBehind } : {}),
    ...(conflicts ? { conflicts } : {}),
  };
}
