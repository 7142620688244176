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
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityFunctions, PlanResult } from '../activities/contracts';
import {
  contactEventSignal,
  krayinTaskQueue,
  retrySignal,
  statusQuery,
  type CarriedState,
  type ContactSyncInput,
  type ContactSyncStatus,
  type SyncOutcome,
} from '../src/shared/contact-sync-api';
import { FailureType, NON_RETRYABLE_FAILURES } from '../src/shared/failure-types';
import { CHATWOOT_RETRY, KRAYIN_RETRY, STORE_RETRY } from '../src/shared/retry-policies';
import { KrayinLeadIdKey, KrayinPersonIdKey, LastSyncedAtKey, SyncStatusKey } from '../src/shared/search-attributes';
import type { ParkReason } from '../src/store/types';
import { DeliveryDeduper } from './delivery-deduper';

export async function contactSync(input: ContactSyncInput): Promise<SyncOutcome | null> {
  const { connectionId, contactId, settings } = input;
  const ref = { connectionId, contactId };
  const acts = activityProxies(settings.activityTimeoutMs, connectionId);

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
  let lastEventAt = 0;
  let phase: ContactSyncStatus['status'] = 'idle';

  setHandler(contactEventSignal, (event) => {
    if (!deliveries.add(event.deliveryId)) {
      duplicatesIgnored++;
      return;
    }
    eventsReceived++;
    pending = true;
    lastEventAt = Date.now();
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

  for (;;) {
    phase = 'idle';
    const woke = await condition(() => pending, settings.idleCloseMs);
    if (!woke) {
      // Idle: close this run. The next event starts a new one, which reloads state from the store.
      await condition(allHandlersFinished);
      if (!pending) return lastOutcome;
    }

    phase = 'waiting';
    await letBurstSettle();
    pending = false;
    const force = retryRequested;
    retryRequested = false;

    phase = 'syncing';
    lastOutcome = await syncOnce(force);
    syncCount++;
    applyOutcome(lastOutcome);

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
      };
      await continueAsNew<typeof contactSync>({ ...input, carried: next });
    }
  }

  /** Trailing debounce: wait until no event arrived for `debounceMs`, but never longer than `maxDebounceMs`. */
  async function letBurstSettle(): Promise<void> {
    const startedAt = Date.now();
    for (;;) {
      const seen = lastEventAt;
      await sleep(settings.debounceMs);
      if (lastEventAt === seen || Date.now() - startedAt >= settings.maxDebounceMs) return;
    }
  }

  async function syncOnce(force: boolean): Promise<SyncOutcome> {
    try {
      const plan = await acts.chatwoot.planContactSync({ ...ref, force });
      switch (plan.kind) {
        case 'unchanged':
          return { kind: 'unchanged' };
        case 'gone':
          await acts.store.recordGone(ref);
          return { kind: 'gone' };
        case 'skip':
          await acts.store.recordSkipped({ ...ref, note: plan.note });
          return { kind: 'skipped', note: plan.note };
        case 'invalid':
          return await park({
            kind: 'mapping',
            message: plan.problems.map((p) => `${p.field}: ${p.message}`).join('; '),
          });
        case 'sync':
          return await writeToKrayin(plan);
      }
    } catch (err) {
      return await park(reasonFromFailure(err), isKnownNonRetryable(err) ? 'parked' : 'failed');
    }
  }

  /**
   * Organization, then person, then lead: each step only when its part of the mapped state changed
   * or is not linked yet, so an update touching one field costs one step, not three.
   */
  async function writeToKrayin(plan: Extract<PlanResult, { kind: 'sync' }>): Promise<SyncOutcome> {
    const { changed, links } = plan;

    let organizationId: number | null = null;
    if (plan.organization) {
      organizationId =
        changed.organization || links.organizationId === null
          ? (await acts.krayin.syncOrganization({ ...ref, organization: plan.organization })).organizationId
          : links.organizationId;
    }

    let personId = links.personId;
    let leadId = links.leadId;
    if (personId === null || changed.person || changed.organization) {
      const person = await acts.krayin.syncPerson({
        ...ref,
        identity: plan.identity,
        person: plan.person,
        organizationId,
        lead: plan.lead,
      });
      personId = person.personId;
      leadId = person.leadId ?? leadId;
    }

    if (!plan.lead) leadId = links.leadId;
    else if (leadId === null) leadId = (await acts.krayin.ensureLead({ ...ref, personId, lead: plan.lead })).leadId;

    await acts.store.recordSynced({ ...ref, hash: plan.hash, personId, leadId, organizationId });
    return { kind: 'synced', personId, leadId, organizationId };
  }

  async function park(reason: ParkReason, status: 'parked' | 'failed' = 'parked'): Promise<SyncOutcome> {
    await acts.store.recordParked({ ...ref, reason, status });
    return status === 'parked' ? { kind: 'parked', reason } : { kind: 'failed', reason };
  }

  function applyOutcome(outcome: SyncOutcome): void {
    switch (outcome.kind) {
      case 'synced':
        parkReason = null;
        syncStatus = 'synced';
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

function activityProxies(activityTimeoutMs: number, connectionId: string) {
  const krayin = proxyActivities<ActivityFunctions>({
    taskQueue: krayinTaskQueue(workflowInfo().taskQueue, connectionId),
    startToCloseTimeout: activityTimeoutMs,
    retry: KRAYIN_RETRY,
  });
  const chatwoot = proxyActivities<ActivityFunctions>({
    startToCloseTimeout: activityTimeoutMs,
    retry: CHATWOOT_RETRY,
  });
  const store = proxyActivities<ActivityFunctions>({
    startToCloseTimeout: '30s',
    retry: STORE_RETRY,
  });
  return { krayin, chatwoot, store };
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
