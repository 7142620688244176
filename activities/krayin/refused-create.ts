/**
 * A create Krayin refused with a 422 is final: the retry of the same activity must not send it again.
 *
 * Why: after a unique-violation 422 ("already taken") the activity looks the record up to link it.
 * If that lookup fails retryably (the request budget is spent, Krayin is throttling or down), Temporal
 * retries the whole activity, which used to look up, find nothing again and repeat the refused create
 * (the same 422, one more call against the rate limit; issue 11). The refusal is therefore recorded
 * as the activity's heartbeat details, which Temporal hands to the next attempt; that attempt only
 * looks up, and parks the contact with the 422 if the record is still not found.
 */
import { Context } from '@temporalio/activity';
import { KrayinValidationError } from '../../src/krayin/errors';

interface RefusedCreate {
  refusedCreate: { endpoint: string; fieldErrors: Record<string, string[]> };
}

/** Records that `err` (a 422 of a create) refused the create, before anything else can fail. */
export function recordRefusedCreate(err: KrayinValidationError): void {
  const details: RefusedCreate = { refusedCreate: { endpoint: err.endpoint, fieldErrors: err.fieldErrors } };
  Context.current().heartbeat(details);
}

/** The 422 an earlier attempt of this activity got for `endpoint`, or null (send the create). */
export function refusedEarlier(endpoint: string): KrayinValidationError | null {
  const details: unknown = Context.current().info.heartbeatDetails;
  if (typeof details !== 'object' || details === null || !('refusedCreate' in details)) return null;
  const refused = (details as RefusedCreate).refusedCreate;
  if (refused?.endpoint !== endpoint) return null;
  return new KrayinValidationError(
    endpoint,
    refused.fieldErrors,
    `${endpoint} was refused with a 422 by an earlier attempt and the record it collided with is not found: not sent again`,
  );
}
