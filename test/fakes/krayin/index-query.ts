/**
 * Index routes (rest-api Controller::allResources): every query parameter except page, limit,
 * pagination, sort, order and entity_type becomes `WHERE <param> IN (<comma-split values>)`, so an
 * unknown one is a SQL 500 and `?name=Smith, Jones & Co` looks for "Smith" or "Jones & Co".
 * Default order `id desc`; `limit` (default 10) pages with Laravel's LengthAwarePaginator shape,
 * whose links drop every parameter but `page`. `pagination=0` returns `{data}` only.
 * The ORDER BY query only runs when COUNT(*) found rows, so an unknown `sort` on an empty table
 * is not noticed.
 */
import type { Ctx } from './context';
import { KrayinError } from './errors';
import { sqlCompare, sqlEquals, sqlLiteral, type ColumnKind } from './mysql';
import { isObject, phpIsNumeric, phpIntCast, phpTruthy, type Json } from './php';
import { COLUMNS } from './state';

const RESERVED = new Set(['page', 'limit', 'pagination', 'sort', 'order', 'entity_type']);

export interface IndexTable<R> {
  /** SQL table name (for column kinds and error messages). */
  sql: string;
  rows: R[];
  present(row: R): unknown;
}

export function unknownColumn(column: string, clause: 'WHERE' | 'ORDER BY' | 'field list', sql: string): KrayinError {
  return KrayinError.query(`SQLSTATE[42S22]: Column not found: 1054 Unknown column '${column}' in '${clause}'`, sql);
}

function typeError(message: string): KrayinError {
  return KrayinError.php(
    'TypeError',
    message,
    '/var/www/krayin/vendor/krayin/rest-api/src/Http/Controllers/V1/Controller.php',
    48,
  );
}

/** Laravel's `orderBy()` direction check. */
export function direction(v: unknown): 'asc' | 'desc' {
  const d = String(v ?? '').toLowerCase();
  if (d !== 'asc' && d !== 'desc') {
    throw KrayinError.php(
      'InvalidArgumentException',
      'Order direction must be "asc" or "desc".',
      '/var/www/krayin/vendor/laravel/framework/src/Illuminate/Database/Query/Builder.php',
      2536,
    );
  }
  return d;
}

export interface SortKey {
  kind: ColumnKind;
  col: string;
  dir: 'asc' | 'desc';
}

/** ORDER BY with the given keys; ties keep id order (what InnoDB returns for small tables). */
export function sortRows<R>(rows: R[], keys: SortKey[]): R[] {
  return [...rows].sort((a, b) => {
    for (const { kind, col, dir } of keys) {
      const c = sqlCompare(kind, (a as Record<string, unknown>)[col], (b as Record<string, unknown>)[col]);
      if (c !== 0) return dir === 'asc' ? c : -c;
    }
    return ((a as { id: number }).id ?? 0) - ((b as { id: number }).id ?? 0);
  });
}

export function listIndex<R>(ctx: Ctx, table: IndexTable<R>): unknown {
  const input = ctx.req.input;
  const columns = COLUMNS[table.sql] ?? {};
  const filters: Array<[string, string[]]> = [];
  for (const [key, value] of Object.entries(input)) {
    if (RESERVED.has(key)) continue;
    if (Array.isArray(value) || isObject(value)) {
      throw typeError('explode(): Argument #2 ($string) must be of type string, array given');
    }
    filters.push([
      key,
      String(value ?? '')
        .split(',')
        .map((v) => v.trim()),
    ]);
  }
  const where = filters.length
    ? ' where ' + filters.map(([c, vs]) => `\`${c}\` in (${vs.map(sqlLiteral).join(', ')})`).join(' and ')
    : '';
  const sort = phpTruthy(input.sort) ? String(input.sort) : 'id';
  const dir = phpTruthy(input.sort) ? direction(input.order ?? 'desc') : 'desc';
  const paginate = input.pagination === undefined || input.pagination === null || phpTruthy(input.pagination);
  const from = `\`${table.sql}\``;

  const missingFilter = filters.find(([c]) => !(c in columns));
  if (missingFilter) {
    const sql = paginate
      ? `select count(*) as aggregate from ${from}${where}`
      : `select * from ${from}${where} order by \`${sort}\` ${dir}`;
    throw unknownColumn(missingFilter[0], 'WHERE', sql);
  }
  const matching = table.rows.filter((row) =>
    filters.every(([c, vs]) =>
      vs.some((v) => sqlEquals(columns[c] as ColumnKind, (row as Record<string, unknown>)[c], v)),
    ),
  );
  const ordered = () => {
    const kind = columns[sort];
    if (!kind) throw unknownColumn(sort, 'ORDER BY', `select * from ${from}${where} order by \`${sort}\` ${dir}`);
    return sortRows(matching, [{ kind, col: sort, dir }]);
  };

  if (!paginate) return { data: ordered().map((r) => table.present(r)) };

  // paginate($perPage ?: 15): "0" means the model default; junk fails in the offset arithmetic.
  const limitRaw = input.limit ?? 10;
  if (!phpTruthy(limitRaw)) return page(ctx, table, matching.length, 15, ordered);
  if (!phpIsNumeric(limitRaw)) throw typeError('Unsupported operand types: string * int');
  return page(ctx, table, matching.length, Math.trunc(Number(limitRaw)), ordered);
}

function page<R>(ctx: Ctx, table: IndexTable<R>, total: number, perPage: number, ordered: () => R[]): unknown {
  const pageRaw = ctx.req.input.page;
  const requested = phpIntCast(pageRaw);
  // Paginator::resolveCurrentPage: FILTER_VALIDATE_INT and >= 1, else page 1.
  const current = /^\s*[+-]?(0|[1-9]\d*)\s*$/.test(String(pageRaw ?? '')) && requested >= 1 ? requested : 1;
  let items: R[] = [];
  if (total > 0) {
    const offset = Math.max(0, (current - 1) * perPage);
    const all = ordered();
    // A negative limit is ignored by the query builder: everything from the offset.
    items = perPage >= 0 ? all.slice(offset, offset + perPage) : all.slice(offset);
  }
  const lastPage = Math.max(perPage > 0 ? Math.ceil(total / perPage) : 1, 1);
  const path = ctx.apiBase + ctx.req.path;
  const url = (p: number) => `${path}?page=${p}`;
  const fromItem = items.length ? (current - 1) * perPage + 1 : null;
  return {
    data: items.map((r) => table.present(r)),
    links: {
      first: url(1),
      last: url(lastPage),
      prev: current > 1 ? url(current - 1) : null,
      next: current < lastPage ? url(current + 1) : null,
    },
    meta: {
      current_page: current,
      from: fromItem,
      last_page: lastPage,
      links: metaLinks(url, current, lastPage),
      path,
      per_page: perPage,
      to: fromItem === null ? null : fromItem + items.length - 1,
      total,
    },
  };
}

/** LengthAwarePaginator::linkCollection with UrlWindow (3 pages on each side). */
function metaLinks(url: (p: number) => string, current: number, last: number): Json[] {
  const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a + 1) }, (_, i) => a + i);
  const onEachSide = 3;
  let groups: Array<number[] | '...'>;
  if (last < onEachSide * 2 + 8) {
    groups = [range(1, last)];
  } else {
    const window = onEachSide + 4;
    if (current <= window) groups = [range(1, window + onEachSide), '...', range(last - 1, last)];
    else if (current > last - window) groups = [range(1, 2), '...', range(last - (window + (onEachSide - 1)), last)];
    else groups = [range(1, 2), '...', range(current - onEachSide, current + onEachSide), '...', range(last - 1, last)];
  }
  const links: Json[] = [{ url: current > 1 ? url(current - 1) : null, label: '&laquo; Previous', active: false }];
  for (const g of groups) {
    if (g === '...') links.push({ url: null, label: '...', active: false });
    else for (const p of g) links.push({ url: url(p), label: String(p), active: p === current });
  }
  links.push({ url: current < last ? url(current + 1) : null, label: 'Next &raquo;', active: false });
  return links;
}
