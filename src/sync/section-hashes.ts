/**
 * Hashes of the mapped desired state, one per section (organization, person, lead), stored together
 * as one string. Comparing sections tells the workflow which Krayin writes an event really needs:
 * most contact_updated events change nothing mapped and cost zero Krayin calls.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../mapping/canonical-json';
import type { HashablePlan } from '../mapping/hash';
import { MAPPING_VERSION } from '../mapping/version';

export interface SectionHashes {
  organization: string;
  person: string;
  lead: string;
}

/**
 * Format tag of the stored string. The mapping version is part of it: a mapping change rewrites every
 * contact once on its next event instead of leaving Krayin records that "match" an old hash.
 */
const FORMAT = `v1m${MAPPING_VERSION}`;

/**
 * @param settings the connection settings that shape what is written (owner, stage, template...):
 *   changing them makes the next event for each contact write again.
 */
export function sectionHashes(plan: HashablePlan, settings: Record<string, unknown>): SectionHashes {
  return {
    organization: digest({ organization: plan.organization }),
    person: digest({
      identity: plan.identity,
      person: plan.person,
      organization: plan.organization?.nameKey ?? null,
      owner: settings.owner ?? null,
    }),
    lead: digest({ lead: plan.lead, settings }),
  };
}

export function encodeSectionHashes(h: SectionHashes): string {
  return `${FORMAT}:${h.organization}:${h.person}:${h.lead}`;
}

/** null for anything else (no previous sync, or a hash written by an older format). */
export function decodeSectionHashes(encoded: string | null | undefined): SectionHashes | null {
  const parts = encoded?.split(':');
  if (!parts || parts.length !== 4 || parts[0] !== FORMAT) return null;
  const [, organization, person, lead] = parts as [string, string, string, string];
  return { organization, person, lead };
}

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}
