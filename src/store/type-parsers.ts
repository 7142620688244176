/**
 * How column text becomes JS values: ONE parser table for both engines. The pg adapter installs it as
 * its type parsers; the PGlite adapter receives raw text from its worker and parses it with the same
 * functions. So both engines return identical values by construction, in the caller's JS realm.
 *
 * It is pg's own table (pg-types) with one change: int8 becomes a number when it fits (pg would give a
 * string, and PGlite's default a number-or-bigint), because the repositories want numeric ids and counts.
 */
import { types as pgTypes } from 'pg';

export const OID = {
  INT8: 20,
  INT8_ARRAY: 1016,
  TEXT_ARRAY: 1009,
} as const;

export type TextParser = (text: string) => unknown;

// pg's typings list scalar OIDs only; every built-in type has a text parser all the same.
const pgTextParser = (oid: number) =>
  (pgTypes.getTypeParser as (oid: number, format: 'text') => TextParser)(oid, 'text');

/**
 * int8 -> number when it fits in a JS number exactly, else bigint. Losing precision silently would be
 * worse than an unexpected type; our ids and counts never get near 2^53.
 */
export function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

const parseTextArray = pgTextParser(OID.TEXT_ARRAY) as (text: string) => (string | null)[];

export function parseInt8Array(text: string): (number | bigint | null)[] {
  return parseTextArray(text).map((item) => (item === null ? null : parseInt8(item)));
}

/** The parser for a column of type `oid` (text format). */
export function parserFor(oid: number): TextParser {
  if (oid === OID.INT8) return parseInt8;
  if (oid === OID.INT8_ARRAY) return parseInt8Array;
  return pgTextParser(oid);
}
