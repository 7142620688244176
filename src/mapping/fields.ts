/**
 * Which Krayin attribute codes the field map may target. Kept free of imports so the config schema
 * can reject bad maps at start-up and the mapper can apply the same rules at run time.
 */

export type MapSection = 'person' | 'organization' | 'lead';

export const MAP_SECTIONS: readonly MapSection[] = ['person', 'organization', 'lead'];

/** Krayin's entity_type for each field-map section (also the key of an AttributeCatalog). */
export const SECTION_ENTITY = { person: 'persons', organization: 'organizations', lead: 'leads' } as const;

/**
 * Standard fields: written as first-class fields of the desired state. Mapping one of these replaces
 * the default source of that field; no attribute catalog is needed for them.
 */
export const STANDARD_FIELDS: Readonly<Record<MapSection, readonly string[]>> = {
  person: ['name', 'emails', 'contact_numbers', 'job_title'],
  organization: ['name', 'address'],
  lead: ['title', 'description', 'lead_value'],
};

/**
 * Fields the sync itself owns (owner, organization link, pipeline/stage/source/type from the lead
 * settings, expected_close_date which Krayin rejects once it is in the past). A Chatwoot value there
 * would fight the sync on every write, so the field map may not target them.
 */
export const RESERVED_FIELDS: Readonly<Record<MapSection, readonly string[]>> = {
  person: ['user_id', 'organization_id'],
  organization: ['user_id'],
  lead: [
    'user_id',
    'lead_source_id',
    'lead_type_id',
    'lead_pipeline_id',
    'lead_pipeline_stage_id',
    'expected_close_date',
  ],
};

export function isStandardField(section: MapSection, code: string): boolean {
  return STANDARD_FIELDS[section].includes(code);
}

export function isReservedField(section: MapSection, code: string): boolean {
  return RESERVED_FIELDS[section].includes(code);
}

export function reservedFieldMessage(code: string): string {
  return `"${code}" is set by the sync itself and cannot be mapped`;
}
