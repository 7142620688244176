/**
 * One workflow per Chatwoot contact (`contact:<connection>:<contactId>`).
 *
 * It serializes everything that happens to one contact, so contact_created, contact_updated and
 * conversation events arriving within milliseconds can never race into duplicate Krayin records,
 * while other contacts sync in parallel. The business process:
 *
 *   wait for an event -> let the burst settle (debounce) -> read the contact's current state
 *   -> nothing changed? done -> organization -> person -> lead -> record the outcome
 *
 * Failures that retrying cannot fix park the contact (visible as SyncStatus=parked with the reason)
 * until new data or a `retry` signal arrives. Other failures are retried by the activities' policies.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  contactEventSignal,
  retrySignal,
  statusQuery,
  type CarriedState,
  type ContactSyncInput,
  type ContactSyncStatus,
  type ParkReason,
  type SyncOutcome,
} from './api';
import { FailureType, NON_RETRYABLE_FAILURES } from '../src/shared/failure-types';
import { KrayinLeadIdKey, KrayinPersonIdKey, LastSyncedAtKey, SyncStatusKey } from './search-attributes';
import { activitySummaries as say, currentDetails, debounceTimerSummary, idleCloseTimerSummary } from './ui-metadata';
import { activityProxies } from './activity-proxies';
import { syncConversationFlow } from './conversation-flow';
import { DeliveryDeduper } from './delivery-deduper';
import { currentSettings } from './live-settings';
import { planContactSync, type Plan } from './plan-step';

/**
 * Workflow changes that alter the commands of a running workflow are gated by `patched(id)`, so
 * histories recorded by the previous code still replay (docs/operations.md, "Upgrading").
 * verify-links-before-write: the organization is synced (verified) whenever the person is, and the
 * person whenever a lead is about to be ensured.
 */
const VERIFY_LINKS_PATCH = 'verify-links-before-write';

export async function contactSync(input: ContactSyncInput): Promise<SyncOutcome | null> {
  const { connectionId, contactId } = input;
  const ref = { connectionId, contactId };

  const carried = input.carried;
  const deliveries = new DeliveryDeduper(carried?.recentDeliveries ?? []);
  let pending = carried?.pending ?? false;
  let retryRequested = carried?.retryRequested ?? false;
  let parkReason: ParkReason | null = carried?.parkReason ?? null;
  let syncStatus: ContactSyncStatus['syncStatus'] = carried?.syncStatus ?? 'pending';
  let lastOutcome: SyncOutcome | null = carried?.lastOutcome ?? null;
  let syncCount = carried?.syncCount ?? 0;
  let eventsReceived = carried?.eventsReceived ?? 0;
  let duplicatesIgnored = carried?.duplicatesIgnored ?? 0;
  /** Conversations with news since the last sync (display ids); they sync after the contact. */
  const dirtyConversations = new Set<number>(carried?.dirtyConversations ?? []);
  let lastEventAt = 0;
  let phase: ContactSyncStatus['status'] = 'idle';
  /** Krayin records of the contact as last seen by this run (for the UI's current details). */
  let krayin = carried?.krayinIds ?? krayinIdsOf(lastOutcome);

  setHandler(contactEventSignal, (event) => {
    if (!deliveries.add(event.deliveryId)) {
      duplicatesIgnored++;
      return;
    }
    eventsReceived++;
    if (event.conversationId !== undefined) dirtyConversations.add(event.conversationId);
    pending = true;
    lastEventAt = Date.now();
    showDetails();
  });
  setHandler(retrySignal, () => {
    retryRequested = true;
    pending = true;
    lastEventAt = Date.now();
  });
  setHandler(statusQuery, () => ({
    connectionId,
    contactId,
    status: phase,
    syncStatus,
    parkReason,
    lastOutcome,
    syncCount,
    eventsReceived,
    duplicatesIgnored,
  }));

  // Timings come from the live config (workflows/live-settings.ts): now, and again after each wake.
  let settings = await currentSettings(input);
  let acts = activityProxies(settings.activityTimeoutMs, connectionId);
  /** Just read at the start of the run: the first wake needs no second read. */
  let settingsRead = true;

  for (;;) {
    enterPhase('idle');
    const woke = await condition(() => pending, settings.idleCloseMs, {
      summary: idleCloseTimerSummary(settings.idleCloseMs),
    });
    if (!woke) {
      // Idle: close this run. The next event starts a new one, which reloads state from the store.
      await condition(allHandlersFinished);
      if (!pending) return lastOutcome;
    }

    enterPhase('waiting');
    if (settingsRead) settingsRead = false;
    else {
      settings = await currentSettings(input);
      acts = activityProxies(settings.activityTimeoutMs, connectionId);
    }
    await letBurstSettle();
    pending = false;
    const force = retryRequested;
    retryRequested = false;

    enterPhase('syncing');
    lastOutcome = await syncOnce(force);
    syncCount++;
    applyOutcome(lastOutcome);
    showDetails();

    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      const next: CarriedState = {
        recentDeliveries: deliveries.toArray(),
        pending,
        retryRequested,
        parkReason,
        syncStatus,
        lastOutcome,
        syncCount,
        eventsReceived,
        duplicatesIgnored,
        dirtyConversations: [...dirtyConversations],
        krayinIds: krayin,
      };
      await continueAsNew<typeof contactSync>({ ...input, carried: next });
    }
  }

  /** Trailing debounce: wait until no event arrived for `debounceMs`, but never longer than `maxDebounceMs`. */
  async function letBurstSettle(): Promise<void> {
    const startedAt = Date.now();
    for (;;) {
      const seen = lastEventAt;
      await sleep(settings.debounceMs, { summary: debounceTimerSummary(settings.debounceMs) });
      if (lastEventAt === seen || Date.now() - startedAt >= settings.maxDebounceMs) return;
    }
  }

  /** The contact first (its person and lead are what conversations attach to), then its conversations. */
  async function syncOnce(force: boolean): Promise<SyncOutcome> {
    const startedAt = new Date().toISOString();
    const conversations = [...dirtyConversations];
    dirtyConversations.clear();
    try {
      const plan = await planContactSync(acts, { ...ref, force, conversationStarted: conversations.length > 0 });
      let outcome: Extract<SyncOutcome, { kind: 'synced' | 'unchanged' }>;
      let contact: { personId: number; leadId: number | null };
      switch (plan.kind) {
        case 'unchanged':
          outcome = { kind: 'unchanged' };
          contact = { personId: plan.links.personId, leadId: plan.links.leadId };
          krayin = { ...plan.links };
          break;
        case 'sync': {
          const synced = await writeToKrayin(plan, startedAt);
          outcome = synced;
          contact = { personId: synced.personId, leadId: synced.leadId };
          break;
        }
        case 'gone':
          await acts.store.recordGone.executeWithOptions({ summary: say.recordGone(contactId) }, [
            { ...ref, startedAt },
          ]);
          return { kind: 'gone' };
        case 'skip':
          await remember(conversations);
          await acts.store.recordSkipped.executeWithOptions({ summary: say.recordSkipped(contactId) }, [
            { ...ref, note: plan.note, startedAt },
          ]);
          return { kind: 'skipped', note: plan.note };
        case 'invalid':
          await remember(conversations);
          return await park(
            { kind: 'mapping', message: plan.problems.map((p) => `${p.field}: ${p.message}`).join('; ') },
            'parked',
            startedAt,
          );
      }

      const pendingConversations = [...new Set([...conversations, ...plan.unsyncedConversations])].sort(
        (a, b) => a - b,
      );
      let conversationsSynced = 0;
      for (const conversationId of pendingConversations) {
        const flow = await syncConversationFlow(acts, ref, conversationId, contact);
        if (flow.outcome === 'synced') conversationsSynced++;
        if (flow.outcome === 'lead_gone') {
          // Sales deleted the lead in Krayin: the next round finds or creates one, then writes this.
          dirtyConversations.add(conversationId);
          pending = true;
        }
      }
      return conversationsSynced > 0 ? { ...outcome, conversationsSynced } : outcome;
    } catch (err) {
      await remember(conversations);
      return await park(reasonFromFailure(err), isKnownNonRetryable(err) ? 'parked' : 'failed', startedAt);
    }
  }

  /** Conversations that could not be written now are kept in the store, so none is forgotten. */
  async function remember(conversationIds: number[]): Promise<void> {
    if (conversationIds.length === 0) return;
    await acts.store.rememberConversations.executeWithOptions({ summary: say.rememberConversations(conversationIds) }, [
      { ...ref, conversationIds },
    ]);
  }

  /**
   * Organization, then person, then lead: each step only when its part of the mapped state changed
   * or is not linked yet, so an update touching one field costs one step, not three.
   */
  async function writeToKrayin(
    plan: Extract<Plan, { kind: 'sync' }>,
    startedAt: string,
  ): Promise<Extract<SyncOutcome, { kind: 'synced' }>> {
    const { changed, links } = plan;
    // Since VERIFY_LINKS_PATCH, every step that writes through a stored id verifies it first (the
    // activities check the record is still ours), so a lead about to be created makes the person (and
    // organization) be verified too, instead of trusting ids a restored Krayin may have handed out again.
    const verifyLinks = patched(VERIFY_LINKS_PATCH);
    const leadToEnsure = plan.lead !== null && links.leadId === null;
    const writePerson =
      links.personId === null || changed.person || changed.organization || (verifyLinks && leadToEnsure);

    let organizationId: number | null = null;
    if (plan.organization) {
      organizationId =
        changed.organization || links.organizationId === null || (verifyLinks && writePerson)
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
    if (personId === null || writePerson) {
      const person = await acts.krayin.syncPerson.executeWithOptions(
        { summary: say.syncPerson(contactId, personId, plan.lead !== null && leadId === null) },
        [{ ...ref, identity: plan.identity, person: plan.person, organizationId, lead: plan.lead }],
      );
      personId = person.personId;
      leadId = person.leadId ?? leadId;
    }

    if (!plan.lead) leadId = links.leadId;
    else if (leadId === null) {
      const lead = plan.lead;
      leadId = (
        await acts.krayin.ensureLead.executeWithOptions({ summary: say.ensureLead(contactId, personId) }, [
          { ...ref, personId, lead },
        ])
      ).leadId;
    }

    await acts.store.recordSynced.executeWithOptions({ summary: say.recordSynced(contactId, personId, leadId) }, [
      { ...ref, hash: plan.hash, personId, leadId, organizationId, startedAt },
    ]);
    return { kind: 'synced', personId, leadId, organizationId };
  }

  async function park(reason: ParkReason, status: 'parked' | 'failed', startedAt: string): Promise<SyncOutcome> {
    await acts.store.recordParked.executeWithOptions({ summary: say.recordParked(contactId, status, reason.kind) }, [
      { ...ref, reason, status, startedAt },
    ]);
    return status === 'parked' ? { kind: 'parked', reason } : { kind: 'failed', reason };
  }

  function enterPhase(next: ContactSyncStatus['status']): void {
    phase = next;
    showDetails();
  }

  /** The UI's "current details" of this run (setCurrentDetails is state, not a command: replay-safe). */
  function showDetails(): void {
    setCurrentDetails(
      currentDetails({
        connectionId,
        contactId,
        phase,
        syncStatus,
        lastOutcome,
        parkReason,
        krayin,
        syncCount,
        eventsReceived,
        duplicatesIgnored,
        pendingConversations: [...dirtyConversations],
      }),
    );
  }

  function applyOutcome(outcome: SyncOutcome): void {
    switch (outcome.kind) {
      case 'synced':
        parkReason = null;
        syncStatus = 'synced';
        krayin = krayinIdsOf(outcome);
        upsertSearchAttributes([
          { key: SyncStatusKey, value: 'synced' },
          { key: KrayinPersonIdKey, value: String(outcome.personId) },
          { key: KrayinLeadIdKey, value: outcome.leadId === null ? null : String(outcome.leadId) },
          { key: LastSyncedAtKey, value: new Date() },
        ]);
        return;
      case 'unchanged':
        if (syncStatus === 'parked' || syncStatus === 'failed' || syncStatus === 'pending') {
          parkReason = null;
          syncStatus = 'synced';
          upsertSearchAttributes([{ key: SyncStatusKey, value: 'synced' }]);
        }
        return;
      case 'skipped':
      case 'gone':
        parkReason = null;
        syncStatus = 'skipped';
        upsertSearchAttributes([{ key: SyncStatusKey, value: 'skipped' }]);
        return;
      case 'parked':
      case 'failed':
        parkReason = outcome.reason;
        syncStatus = outcome.kind;
        upsertSearchAttributes([{ key: SyncStatusKey, value: outcome.kind }]);
        return;
    }
  }
}

function krayinIdsOf(outcome: SyncOutcome | null) {
  return outcome?.kind === 'synced'
    ? { personId: outcome.personId, leadId: outcome.leadId, organizationId: outcome.organizationId }
    : { personId: null, leadId: null, organizationId: null };
}

/** The ApplicationFailure an activity threw (after Temporal wrapped it in an ActivityFailure). */
function applicationFailureOf(err: unknown): ApplicationFailure | null {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) return err.cause;
  if (err instanceof ApplicationFailure) return err;
  return null;
}

function isKnownNonRetryable(err: unknown): boolean {
  const failure = applicationFailureOf(err);
  return failure !== null && NON_RETRYABLE_FAILURES.includes(failure.type as never);
}

/** A PII-free park reason from a failure: activities put a ParkReason in the failure's details. */
function reasonFromFailure(err: unknown): ParkReason {
  const failure = applicationFailureOf(err);
  const detail = failure?.details?.[0] as Partial<ParkReason> | undefined;
  if (detail && typeof detail.kind === 'string' && typeof detail.message === 'string') return detail as ParkReason;
  switch (failure?.type) {
    case FailureType.KrayinValidation:
      return { kind: 'validation', message: failure.message };
    case FailureType.KrayinAuth:
    case FailureType.ChatwootAuth:
      return { kind: 'auth', message: failure.message };
    case FailureType.MappingInvalid:
      return { kind: 'mapping', message: failure.message };
    case FailureType.KrayinAmbiguousUnresolved:
      return { kind: 'ambiguous', message: failure.message };
    default:
      return { kind: 'internal', message: failure?.message ?? (err instanceof Error ? err.message : String(err)) };
  }
}
