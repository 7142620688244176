/**
 * The output of mapping a Chatwoot contact: the Krayin state we want, before any Krayin id is known.
 * Produced by pure functions (contact.ts) and hashed (hash.ts) so unchanged contacts cost no Krayin call.
 */
import type { EmailValue, PhoneValue } from '../krayin/api';

export interface DesiredPerson {
  /** Truncated to Krayin's varchar(255). */
  name: string;
  /** Lower-cased, de-duplicated; the first entry is the primary (matching) email. */
  emails: EmailValue[];
  /** E.164 where parseable, else the trimmed raw value; may be empty. */
  contact_numbers: PhoneValue[];
  job_title: string | null;
  /** Krayin custom attribute code -> value already coerced to what Krayin accepts for its type. */
  attributes: Record<string, unknown>;
}

export interface DesiredOrganization {
  /** As written to Krayin (trimmed, truncated to 255). */
  name: string;
  /** Normalised matching key (case-folded, whitespace collapsed): links and dedupe use this. */
  nameKey: string;
  attributes: Record<string, unknown>;
}

export interface DesiredLead {
  /** From the connection's title template, truncated to 255. */
  title: string;
  description: string | null;
  value: number;
  attributes: Record<string, unknown>;
}

export interface ContactIdentity {
  /** The matching email (lower-cased); a placeholder when the placeholder policy produced it. */
  email: string;
  emailIsPlaceholder: boolean;
  /** E.164 phone used for matching, or null. */
  phone: string | null;
}

export interface MappingProblem {
  /** e.g. "fieldMap.person.cw_tier" */
  field: string;
  /** PII-free explanation, e.g. 'Krayin has no persons attribute "cw_tier"'. */
  message: string;
}

export type ContactPlan =
  | {
      kind: 'sync';
      identity: ContactIdentity;
      person: DesiredPerson;
      organization: DesiredOrganization | null;
      /** null when the lead policy does not want a lead for this contact. */
      lead: DesiredLead | null;
      /**
       * PII-free remarks for logs/status (e.g. an invalid email was ignored). Present only when there
       * are any; not part of the desired state (hashPlan ignores it).
       */
      notes?: string[];
    }
  /** Nothing to write yet (e.g. no email under the "skip" policy). `note` is PII-free. */
  | { kind: 'skip'; reason: 'no_email'; note: string }
  /** The configured mapping cannot express this contact: park with these problems. */
  | { kind: 'invalid'; problems: MappingProblem[] };

/** The plan of a contact that has something to write. */
export type SyncPlan = Extract<ContactPlan, { kind: 'sync' }>;
