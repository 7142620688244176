/** The analytics page's plain words for what the store records (readers: support leads and sales ops). */
import type { ParkReason } from '../store/types';

export const REASON_WORDS: Record<ParkReason['kind'], string> = {
  validation: 'Krayin refused the data',
  auth: 'Krayin refused our sign-in',
  mapping: 'Field mapping problem',
  ambiguous: 'Several possible matches in Krayin',
  not_found: 'Record not found',
  config: 'Setup problem',
  internal: 'Unexpected error',
};

export function reasonWords(kind: string): string {
  return (REASON_WORDS as Record<string, string>)[kind] ?? 'Other';
}

/** "850 ms", "4.2 s", "3.5 min"; "no data" for null. */
export function duration(ms: number | null): string {
  if (ms === null) return 'no data';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** One decimal at most: "2", "2.5"; "no data" for null. */
export function figure(n: number | null): string {
  if (n === null) return 'no data';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** "12.5%" of part in whole; "no data" when whole is 0. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return 'no data';
  const p = (part / whole) * 100;
  return `${Number.isInteger(p) ? p : p.toFixed(1)}%`;
}
