/**
 * Paging through Krayin index routes. Laravel's `links.next` drops every query parameter but `page`
 * (src/krayin/README.md §5), so following it would silently lose filters and `limit`: page URLs are built
 * here, from the caller's own query, until `meta.last_page`.
 */
import { KrayinAmbiguousError } from './errors';

export const PAGE_SIZE = 100;
/** A hard stop against a server that never reports a last page (100 000 rows at PAGE_SIZE). */
export const MAX_PAGES = 1000;

export interface Page<T> {
  data: T[];
  meta: { current_page: number; last_page: number };
}

/** `path?query&limit=<n>&page=<p>`, with `query` already encoded. */
export function pagePath(path: string, query: string, page: number, limit: number = PAGE_SIZE): string {
  const q = [query, `limit=${limit}`, `page=${page}`].filter((p) => p !== '').join('&');
  return `${path}?${q}`;
}

/**
 * Fetches pages 1..last_page and returns their rows in server order, each id once (an insert while
 * paging shifts rows of an `id desc` index onto the next page). A server that answers a different
 * page than the one asked for would loop or skip rows: that is reported as ambiguous.
 */
export async function collectPages<T extends { id: number }>(
  endpoint: string,
  fetchPage: (page: number) => Promise<Page<T>>,
  maxPages: number = MAX_PAGES,
): Promise<T[]> {
  const seen = new Set<number>();
  const rows: T[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const { data, meta } = await fetchPage(page);
    if (meta.current_page !== page) {
      throw new KrayinAmbiguousError(endpoint, 200, `${endpoint}: asked for page ${page}, got ${meta.current_page}`);
    }
    for (const row of data) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      rows.push(row);
    }
    if (data.length === 0 || page >= meta.last_page) return rows;
  }
  throw new KrayinAmbiguousError(endpoint, 200, `${endpoint}: more than ${maxPages} pages`);
}
