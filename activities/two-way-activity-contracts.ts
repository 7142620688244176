/**
 * Inputs and outputs of CRM_ACTIVITY_NOTES (docs/two-way-sync.md, "Krayin activities as notes"): the
 * poll of Krayin's activities, the read of one on the Krayin queue and its note in Chatwoot. Shared with
 * workflow code (type-only imports there). Ids cross signals; the activity's title and user cross
 * activity results only (encrypted by the payload codec when it is on); the store keeps hashes.
 */
import type { ActivityFacts } from '../src/two-way/activity-notes';
import type { KrayinActivityRef } from '../workflows/krayin-poll-api';
import type { ContactRef } from './contracts';
import type { HandedChange } from './two-way-person-contracts';

export interface PollKrayinActivitiesInput {
  connectionId: string;
  /** Like the persons and leads poll: its Krayin calls take what live traffic leaves of the budget. */
  priority?: 'background';
}

export interface PollKrayinActivitiesResult {
  /** One per (contact with an open conversation, sales activity on its lead or person). */
  changes: HandedChange[];
  /** The newest updated_at seen (the `krayin-poll:activities` cursor), moved by handKrayinChanges. */
  watermark: string;
  /** Krayin requests: 1 at idle (one page), plus one timeline per open contact looked at. */
  calls: number;
  /** Changed sales activities found on no open contact's lead or person timeline (no note). */
  unmatched: number;
}

export interface ReadKrayinActivityInput extends ContactRef {
  activity: KrayinActivityRef;
}

export type ReadKrayinActivityResult =
  | { kind: 'found'; facts: ActivityFacts }
  /** Deleted in Krayin since the poll, or no longer a sales activity: nothing to note. */
  | { kind: 'gone' };

export interface NoteKrayinActivityInput extends ContactRef {
  facts: ActivityFacts;
}

export type NoteKrayinActivityResult =
  | { kind: 'noted'; how: 'logged' | 'updated' }
  /** Noted before as it is now (a re-poll, or an edit of something the note does not show). */
  | { kind: 'unchanged' }
  /** The contact has no open conversation any more: nothing written, nothing stored. */
  | { kind: 'no_open_conversation' }
  | { kind: 'disabled' };
