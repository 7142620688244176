/**
 * Krayin-side deletions (a person, lead or organization that sales deleted; Krayin keeps no tombstone,
 * src/krayin/README.md §7): the full pass pages Krayin's own id lists in id order and diffs each page's
 * id window against the ids the store links. Pure rules; the reads are activities
 * (activities/krayin/krayin-ids.ts).
 */
import type { KrayinIndexedRecords } from '../krayin/api';

export type KrayinRecordKind = 'person' | 'lead' | 'organization';

/** Index rows per Krayin request. Krayin has no cap on `limit`; 500 ids keep one answer well under 1 MB. */
export const KRAYIN_IDS_PAGE_SIZE = 500;

/** The Krayin index each kind is paged from (sorted by id ascending, so a page is an id window). */
export const KRAYIN_INDEX: Record<KrayinRecordKind, KrayinIndexedRecords> = {
  person: 'persons',
  lead: 'leads',
  organization: 'organizations',
};

/**
 * The id window a page covers, (afterId, upTo]: up to the page's highest id, or unbounded on the last
 * page (linked ids above everything Krayin listed are gone too).
 */
export function pageWindow(
  afterId: number,
  pageIds: number[],
  lastPage: boolean,
): { upTo: number | null; maxId: number } {
  const maxId = Math.max(afterId, ...pageIds);
  return { upTo: lastPage ? null : maxId, maxId };
}

/**
 * Linked ids in the window that the page did not list: suspects. Offset paging shifts rows when a
 * record is deleted while we page, so a suspect is confirmed with a GET before anything is dropped.
 */
export function suspectIds(linkedInWindow: number[], pageIds: number[]): number[] {
  const listed = new Set(pageIds);
  return linkedInWindow.filter((id) => !listed.has(id));
}
