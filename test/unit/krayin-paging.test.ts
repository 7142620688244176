import { KrayinAmbiguousError } from '../../src/krayin/errors';
import { collectPages, pagePath, type Page } from '../../src/krayin/paging';

/** A tiny in-memory index with Laravel's paging arithmetic, ids descending. */
function index(ids: number[], perPage: number) {
  const asked: number[] = [];
  const fetchPage = async (page: number): Promise<Page<{ id: number }>> => {
    asked.push(page);
    const rows = ids.slice((page - 1) * perPage, page * perPage).map((id) => ({ id }));
    return { data: rows, meta: { current_page: page, last_page: Math.max(1, Math.ceil(ids.length / perPage)) } };
  };
  return { fetchPage, asked };
}

describe('pagePath', () => {
  it('builds page URLs from our own query, keeping filters and limit', () => {
    expect(pagePath('/leads', 'person_id=7', 2, 50)).toBe('/leads?person_id=7&limit=50&page=2');
    expect(pagePath('/settings/sources', '', 1)).toBe('/settings/sources?limit=100&page=1');
  });
});

describe('collectPages', () => {
  it('reads every page up to last_page', async () => {
    const ix = index([9, 8, 7, 6, 5], 2);
    const rows = await collectPages('GET /x', ix.fetchPage);
    expect(rows.map((r) => r.id)).toEqual([9, 8, 7, 6, 5]);
    expect(ix.asked).toEqual([1, 2, 3]);
  });

  it('reads one page of an empty index', async () => {
    const ix = index([], 2);
    expect(await collectPages('GET /x', ix.fetchPage)).toEqual([]);
    expect(ix.asked).toEqual([1]);
  });

  it('returns each id once when an insert shifts a row onto the next page', async () => {
    let first = true;
    const rows = await collectPages('GET /x', async (page) => {
      if (page === 1 && first) {
        first = false;
        return { data: [{ id: 5 }, { id: 4 }], meta: { current_page: 1, last_page: 2 } };
      }
      return { data: [{ id: 4 }, { id: 3 }], meta: { current_page: 2, last_page: 2 } };
    });
    expect(rows.map((r) => r.id)).toEqual([5, 4, 3]);
  });

  it('reports a server that answers another page than asked', async () => {
    await expect(
      collectPages('GET /x', async () => ({ data: [{ id: 1 }], meta: { current_page: 1, last_page: 3 } })),
    ).rejects.toBeInstanceOf(KrayinAmbiguousError);
  });

  it('stops at maxPages', async () => {
    const ix = index([5, 4, 3, 2, 1], 1);
    await expect(collectPages('GET /x', ix.fetchPage, 3)).rejects.toBeInstanceOf(KrayinAmbiguousError);
  });
});
