/**
 * Inputs and outputs of the two-way sync's activities (Krayin -> Chatwoot), shared with workflow code
 * (type-only imports there). Ids, hashes and counts only: everything here lands in Temporal history.
 */
import type { ContactRef } from './contracts';

/** Bring one linked lead's CRM facts (stage, pipeline, value, owner, close date, link) onto the Chatwoot contact. */
export interface ApplyLeadToChatwootInput extends ContactRef {
  leadId: number;
}

export type ApplyLeadToChatwootResult =
  /** The lead is gone from Krayin (404): the caller follows the lead-gone path. */
  | { kind: 'lead_gone' }
  /** The lead no longer belongs to this contact's person: nothing written. */
  | { kind: 'not_ours' }
  /** Everything on the Chatwoot side already shows the lead as it is: nothing written. */
  | { kind: 'unchanged' }
  | { kind: 'applied'; attributesWritten: number; labelsChanged: boolean; noteWritten: boolean };
