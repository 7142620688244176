/**
 * "Insert, or update only the columns the caller named" as ONE static statement: each patchable column
 * gets two parameters, a flag (was the key given?) and the value. `null` is a value (it clears), a
 * missing key keeps the stored one. The SQL is built once from constant column names, never from input.
 */
export interface PatchColumn<K extends string> {
  key: K;
  column: string;
  sqlType: 'bigint' | 'text' | 'jsonb';
}

export function buildPatchUpsertSql<K extends string>(
  table: string,
  keyColumns: readonly [string, string],
  columns: readonly PatchColumn<K>[],
  returning: string,
): string {
  const valueParam = (i: number) => `$${4 + i * 2}::${columns[i]?.sqlType}`;
  const flagParam = (i: number) => `$${3 + i * 2}::boolean`;
  const insertColumns = [...keyColumns, ...columns.map((c) => c.column)].join(', ');
  const insertValues = ['$1', '$2', ...columns.map((_c, i) => valueParam(i))].join(', ');
  const updates = columns
    .map((c, i) => `${c.column} = CASE WHEN ${flagParam(i)} THEN EXCLUDED.${c.column} ELSE t.${c.column} END`)
    .join(',\n  ');
  return `INSERT INTO ${table} AS t (${insertColumns})
VALUES (${insertValues})
ON CONFLICT (${keyColumns.join(', ')}) DO UPDATE SET
  ${updates},
  updated_at = now()
RETURNING ${returning}`;
}

/** [flag, value] pairs in column order, after the two key parameters. */
export function patchParams<K extends string>(
  patch: Partial<Record<K, unknown>>,
  columns: readonly PatchColumn<K>[],
): unknown[] {
  return columns.flatMap((c) => {
    const value = patch[c.key];
    if (value === undefined) return [false, null];
    // JSON goes over the wire as text (both drivers then agree); the SQL casts it with ::jsonb.
    return [true, c.sqlType === 'jsonb' && value !== null ? JSON.stringify(value) : value];
  });
}
