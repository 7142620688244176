/**
 * The QueryExceptions Krayin surfaces as 500s: foreign keys the API never validates (user_id,
 * organization_id, lead_source_id, ...), unique indexes, and NOT NULL/CHECK constraints.
 * Only the text before " (Connection: " is part of the contract; the SQL after it is indicative.
 */
import { KrayinError } from './errors';
import { sqlLiteral } from './mysql';

export function insertSql(table: string, row: Record<string, unknown>): string {
  const cols = Object.keys(row);
  return `insert into \`${table}\` (${cols.map((c) => `\`${c}\``).join(', ')}) values (${cols.map((c) => sqlLiteral(row[c])).join(', ')})`;
}

export function updateSql(table: string, row: Record<string, unknown>, id: number): string {
  const sets = Object.keys(row).map((c) => `\`${c}\` = ${sqlLiteral(row[c])}`);
  return `update \`${table}\` set ${sets.join(', ')} where \`id\` = ${id}`;
}

export function foreignKeyError(
  table: string,
  column: string,
  references: string,
  onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT',
  sql: string,
): KrayinError {
  const action = onDelete === 'RESTRICT' ? '' : ` ON DELETE ${onDelete}`;
  return KrayinError.query(
    `SQLSTATE[23000]: Integrity constraint violation: 1452 Cannot add or update a child row: a foreign key constraint fails (\`krayin\`.\`${table}\`, CONSTRAINT \`${table}_${column}_foreign\` FOREIGN KEY (\`${column}\`) REFERENCES \`${references}\` (\`id\`)${action})`,
    sql,
  );
}

export function parentRowError(
  table: string,
  child: string,
  column: string,
  references: string,
  sql: string,
): KrayinError {
  return KrayinError.query(
    `SQLSTATE[23000]: Integrity constraint violation: 1451 Cannot delete or update a parent row: a foreign key constraint fails (\`krayin\`.\`${child}\`, CONSTRAINT \`${child}_${column}_foreign\` FOREIGN KEY (\`${column}\`) REFERENCES \`${references}\` (\`id\`))`,
    sql,
  );
}

export function duplicateEntryError(table: string, column: string, value: string, sql: string): KrayinError {
  return KrayinError.query(
    `SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry '${value}' for key '${table}_${column}_unique'`,
    sql,
  );
}

export function notNullError(column: string, sql: string): KrayinError {
  return KrayinError.query(
    `SQLSTATE[23000]: Integrity constraint violation: 1048 Column '${column}' cannot be null`,
    sql,
  );
}

export function checkConstraintError(table: string, column: string, sql: string): KrayinError {
  return KrayinError.query(
    `SQLSTATE[23000]: Integrity constraint violation: 4025 CONSTRAINT \`${table}.${column}\` failed for \`krayin\`.\`${table}\``,
    sql,
  );
}

export function arrayToString(file: string, line: number): KrayinError {
  return KrayinError.php('ErrorException', 'Array to string conversion', file, line);
}
