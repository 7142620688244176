/**
 * Where each Krayin field comes from. The defaults below cover the standard fields; a connection's
 * `sync.fieldMap` (Krayin attribute code -> Chatwoot path) is merged over them, so mapping a standard
 * code replaces its default and any other code adds a custom attribute.
 */
import type { ChatwootContact } from '../chatwoot/contact';
import type { FieldMap, SyncSettings } from '../config/schema';
import { isReservedField, isStandardField, MAP_SECTIONS, type MapSection } from './fields';

/** Krayin code -> Chatwoot paths tried in order; the first non-blank value wins. */
export type SectionSources = Record<string, readonly string[]>;
export type FieldSources = Record<MapSection, SectionSources>;

/**
 * The built-in mapping. The lead title is absent on purpose: by default it is rendered from the
 * title template, and only a field-map entry for `title` replaces that.
 */
export function defaultFieldSources(sync: Pick<SyncSettings, 'organizationSource'>): FieldSources {
  return {
    person: {
      name: ['name'],
      emails: ['email'],
      contact_numbers: ['phone_number'],
      // The v4 dashboard form has no job title; its "description" (bio) is the closest thing.
      job_title: ['additional_attributes.job_title', 'additional_attributes.description'],
    },
    organization: { name: [sync.organizationSource] },
    lead: {},
  };
}

/** Defaults with the connection's field map merged over them (one path per mapped code). */
export function effectiveFieldSources(sync: Pick<SyncSettings, 'organizationSource' | 'fieldMap'>): FieldSources {
  const sources = defaultFieldSources(sync);
  for (const section of MAP_SECTIONS) {
    for (const [code, path] of Object.entries(sync.fieldMap[section])) sources[section][code] = [path];
  }
  return sources;
}

/** Codes of the field map that are custom attributes (neither standard nor reserved): these need the catalog. */
export function customAttributeCodes(fieldMap: FieldMap, section: MapSection): string[] {
  return Object.keys(fieldMap[section]).filter(
    (code) => !isStandardField(section, code) && !isReservedField(section, code),
  );
}

/** Whether mapContact needs the Krayin attribute catalog for this field map. */
export function fieldMapNeedsCatalog(fieldMap: FieldMap): boolean {
  return MAP_SECTIONS.some((section) => customAttributeCodes(fieldMap, section).length > 0);
}

/**
 * The value at a Chatwoot path: `name`, `email`, `phone_number`, `identifier`, or
 * `additional_attributes.<key>` / `custom_attributes.<key>`. A key may itself contain dots; if no
 * such key exists the rest of the path descends into nested objects
 * (`additional_attributes.social_profiles.linkedin`). Only own properties are read.
 */
export function readChatwootPath(contact: ChatwootContact, path: string): unknown {
  const dot = path.indexOf('.');
  if (dot < 0) {
    switch (path) {
      case 'name':
        return contact.name;
      case 'email':
        return contact.email;
      case 'phone_number':
        return contact.phone_number;
      case 'identifier':
        return contact.identifier;
      default:
        return undefined;
    }
  }
  const root = path.slice(0, dot);
  if (root !== 'additional_attributes' && root !== 'custom_attributes') return undefined;
  return readNested(contact[root], path.slice(dot + 1));
}

function readNested(value: unknown, rest: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(record, rest)) return record[rest];
  const dot = rest.indexOf('.');
  if (dot < 0) return undefined;
  const head = rest.slice(0, dot);
  return Object.prototype.hasOwnProperty.call(record, head) ? readNested(record[head], rest.slice(dot + 1)) : undefined;
}

/** null, undefined, blank strings, empty arrays and empty objects count as "no value". */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.every(isBlank);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).every(isBlank);
  return false;
}

/** The first non-blank value among `paths`, or undefined. */
export function readFirst(contact: ChatwootContact, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = readChatwootPath(contact, path);
    if (!isBlank(value)) return value;
  }
  return undefined;
}
