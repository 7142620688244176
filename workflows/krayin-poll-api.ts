/**
 * Two-way sync (Krayin -> Chatwoot), the public surface shared by the Krayin poll workflow, the contact
 * workflow, the Krayin webhook hint endpoint and the CLI. Imported by the workflow bundle, so it must stay
 * free of Node I/O. Ids only, never PII.
 */
import { defineSignal } from '@temporalio/workflow';
import type { KrayinScanCursor } from '../src/two-way/id-scan';

/** The task queue every install uses unless TEMPORAL_TASK_QUEUE says otherwise. */
const DEFAULT_TASK_QUEUE = 'chatwoot-krayin-sync';

/** The workflow type of the per-connection Krayin poll (a long-running loop that continues as new). */
export const KRAYIN_POLL_WORKFLOW_TYPE = 'krayinPollWorkflow';

export interface KrayinPollInput {
  connectionId: string;
  /** The id scan's cursor, carried across continue-as-new (src/two-way/id-scan.ts); absent at first start. */
  scan?: KrayinScanCursor;
}

/** `krayin-poll:<connection>`; a non-default task queue is part of the id, as for reconciliation. */
export function krayinPollWorkflowId(connectionId: string, taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `krayin-poll:${connectionId}` : `krayin-poll:${taskQueue}:${connectionId}`;
}

/** Why a poll was asked for ahead of its interval. Krayin's own webhooks carry no ids: only a hint. */
export interface PollHint {
  source: 'krayin-webhook' | 'cli';
  /** The Krayin entity whose workflow fired, when known (`leads`, `persons`, `activities`). */
  entity?: 'leads' | 'persons' | 'activities';
}

/** Poll now instead of at the next interval (signalWithStart: it also starts a poll that is not running). */
export const pollNowSignal = defineSignal<[PollHint]>('krayinPollNow');

/** What the poll saw change in Krayin for one linked contact; handed to that contact's own workflow. */
export interface KrayinChange {
  personId?: number;
  leadId?: number;
  /** Krayin's `updated_at` of the changed record (UTC ISO, second precision). */
  updatedAt: string;
  /**
   * CRM_ACTIVITY_NOTES: a sales user's activity on the contact's lead (or person), found on that record's
   * timeline; the contact's workflow notes it in the open conversation. Sent without personId/leadId.
   */
  activity?: KrayinActivityRef;
}

/** A Krayin activity and the linked record whose timeline holds it. */
export interface KrayinActivityRef {
  id: number;
  leadId?: number;
  personId?: number;
}

/** Sent by the poll to `contact:<connection>:<id>` (signalWithStart), so both directions are serialized. */
export const krayinChangedSignal = defineSignal<[KrayinChange]>('krayinChanged');
