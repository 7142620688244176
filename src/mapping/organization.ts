/**
 * The contact's company as a Krayin organization name, and the key used to link/dedupe organizations.
 * Krayin matches organization names exactly (unique, case-insensitive collation), so two spellings
 * that differ only in case, width or spacing must land on one organization.
 */
import type { ChatwootContact } from '../chatwoot/contact';
import { readChatwootPath } from './field-map';
import { scalarText, singleLine, truncateChars, VARCHAR_MAX_CHARS } from './text';

/** Company name read from `sourcePath`; null when absent or blank. */
export function organizationName(contact: ChatwootContact, sourcePath: string): string | null {
  return cleanOrganizationName(readChatwootPath(contact, sourcePath));
}

/** Trimmed, whitespace collapsed, truncated to varchar(255); null when blank or not a scalar. */
export function cleanOrganizationName(value: unknown): string | null {
  const text = scalarText(value);
  if (text === null) return null;
  const name = truncateChars(singleLine(text), VARCHAR_MAX_CHARS);
  return name === '' ? null : name;
}

/**
 * Matching key: NFKC (full-width and compatibility forms), case-folded (upper then lower approximates
 * Unicode full case folding, e.g. "ß" -> "ss"), whitespace collapsed.
 */
export function organizationNameKey(name: string): string {
  return singleLine(name.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC'));
}
