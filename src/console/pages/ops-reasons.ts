/**
 * Why a contact's sync stopped, in words a support lead understands (the park kinds of
 * workflows/api.ts ParkReason, see workflows/failures.ts), plus the stored PII-free detail.
 */
import type { ParkReason } from '../../store/types';

export const REASON_WORDS: Record<ParkReason['kind'], { title: string; sentence: string }> = {
  validation: {
    title: 'Krayin refused the data',
    sentence:
      'Krayin said a value is missing, not valid, or already used by another record. Correct the contact in Chatwoot (or the field mapping), then retry.',
  },
  auth: {
    title: 'Access refused',
    sentence:
      'Krayin or Chatwoot did not accept the connection’s access token (expired, revoked or missing a permission). Fix the token on the Connections page, then retry.',
  },
  mapping: {
    title: 'Field mapping does not fit',
    sentence:
      'A field this contact needs cannot be filled the way the field mapping says. Check the Field mapping page, then retry.',
  },
  ambiguous: {
    title: 'Unclear which record to update',
    sentence:
      'The sync could not be sure what happened in Krayin, or which Krayin record belongs to this contact. Check the contact in Krayin, then retry.',
  },
  not_found: {
    title: 'Linked record is gone',
    sentence:
      'A Krayin record this contact was linked to no longer exists (deleted while the sync ran). Retrying links it again.',
  },
  config: {
    title: 'Settings problem',
    sentence:
      'A setting of this connection cannot work (for example an owner, pipeline or stage that Krayin does not have). Fix the connection settings, then retry.',
  },
  internal: {
    title: 'Unexpected problem',
    sentence:
      'Something unexpected went wrong (for example Chatwoot answered in a way the sync does not know). Retry; if it comes back, tell whoever runs the service.',
  },
};

/** The stored detail as one line: the message, the fields Krayin named, the call that failed. */
export function reasonDetail(reason: ParkReason): string {
  const parts: string[] = [];
  if (reason.message) parts.push(reason.message);
  const fields = Object.entries(reason.fieldErrors ?? {});
  if (fields.length > 0) parts.push(`Fields: ${fields.map(([f, msgs]) => `${f} (${msgs.join('; ')})`).join(', ')}`);
  if (reason.endpoint && !reason.message.includes(reason.endpoint)) parts.push(`Krayin call: ${reason.endpoint}`);
  return parts.join('. ');
}
