/**
 * Activity inputs and outputs shared with workflow code (type-only imports there).
 * Everything passed here lands in Temporal history: ids and the mapped desired state only.
 */
import type {
  ContactIdentity,
  DesiredLead,
  DesiredOrganization,
  DesiredPerson,
  MappingProblem,
} from '../src/mapping/types';
import type { ParkReason } from '../src/store/types';

export interface ContactRef {
  connectionId: string;
  contactId: number;
}

/** Which parts of the mapped state differ from what was last written. */
export interface ChangedSections {
  organization: boolean;
  person: boolean;
  lead: boolean;
}

export type PlanResult =
  | { kind: 'gone' }
  | { kind: 'skip'; note: string }
  | { kind: 'invalid'; problems: MappingProblem[] }
  | { kind: 'unchanged' }
  | {
      kind: 'sync';
      /** Section hashes of the desired state; stored after a successful write. */
      hash: string;
      changed: ChangedSections;
      /** What the store already links this contact to (ids only). */
      links: { personId: number | null; organizationId: number | null; leadId: number | null };
      identity: ContactIdentity;
      person: DesiredPerson;
      organization: DesiredOrganization | null;
      lead: DesiredLead | null;
    };

export interface PlanInput extends ContactRef {
  /** Ignore the stored hash (retry/replay): write even if nothing changed. */
  force: boolean;
}

export interface SyncOrganizationInput extends ContactRef {
  organization: DesiredOrganization;
}

export interface SyncPersonInput extends ContactRef {
  identity: ContactIdentity;
  person: DesiredPerson;
  organizationId: number | null;
  /** When set and the person is new, the person is created inside the lead create (one call for both). */
  lead: DesiredLead | null;
}

export interface SyncPersonResult {
  personId: number;
  /** Set when the lead was created together with the person. */
  leadId: number | null;
  created: boolean;
}

export interface EnsureLeadInput extends ContactRef {
  personId: number;
  lead: DesiredLead;
}

export interface RecordSyncedInput extends ContactRef {
  hash: string;
  personId: number;
  leadId: number | null;
  organizationId: number | null;
}

export interface RecordParkedInput extends ContactRef {
  reason: ParkReason;
  /** failed = an unexpected error (not a known non-retryable class). */
  status: 'parked' | 'failed';
}

/** Every activity the workflows call, by name. Implemented in activities/index.ts. */
export interface ActivityFunctions {
  planContactSync(input: PlanInput): Promise<PlanResult>;
  syncOrganization(input: SyncOrganizationInput): Promise<{ organizationId: number }>;
  syncPerson(input: SyncPersonInput): Promise<SyncPersonResult>;
  ensureLead(input: EnsureLeadInput): Promise<{ leadId: number }>;
  recordSynced(input: RecordSyncedInput): Promise<void>;
  recordSkipped(input: ContactRef & { note: string }): Promise<void>;
  recordParked(input: RecordParkedInput): Promise<void>;
  recordGone(input: ContactRef): Promise<void>;
}
