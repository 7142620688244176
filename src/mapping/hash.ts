/**
 * Fingerprint of a plan's desired Krayin state. Equal desired state -> equal hash, so an event that
 * changes nothing mapped (most contact_updated events are last_activity_at noise) costs no Krayin call.
 * Uses node:crypto: call it from activities, not from workflow code.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { SyncPlan } from './types';
import { MAPPING_VERSION } from './version';

export type HashablePlan = Pick<SyncPlan, 'identity' | 'person' | 'organization' | 'lead'>;

/**
 * sha256 (hex) of the canonical JSON of {version, identity, person, organization, lead, extra}.
 * @param extra other inputs of the write that are not in the plan (e.g. resolved owner/stage ids).
 *   `notes` and anything else on the plan are ignored.
 */
export function hashPlan(plan: HashablePlan, extra?: Record<string, unknown>): string {
  const payload = {
    version: MAPPING_VERSION,
    identity: plan.identity,
    person: plan.person,
    organization: plan.organization,
    lead: plan.lead,
    extra: extra ?? null,
  };
  return createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
}
