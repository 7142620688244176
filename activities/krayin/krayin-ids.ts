/**
 * The full pass's Krayin-side deletion check, Krayin queue (its reads count against the connection's
 * budget): one page of Krayin's person, lead or organization ids, in id order, diffed against the ids
 * the store links; each suspect is confirmed with a GET, so a record is reported missing only when
 * Krayin no longer has it. Cost per pass: ceil(records / 500) index reads per kind, plus one GET per
 * deleted record.
 */
import type { KrayinApi } from '../../src/krayin/api';
import {
  KRAYIN_IDS_PAGE_SIZE,
  KRAYIN_INDEX,
  pageWindow,
  suspectIds,
  type KrayinRecordKind,
} from '../../src/reconcile/krayin-deletions';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';

export interface KrayinIdsPageInput {
  connectionId: string;
  kind: KrayinRecordKind;
  /** 1-based page of Krayin's index, sorted by id ascending. */
  page: number;
  /** Highest id covered by the previous pages. */
  afterId: number;
}

export interface KrayinIdsPageResult {
  /** Linked ids Krayin no longer has (confirmed). */
  missing: number[];
  done: boolean;
  maxId: number;
}

/** Linked ids checked per window: a window holds at most a page of Krayin ids, so this is generous. */
const LINKED_PER_WINDOW = 10_000;

export function krayinIdsActivities({ store, connections }: KrayinActivityDeps) {
  return {
    async krayinLinkedMissing(input: KrayinIdsPageInput): Promise<KrayinIdsPageResult> {
      return classified(async () => {
        const { connectionId, kind, page, afterId } = input;
        const conn = connections.get(connectionId);
        const listed = await conn.krayin.listIdPage(KRAYIN_INDEX[kind], page, KRAYIN_IDS_PAGE_SIZE);
        const window = await linkedMissingInPage({ store, krayin: conn.krayin }, connectionId, kind, afterId, listed);
        return { missing: window.missing, done: window.done, maxId: window.maxId };
      });
    },
  };
}

export interface PageDiff {
  /** Linked ids Krayin no longer has (confirmed by a GET each). */
  missing: number[];
  /** Linked ids the page listed: the records a comparison needs to look at. */
  linkedListed: number[];
  done: boolean;
  maxId: number;
  /** GETs made to confirm suspects. */
  confirmCalls: number;
}

/**
 * The deletion diff of one id page (also used by the two-way id scan, activities/krayin/two-way-scan.ts):
 * the linked ids in the page's id window that the page did not list, each confirmed gone by one GET.
 */
export async function linkedMissingInPage(
  deps: { store: KrayinActivityDeps['store']; krayin: KrayinApi },
  connectionId: string,
  kind: KrayinRecordKind,
  afterId: number,
  listed: { ids: number[]; last: boolean },
): Promise<PageDiff> {
  const ids = listed.ids;
  const lastPage = ids.length === 0 || listed.last;
  const { upTo, maxId } = pageWindow(afterId, ids, lastPage);
  const linked = await deps.store.links.listLinkedKrayinIds(connectionId, kind, afterId, upTo, LINKED_PER_WINDOW);
  const missing: number[] = [];
  let confirmCalls = 0;
  for (const id of suspectIds(linked, ids)) {
    confirmCalls++;
    if ((await getRecord(deps.krayin, kind, id)) === null) missing.push(id);
  }
  const listedSet = new Set(ids);
  return { missing, linkedListed: linked.filter((id) => listedSet.has(id)), done: lastPage, maxId, confirmCalls };
}

/** The record as Krayin has it now; null when it is gone. */
function getRecord(krayin: KrayinApi, kind: KrayinRecordKind, id: number): Promise<unknown> {
  switch (kind) {
    case 'person':
      return krayin.getPerson(id);
    case 'lead':
      return krayin.getLead(id);
    case 'organization':
      return krayin.getOrganization(id);
  }
}
