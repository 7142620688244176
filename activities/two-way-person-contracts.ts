/**
 * Inputs and outputs of the two-way sync's person activities and of the Krayin poll (shared with
 * workflow code: type-only imports there). Persons' compared fields cross Temporal history like the
 * plan's mapped state does (encrypted by the payload codec when it is on); the store never sees them.
 */
import type { KrayinPerson } from '../src/krayin/api';
import type { ComparedField, TwoWayOrganization } from '../src/two-way/field-values';
import type { NewPersonPlan } from '../src/two-way/new-persons';
import type { ConflictView } from '../src/two-way/person-fields';
import type { KrayinChange } from '../workflows/krayin-poll-api';
import type { ContactRef } from './contracts';

/**
 * The compared fields of a Krayin person, as Krayin holds them. `organization`: null when the person has
 * none; absent in inputs recorded before the organization was compared (it is then not compared).
 */
export type TwoWayPerson = Pick<KrayinPerson, 'name' | 'emails' | 'contact_numbers' | 'job_title'> & {
  organization?: TwoWayOrganization | null;
};

export type ReadPersonResult =
  /** The contact links no person (yet): nothing to bring back. */
  | { kind: 'unlinked' }
  /** The linked person is gone from Krayin: the forward sync finds or creates one. */
  | { kind: 'gone' }
  /** The linked id names a person that is not ours any more: never copied into the contact. */
  | { kind: 'not_ours' }
  | { kind: 'person'; personId: number; person: TwoWayPerson; updatedAt: string };

export interface ApplyKrayinPersonInput extends ContactRef {
  personId: number;
  person: TwoWayPerson;
  /** Krayin's updated_at of the person (its change time for `newest`). */
  krayinUpdatedAt: string;
  /** When the contact last changed in Chatwoot as far as this round knows (latest webhook), else null. */
  chatwootChangedAt: string | null;
}

export type ApplyKrayinPersonResult =
  | { kind: 'disabled' }
  | { kind: 'gone' }
  /** The contact maps to nothing the forward sync writes (no email): nothing compared. */
  | { kind: 'skipped' }
  | {
      kind: 'applied';
      /** Fields written to Chatwoot. */
      written: ComparedField[];
      /** Fields Krayin won that Chatwoot could not take (422, not E.164, not invertible). */
      refused: ComparedField[];
      /** Fields Chatwoot won while Krayin differs: the forward sync must write the person. */
      forceForward: boolean;
      conflicts: ConflictView[];
    };

export interface PollKrayinInput {
  connectionId: string;
  /** The poll's Krayin calls take what live traffic leaves of the budget. */
  priority: 'background';
}

export interface HandedChange {
  contactId: number;
  change: KrayinChange;
}

/** Where each entity's poll stopped: the newest updated_at seen (UTC ISO), null before the first poll. */
export interface PollWatermarks {
  persons: string | null;
  leads: string | null;
  /** CRM_ACTIVITY_NOTES only (activities/krayin/two-way-activities.ts); absent otherwise. */
  activities?: string | null;
}

export type PollKrayinResult =
  /** Two-way sync is off for the connection: the poll workflow ends. */
  | { enabled: false }
  | {
      enabled: true;
      /** Live KRAYIN_POLL_INTERVAL in ms; null: poll only when asked. */
      pollIntervalMs: number | null;
      /** Live KRAYIN_SCAN_INTERVAL in ms; null: no id scan. Absent from results recorded before the scan. */
      scanIntervalMs?: number | null;
      changes: HandedChange[];
      watermarks: PollWatermarks;
      /** Krayin requests this poll made (2 at idle: one page of persons, one of leads). */
      calls: number;
      /** Changed persons no contact links to (KRAYIN_NEW_PERSONS=ignore leaves them). */
      unlinkedPersons: number;
      /**
       * KRAYIN_NEW_PERSONS=create: the unlinked persons to find or create a Chatwoot contact for (at most
       * NEW_PERSONS_PER_POLL; the watermark stops before those left for a later poll). Absent otherwise.
       */
      newPersons?: NewPersonCandidate[];
      /** CRM_ACTIVITY_NOTES is on: the poll workflow also polls activities (pollKrayinActivities). */
      activityNotes?: true;
    };

/** A person created in Krayin that no contact links to, with its contact planned (src/two-way/new-persons.ts). */
export interface NewPersonCandidate {
  personId: number;
  updatedAt: string;
  /** Krayin's creation time of the person: proves it is the linked contact's later (src/sync/ownership.ts). */
  createdAt?: string;
  plan: Extract<NewPersonPlan, { kind: 'adopt' }>;
}

export interface AdoptKrayinPersonsInput {
  connectionId: string;
  persons: NewPersonCandidate[];
}

export interface AdoptKrayinPersonsResult {
  /** Contacts created in Chatwoot for persons. */
  created: number;
  /** Existing contacts (with the person's email or phone) linked to persons. */
  linked: number;
  /** Persons left alone (several contacts match, the contact is another person's, Chatwoot refused). */
  left: number;
  /** Linked contacts whose fields the contact workflow compares now (created ones come back as webhooks). */
  changes: HandedChange[];
}

export interface HandKrayinChangesInput {
  connectionId: string;
  changes: HandedChange[];
  watermarks: PollWatermarks;
}
