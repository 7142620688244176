/**
 * Custom attributes named by the field map: each code must exist in Krayin's attribute catalog for
 * that entity, and each value is coerced to the attribute's type. Anything that cannot be expressed
 * becomes a MappingProblem (the contact parks with it) instead of a Krayin 422 later.
 */
import type { ChatwootContact } from '../chatwoot/contact';
import type { FieldMap } from '../config/schema';
import type { KrayinAttribute } from '../krayin/api';
import { coerceAttributeValue, type CoerceOptions } from './coerce';
import { readChatwootPath } from './field-map';
import { isReservedField, isStandardField, reservedFieldMessage, SECTION_ENTITY, type MapSection } from './fields';
import type { MappingProblem } from './types';

/** Krayin's attribute definitions per entity (GET /settings/attributes, filtered by entity_type). */
export interface AttributeCatalog {
  persons: KrayinAttribute[];
  organizations: KrayinAttribute[];
  leads: KrayinAttribute[];
}

export function fieldName(section: MapSection, code: string): string {
  return `fieldMap.${section}.${code}`;
}

/** Coerced values of the section's custom attributes; problems are appended to `problems`. */
export function mapCustomAttributes(
  contact: ChatwootContact,
  section: MapSection,
  fieldMap: FieldMap,
  catalog: AttributeCatalog | undefined,
  opts: CoerceOptions,
  problems: MappingProblem[],
): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [code, path] of Object.entries(fieldMap[section])) {
    if (isStandardField(section, code)) continue;
    const field = fieldName(section, code);
    if (isReservedField(section, code)) {
      problems.push({ field, message: reservedFieldMessage(code) });
      continue;
    }
    if (!catalog) {
      // A caller bug, not a contact problem: fieldMapNeedsCatalog() says when to load it.
      throw new Error(`mapContact: ${field} is a custom attribute; pass the Krayin attribute catalog`);
    }
    const entity = SECTION_ENTITY[section];
    const attribute = catalog[entity].find((a) => a.code === code);
    if (!attribute) {
      problems.push({ field, message: `Krayin has no ${entity} attribute "${code}"` });
      continue;
    }
    const result = coerceAttributeValue(attribute, readChatwootPath(contact, path), opts);
    if (!result.ok) problems.push({ field, message: result.message });
    else if (result.value !== undefined) attributes[code] = result.value;
  }
  return attributes;
}
