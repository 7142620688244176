/**
 * Email normalisation. Krayin validates person emails with Laravel's `email` rule and compares them
 * case-sensitively (src/krayin/README.md §7), so we lower-case, and only pass addresses that rule accepts:
 * anything doubtful is treated as "no email" rather than risking a 422 that would park the contact.
 * The check below is deliberately a little stricter than Laravel's RFC validation (dot-atom local part,
 * a dotted domain name, no IP literals, no quoted local parts).
 */
import { scalarText } from './text';

export type EmailInspection =
  | { status: 'ok'; email: string }
  | { status: 'absent'; email: null }
  /** A value was there but Krayin would reject it. */
  | { status: 'invalid'; email: null };

const LOCAL_ATOM = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*$`, 'u');
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

export function inspectEmail(raw: unknown): EmailInspection {
  const text = scalarText(raw)?.trim().toLowerCase() ?? '';
  if (text === '') return { status: 'absent', email: null };
  return isKrayinEmail(text) ? { status: 'ok', email: text } : { status: 'invalid', email: null };
}

/** Trimmed, lower-cased address, or null when absent or not acceptable to Krayin. */
export function normalizeEmail(raw: unknown): string | null {
  return inspectEmail(raw).email;
}

/** Whether Krayin's `email` validation will accept this (already trimmed) address. */
export function isKrayinEmail(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) return false;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  const tld = labels[labels.length - 1] ?? '';
  return (
    local.length <= 64 &&
    LOCAL_PART.test(local) &&
    labels.length >= 2 &&
    labels.every((l) => DOMAIN_LABEL.test(l)) &&
    !/^\d+$/.test(tld)
  );
}

/** "jane.doe" for "jane.doe@example.com". */
export function emailLocalPart(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}
