/**
 * Column -> field conversions. int8 columns arrive as number, or as bigint beyond 2^53 (see
 * ../type-parsers.ts); an id that big would be corrupted by the `number` fields of types.ts, so say so.
 */
export function toId(value: unknown, column: string): number {
  if (typeof value === 'number') return value;
  throw new Error(`${column} holds ${String(value)}, outside the range the store's number ids support`);
}

export function toNullableId(value: unknown, column: string): number | null {
  return value === null ? null : toId(value, column);
}

/** Bind value for a jsonb parameter: always send JSON text and cast with `$n::jsonb`, on both engines. */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
