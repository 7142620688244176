/**
 * What one contact workflow knows between two syncs: work waiting, the last outcome and what it means
 * for the contact's status, counters, conversations with news, the Krayin records last seen linked.
 *
 * Pure: no Temporal calls, so it is unit-tested without a server (test/unit/workflow-contact-state.test.ts).
 * The workflow passes the time in (workflow time) and applies the search attribute updates it returns,
 * which keeps the commands the workflow issues where they were before this class existed.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CarriedState, ContactEventSignalPayload, ContactSyncStatus, SyncOutcome, TwoWayStatus } from './api';
import type { KrayinActivityRef, KrayinChange } from './krayin-poll-api';
import { KrayinLeadIdKey, KrayinPersonIdKey, LastSyncedAtKey, SyncStatusKey } from './search-attributes';
import type { CurrentDetailsInput } from './ui-metadata';
import type { ParkReason } from '../src/store/types';
import { DeliveryDeduper } from './delivery-deduper';

export type KrayinIds = CurrentDetailsInput['krayin'];
export type Phase = ContactSyncStatus['status'];
export type SyncStatus = ContactSyncStatus['syncStatus'];

/**
 * Events a backfill hands over (activities/backfill.ts: backfill_contact, backfill_conversation). A round
 * made only of these is background work: its Krayin calls take what live traffic leaves of the budget.
 */
export function isBackfillEvent(event: string): boolean {
  return event.startsWith('backfill_');
}

/** What one sync round works on, taken from the state when the burst has settled. */
export interface SyncWork {
  /** A retry signal asked for this round: write even if nothing changed. */
  force: boolean;
  /** Every event of this round came from a backfill (no webhook, no retry): Krayin calls at background priority. */
  background: boolean;
  /** Conversations with news (display ids); they sync after the contact. */
  conversations: number[];
  /** Two-way sync: the Krayin poll saw the contact's person change (its updated_at); absent otherwise. */
  krayinPersonUpdatedAt?: string;
  /** Two-way sync: the Krayin poll saw this linked lead change; its CRM facts go to the Chatwoot contact. */
  krayinLeadId?: number;
  /** CRM_ACTIVITY_NOTES: sales users' Krayin activities on the contact's lead or person, to note in Chatwoot. */
  krayinActivities?: KrayinActivityRef[];
  /** The latest live webhook of this round (its changedAt, else receivedAt): when the contact last changed in Chatwoot. */
  chatwootChangedAt?: string;
}

/** How many decided conflicts the status query shows. */
export const RECENT_CONFLICTS = 5;

export class ContactSyncState {
  phase: Phase = 'idle';
  /** Workflow time (ms) of the last event or retry: the debounce waits for it to stand still. */
  lastEventAt = 0;
  /** Two-way sync: a Krayin person change waiting for the next round (its newest updated_at). */
  private krayinPersonUpdatedAt: string | null = null;
  /** Two-way sync: a Krayin lead change waiting for the next round (the latest lead's id). */
  private krayinLeadId: number | null = null;
  /** CRM_ACTIVITY_NOTES: Krayin activities waiting for the next round (each id once). */
  private krayinActivities: KrayinActivityRef[] = [];
  /** The latest live webhook's change time (changedAt, else receivedAt) since the last round (handed on only while two-way sync is on). */
  private chatwootChangedAt: string | null = null;
  /** Two-way sync is on for the connection (the workflow sets it from the live settings). */
  twoWayOn = false;
  private twoWay: TwoWayStatus = { krayinChanges: 0, krayinLeadChanges: 0, conflicts: [] };

  private constructor(
    readonly connectionId: string,
    readonly contactId: number,
    private readonly deliveries: DeliveryDeduper,
    private pending: boolean,
    private retryRequested: boolean,
    private parkReason: ParkReason | null,
    private syncStatus: SyncStatus,
    private lastOutcome: SyncOutcome | null,
    private syncCount: number,
    private eventsReceived: number,
    private duplicatesIgnored: number,
    private readonly dirtyConversations: Set<number>,
    private krayin: KrayinIds,
    /** Pending work includes a webhook, a retry or a lead-gone resync (not only backfill events). */
    private livePending: boolean,
  ) {}

  /** A new run: fresh, or continuing the previous run's state after continue-as-new. */
  static fromCarried(ref: { connectionId: string; contactId: number }, carried?: CarriedState): ContactSyncState {
    const lastOutcome = carried?.lastOutcome ?? null;
    const state = new ContactSyncState(
      ref.connectionId,
      ref.contactId,
      new DeliveryDeduper(carried?.recentDeliveries ?? []),
      carried?.pending ?? false,
      carried?.retryRequested ?? false,
      carried?.parkReason ?? null,
      carried?.syncStatus ?? 'pending',
      lastOutcome,
      carried?.syncCount ?? 0,
      carried?.eventsReceived ?? 0,
      carried?.duplicatesIgnored ?? 0,
      new Set(carried?.dirtyConversations ?? []),
      // Runs before krayinIds was carried derive them from the last outcome.
      carried?.krayinIds ?? krayinIdsOf(lastOutcome),
      // Runs before the flag was carried: any carried pending work counts as live.
      carried?.livePending ?? carried?.pending ?? false,
    );
    if (carried?.twoWay) {
      state.twoWay = carried.twoWay.status;
      state.krayinPersonUpdatedAt = carried.twoWay.krayinPersonUpdatedAt;
      state.chatwootChangedAt = carried.twoWay.chatwootChangedAt;
      state.krayinLeadId = carried.twoWay.krayinLeadId ?? null;
      state.krayinActivities = carried.twoWay.krayinActivities ?? [];
    }
    return state;
  }

  /** What the next run needs (the store holds everything else). */
  toCarried(): CarriedState {
    return {
      recentDeliveries: this.deliveries.toArray(),
      pending: this.pending,
      retryRequested: this.retryRequested,
      parkReason: this.parkReason,
      syncStatus: this.syncStatus,
      lastOutcome: this.lastOutcome,
      syncCount: this.syncCount,
      eventsReceived: this.eventsReceived,
      duplicatesIgnored: this.duplicatesIgnored,
      dirtyConversations: [...this.dirtyConversations],
      krayinIds: this.krayin,
      livePending: this.livePending,
      ...(this.twoWayUsed()
        ? {
            twoWay: {
              status: this.twoWay,
              krayinPersonUpdatedAt: this.krayinPersonUpdatedAt,
              chatwootChangedAt: this.chatwootChangedAt,
              ...(this.krayinLeadId !== null ? { krayinLeadId: this.krayinLeadId } : {}),
              ...(this.krayinActivities.length > 0 ? { krayinActivities: this.krayinActivities } : {}),
            },
          }
        : {}),
    };
  }

  private twoWayUsed(): boolean {
    return this.twoWayOn || this.twoWay.krayinChanges > 0 || this.twoWay.conflicts.length > 0;
  }

  /**
   * Two-way sync: the Krayin poll saw this contact's person or lead change: work for the next round,
   * coalesced with the webhooks of the same burst. `leadsWired` is false in runs recorded before lead
   * changes were brought to Chatwoot (they only counted them). false: nothing to do.
   */
  onKrayinChange(change: KrayinChange, now: number, leadsWired = true): boolean {
    this.twoWay.krayinChanges++;
    if (change.personId === undefined) {
      this.twoWay.krayinLeadChanges++;
      if (!leadsWired || change.leadId === undefined) return false;
      this.krayinLeadId = change.leadId;
    } else if (this.krayinPersonUpdatedAt === null || change.updatedAt > this.krayinPersonUpdatedAt) {
      this.krayinPersonUpdatedAt = change.updatedAt;
    }
    this.livePending = true;
    this.pending = true;
    this.lastEventAt = now;
    return true;
  }

  /**
   * CRM_ACTIVITY_NOTES: the Krayin poll saw a sales user's activity on this contact's lead or person: to
   * note in the next round, coalesced with the burst's other events. An id already waiting is kept once.
   */
  onKrayinActivity(activity: KrayinActivityRef, now: number): void {
    if (!this.krayinActivities.some((a) => a.id === activity.id)) this.krayinActivities.push(activity);
    this.livePending = true;
    this.pending = true;
    this.lastEventAt = now;
  }

  /** Conflicts a round decided (newest last); the status query shows the last few. */
  onConflicts(conflicts: TwoWayStatus['conflicts']): void {
    if (conflicts.length === 0) return;
    this.twoWay.conflicts = [...this.twoWay.conflicts, ...conflicts].slice(-RECENT_CONFLICTS);
  }

  /**
   * A webhook delivery arrived. false: a delivery already seen (ignored, counted). `useChangedAt`
   * (patch chatwoot-change-time): the event's own change time, when it carries one, stands for when
   * the contact changed in Chatwoot, instead of the time the webhook arrived.
   */
  onEvent(event: ContactEventSignalPayload, now: number, useChangedAt = false): boolean {
    if (!this.deliveries.add(event.deliveryId)) {
      this.duplicatesIgnored++;
      return false;
    }
    this.eventsReceived++;
    if (!isBackfillEvent(event.event)) {
      this.livePending = true;
      const changedAt = useChangedAt && event.changedAt !== undefined ? event.changedAt : event.receivedAt;
      if (this.chatwootChangedAt === null || changedAt > this.chatwootChangedAt) {
        this.chatwootChangedAt = changedAt;
      }
    }
    if (event.conversationId !== undefined) this.dirtyConversations.add(event.conversationId);
    this.pending = true;
    this.lastEventAt = now;
    return true;
  }

  /** Someone asked to sync now, even without new data (resumes a parked or failed contact). */
  onRetry(now: number): void {
    this.retryRequested = true;
    this.livePending = true;
    this.pending = true;
    this.lastEventAt = now;
  }

  /** Is there work for a sync round? */
  hasWork(): boolean {
    return this.pending;
  }

  /** The burst has settled: take what the round works on (later events are the next round's work). */
  takeWork(): SyncWork {
    const work: SyncWork = {
      force: this.retryRequested,
      background: this.pending && !this.livePending,
      conversations: [...this.dirtyConversations],
      ...(this.krayinPersonUpdatedAt !== null ? { krayinPersonUpdatedAt: this.krayinPersonUpdatedAt } : {}),
      ...(this.krayinLeadId !== null ? { krayinLeadId: this.krayinLeadId } : {}),
      ...(this.krayinActivities.length > 0 ? { krayinActivities: this.krayinActivities } : {}),
      ...(this.twoWayOn && this.chatwootChangedAt !== null ? { chatwootChangedAt: this.chatwootChangedAt } : {}),
    };
    this.krayinPersonUpdatedAt = null;
    this.krayinLeadId = null;
    this.krayinActivities = [];
    this.chatwootChangedAt = null;
    this.pending = false;
    this.livePending = false;
    this.retryRequested = false;
    this.dirtyConversations.clear();
    return work;
  }

  /**
   * A conversation could not be written because its lead was deleted in Krayin: the contact syncs
   * again in the next round (which finds or creates a lead), then this conversation.
   */
  onLeadGone(conversationId: number): void {
    this.dirtyConversations.add(conversationId);
    this.livePending = true;
    this.pending = true;
  }

  /** The contact turned out unchanged: its stored links are the Krayin records to show. */
  onLinksSeen(links: KrayinIds): void {
    this.krayin = { ...links };
  }

  /**
   * Records a round's outcome and moves the contact's status. Returns the search attribute updates
   * the workflow must apply (empty: none), so the status in the UI's list follows the state.
   */
  applyOutcome(outcome: SyncOutcome, now: Date): SearchAttributeUpdatePair[] {
    this.lastOutcome = outcome;
    this.syncCount++;
    switch (outcome.kind) {
      case 'synced':
        this.parkReason = null;
        this.syncStatus = 'synced';
        this.krayin = krayinIdsOf(outcome);
        return [
          { key: SyncStatusKey, value: 'synced' },
          { key: KrayinPersonIdKey, value: String(outcome.personId) },
          { key: KrayinLeadIdKey, value: outcome.leadId === null ? null : String(outcome.leadId) },
          { key: LastSyncedAtKey, value: now },
        ];
      case 'unchanged':
        if (this.syncStatus === 'synced' || this.syncStatus === 'skipped') return [];
        this.parkReason = null;
        this.syncStatus = 'synced';
        return [{ key: SyncStatusKey, value: 'synced' }];
      case 'skipped':
      case 'gone':
        this.parkReason = null;
        this.syncStatus = 'skipped';
        return [{ key: SyncStatusKey, value: 'skipped' }];
      case 'parked':
      case 'failed':
        this.parkReason = outcome.reason;
        this.syncStatus = outcome.kind;
        return [{ key: SyncStatusKey, value: outcome.kind }];
    }
  }

  outcome(): SyncOutcome | null {
    return this.lastOutcome;
  }

  /** The status query's answer. */
  status(): ContactSyncStatus {
    return {
      connectionId: this.connectionId,
      contactId: this.contactId,
      status: this.phase,
      syncStatus: this.syncStatus,
      parkReason: this.parkReason,
      lastOutcome: this.lastOutcome,
      syncCount: this.syncCount,
      eventsReceived: this.eventsReceived,
      duplicatesIgnored: this.duplicatesIgnored,
      ...(this.twoWayUsed() ? { twoWay: this.twoWay } : {}),
    };
  }

  /** What the Temporal UI's current details are built from. */
  details(): CurrentDetailsInput {
    return {
      connectionId: this.connectionId,
      contactId: this.contactId,
      phase: this.phase,
      syncStatus: this.syncStatus,
      lastOutcome: this.lastOutcome,
      parkReason: this.parkReason,
      krayin: this.krayin,
      syncCount: this.syncCount,
      eventsReceived: this.eventsReceived,
      duplicatesIgnored: this.duplicatesIgnored,
      pendingConversations: [...this.dirtyConversations],
    };
  }
}

function krayinIdsOf(outcome: SyncOutcome | null): KrayinIds {
  return outcome?.kind === 'synced'
    ? { personId: outcome.personId, leadId: outcome.leadId, organizationId: outcome.organizationId }
    : { personId: null, leadId: null, organizationId: null };
}
