/**
 * Inputs and outputs of the two-way sync's activities (Krayin -> Chatwoot), shared with workflow code
 * (type-only imports there). Ids, hashes and counts only: everything here lands in Temporal history.
 */
import type { ContactRef } from './contracts';
import type { LeadFacts } from '../src/two-way/lead-attributes';

/** Bring one linked lead's CRM facts (stage, pipeline, value, owner, close date, link) onto the Chatwoot contact. */
export interface ApplyLeadToChatwootInput extends ContactRef {
  leadId: number;
}

/**
 * The Krayin half of applying a lead (readLeadForChatwoot, on the connection's Krayin queue, within its
 * budget): the Chatwoot activities cannot reach Krayin (activities/deps.ts), so the lead is read first
 * and its facts handed to applyLeadToChatwoot. A workflow runs:
 *
 *   const read = await krayin.readLeadForChatwoot({ connectionId, contactId, leadId });
 *   const result = read.kind === 'found' ? await chatwoot.applyLeadToChatwoot({ connectionId, contactId, leadId, facts: read.facts }) : read;
 */
export type ReadLeadForChatwootResult =
  /** The lead is gone from Krayin (404): the caller follows the lead-gone path. */
  | { kind: 'lead_gone' }
  /** The lead no longer belongs to this contact's linked person: nothing to write. */
  | { kind: 'not_ours' }
  | { kind: 'found'; facts: LeadFacts };

/** The Chatwoot half: the facts read by readLeadForChatwoot. */
export interface ApplyLeadFactsInput extends ApplyLeadToChatwootInput {
  facts: LeadFacts;
}

export type ApplyLeadToChatwootResult =
  /** The lead is gone from Krayin (404): the caller follows the lead-gone path. */
  | { kind: 'lead_gone' }
  /** The lead no longer belongs to this contact's person: nothing written. */
  | { kind: 'not_ours' }
  /** Chatwoot answered 404 for the contact (deleted or merged away): nothing written. */
  | { kind: 'contact_gone' }
  /** Everything on the Chatwoot side already shows the lead as it is: nothing written. */
  | { kind: 'unchanged' }
  | { kind: 'applied'; attributesWritten: number; labelsChanged: boolean; noteWritten: boolean };
