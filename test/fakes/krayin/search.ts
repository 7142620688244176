/**
 * `/search` routes: prettus/l5-repository 2.10 RequestCriteria, quirks included.
 * - `search=emails:a@b&searchFields=emails:like` is `persons.emails LIKE '%a@b%'` on the JSON text:
 *   a case-sensitive substring match.
 * - Without searchFields every field defaults to `=`, and a field:value pair whose field is not
 *   searchable applies no condition at all: the first `limit` rows come back.
 * - Naming that field in searchFields makes it a real column reference: an SQL 500.
 * - Conditions are OR-ed unless searchJoin=and; results are in id order; `limit` defaults to 10.
 */
import type { Ctx } from './context';
import { KrayinError } from './errors';
import { direction, sortRows, unknownColumn } from './index-query';
import { sqlEquals, sqlLikeColumn, sqlLiteral, type ColumnKind } from './mysql';
import { isObject, phpIntCast, phpIsNumeric, phpLooseEq, phpToString, phpTruthy } from './php';
import { COLUMNS } from './state';

export interface SearchRelation {
  /** Table of the related model (for its column kinds). */
  sql: string;
  resolve(row: unknown): Record<string, unknown> | undefined;
}

export interface SearchTable<R> {
  sql: string;
  modelClass: string;
  rows: R[];
  fieldsSearchable: string[];
  relations: Record<string, SearchRelation>;
  present(row: R, selected: string[] | null): unknown;
}

/** Krayin's config/repository.php accepted conditions. */
const ACCEPTED = ['=', 'like', 'in'];

type PhpEntry = [string | number, string];

function parserSearchData(search: string): Record<string, string> {
  const data: Record<string, string> = {};
  if (search.indexOf(':') > 0) {
    for (const row of search.split(';')) {
      const parts = row.split(':');
      // list($field, $value) = explode(':', $row): a row without ':' fails and is skipped.
      if (parts.length >= 2) data[parts[0] as string] = parts[1] as string;
    }
  }
  return data;
}

function parserSearchValue(search: string): string | null {
  if (search.indexOf(';') > 0 || search.indexOf(':') > 0) {
    for (const value of search.split(';')) if (value.split(':').length === 1) return value;
    return null;
  }
  return search;
}

function parserFieldsSearch(fields: string[], searchFields: string[] | null, dataKeys: string[]): PhpEntry[] {
  if (searchFields === null || searchFields.length === 0) return fields.map((f, i) => [i, f]);
  const original: PhpEntry[] = fields.map((f, i) => [i, f]);
  const sf = [...searchFields];
  sf.forEach((field, index) => {
    const parts = field.split(':');
    const found = original.find(([, v]) => phpLooseEq(v, parts[0]));
    if (parts.length === 2 && ACCEPTED.includes(parts[1] as string)) {
      // unset($originalFields[array_search(...)]): a miss (false) unsets key 0, the first field.
      const key = found ? found[0] : 0;
      const at = original.findIndex(([k]) => k === key);
      if (at >= 0) original.splice(at, 1);
      const existing = original.find(([k]) => k === parts[0]);
      if (existing) existing[1] = parts[1] as string;
      else original.push([parts[0] as string, parts[1] as string]);
      sf[index] = parts[0] as string;
    }
  });
  const accepted = dataKeys.length ? [...new Set([...dataKeys, ...sf])] : sf;
  const out: PhpEntry[] = [];
  for (const [key, cond] of original) {
    const [field, condition] = typeof key === 'number' ? [cond, '='] : [key, cond];
    if (accepted.includes(field)) {
      const existing = out.find(([k]) => k === field);
      if (existing) existing[1] = condition;
      else out.push([field, condition]);
    }
  }
  if (out.length === 0) {
    throw KrayinError.php(
      'Exception',
      `Columns ${accepted.join(',')} are not accepted in the research.`,
      '/var/www/krayin/vendor/prettus/l5-repository/src/Prettus/Repository/Criteria/RequestCriteria.php',
      303,
    );
  }
  return out;
}

interface Condition {
  field: string;
  relation: string | null;
  condition: string;
  value: string | string[];
}

function typeError(message: string): KrayinError {
  return KrayinError.php(
    'TypeError',
    message,
    '/var/www/krayin/vendor/prettus/l5-repository/src/Prettus/Repository/Criteria/RequestCriteria.php',
    67,
  );
}

function asString(v: unknown, name: string): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v) || isObject(v))
    throw typeError(`stripos(): Argument #1 ($haystack) must be of type string, array given (${name})`);
  return phpToString(v);
}

/** Builder::limit($value): negative values are ignored; junk compares as a string with 0. */
function limitOf(v: unknown): number | null {
  if (phpIsNumeric(v)) {
    const n = Number(v);
    return n >= 0 ? Math.trunc(n) : null;
  }
  const s = phpToString(v);
  return s >= '0' ? phpIntCast(s) : null;
}

export function searchRows<R>(ctx: Ctx, table: SearchTable<R>): unknown {
  const input = ctx.req.input;
  const search = asString(input.search, 'search');
  const rawFields = input.searchFields ?? null;
  const columns = COLUMNS[table.sql] ?? {};
  const conditions: Condition[] = [];
  let forceAnd = false;
  if (phpTruthy(search) && search !== null) {
    const searchFields =
      rawFields === null
        ? null
        : Array.isArray(rawFields)
          ? rawFields.map(phpToString)
          : phpToString(rawFields).split(';');
    const searchData = parserSearchData(search);
    const fields = parserFieldsSearch(table.fieldsSearchable, searchFields, Object.keys(searchData));
    const searchValue = parserSearchValue(search);
    forceAnd = phpToString(input.searchJoin).toLowerCase() === 'and';
    for (const [key, cond] of fields) {
      let [field, condition] = typeof key === 'number' ? [cond, '='] : [key, cond];
      condition = condition.trim().toLowerCase();
      let value: string | string[] | null = null;
      if (field in searchData) {
        const v = searchData[field] as string;
        value = condition === 'like' || condition === 'ilike' ? `%${v}%` : v;
      } else if (searchValue !== null && !['in', 'between'].includes(condition)) {
        value = condition === 'like' || condition === 'ilike' ? `%${searchValue}%` : searchValue;
      }
      let relation: string | null = null;
      if (field.indexOf('.') > 0) {
        const parts = field.split('.');
        field = parts.pop() as string;
        relation = parts.join('.');
      }
      if (condition === 'in' && value !== null) {
        const list = String(value).split(',');
        value = (list[0] as string).trim() === '' || field === list[0] ? null : list;
      }
      if (value !== null) conditions.push({ field, relation, condition, value });
    }
  }

  const whereSql = conditions
    .map((c) =>
      c.relation
        ? `exists (select * from \`${table.relations[c.relation]?.sql ?? c.relation}\` where \`${c.field}\` ${c.condition} ${sqlLiteral(c.value)})`
        : `\`${table.sql}\`.\`${c.field}\` ${c.condition} ${Array.isArray(c.value) ? `(${c.value.join(', ')})` : sqlLiteral(c.value)}`,
    )
    .join(forceAnd ? ' and ' : ' or ');
  const limit = limitOf(input.limit ?? 10);
  const sql = `select * from \`${table.sql}\`${whereSql ? ` where (${whereSql})` : ''}${limit === null ? '' : ` limit ${limit}`}`;

  // Column references are checked when MySQL prepares the query, rows or not.
  for (const c of conditions) {
    if (c.relation) {
      const rel = table.relations[c.relation];
      if (!rel) {
        throw KrayinError.php(
          'BadMethodCallException',
          `Call to undefined method ${table.modelClass}::${c.relation}()`,
          '/var/www/krayin/vendor/laravel/framework/src/Illuminate/Support/Traits/ForwardsCalls.php',
          67,
        );
      }
      if (!(c.field in (COLUMNS[rel.sql] ?? {}))) throw unknownColumn(c.field, 'WHERE', sql);
    } else if (!(c.field in columns)) {
      throw unknownColumn(`${table.sql}.${c.field}`, 'WHERE', sql);
    }
  }

  const test = (kind: ColumnKind, stored: unknown, c: Condition) => {
    if (c.condition === 'like' || c.condition === 'ilike') return sqlLikeColumn(kind, stored, String(c.value));
    if (Array.isArray(c.value)) return c.value.some((v) => sqlEquals(kind, stored, v));
    return sqlEquals(kind, stored, String(c.value));
  };
  const matches = (row: R) => {
    if (!conditions.length) return true;
    const results = conditions.map((c) => {
      if (c.relation) {
        const rel = table.relations[c.relation] as SearchRelation;
        const related = rel.resolve(row);
        return related ? test(COLUMNS[rel.sql]?.[c.field] as ColumnKind, related[c.field], c) : false;
      }
      return test(columns[c.field] as ColumnKind, (row as Record<string, unknown>)[c.field], c);
    });
    return forceAnd ? results.every(Boolean) : results.some(Boolean);
  };
  let rows = table.rows.filter(matches);

  const orderBy = input.orderBy;
  if (phpTruthy(orderBy)) {
    const sortedByRaw = phpTruthy(input.sortedBy) ? phpToString(input.sortedBy) : 'asc';
    const orders = phpToString(orderBy).split(';');
    const dirs = sortedByRaw.split(';');
    const keys = orders.map((col, i) => ({ col, dir: direction(dirs[i] ?? dirs[0]) }));
    for (const { col } of keys) {
      if (!(col in columns)) throw unknownColumn(col, 'ORDER BY', sql);
    }
    rows = sortRows(
      rows,
      keys.map(({ col, dir }) => ({ kind: columns[col] as ColumnKind, col, dir })),
    );
  }

  let selected: string[] | null = null;
  if (phpTruthy(input.filter)) {
    selected = Array.isArray(input.filter) ? input.filter.map(phpToString) : phpToString(input.filter).split(';');
    const bad = selected.find((c) => !(c in columns));
    if (bad) throw unknownColumn(bad, 'field list', sql);
  }
  if (phpTruthy(input.with)) {
    for (const rel of phpToString(input.with).split(';')) {
      if (!((rel.split('.')[0] as string) in table.relations)) {
        throw KrayinError.php(
          'Illuminate\\Database\\Eloquent\\RelationNotFoundException',
          `Call to undefined relationship [${rel}] on model [${table.modelClass}].`,
          '/var/www/krayin/vendor/laravel/framework/src/Illuminate/Database/Eloquent/RelationNotFoundException.php',
          35,
        );
      }
    }
  }
  if (limit !== null) rows = rows.slice(0, limit);
  return { data: rows.map((r) => table.present(r, selected)) };
}
