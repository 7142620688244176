/**
 * The two-way poll's id scan, Krayin queue at background priority (docs/two-way-sync.md, "The id scan";
 * rules in src/two-way/id-scan.ts). One call reads up to SCAN_PAGES_PER_ACTIVITY pages of one kind in id
 * order and reports, from the same pages:
 *
 * - linked ids Krayin no longer has (the full reconciliation's diff, activities/krayin/krayin-ids.ts:
 *   each suspect confirmed gone by one GET); the workflow hands them to the Krayin-deleted path
 *   (reconcileKrayinMissing), never a second one;
 * - for persons, the linked ones whose compared values are new to us (krayinValueIsNew, the watermark
 *   poll's own check): an edit that left `updated_at` alone (an organization renamed, a row changed in
 *   Krayin's database) is handed to the contact's workflow like a polled change.
 *
 * Custom attribute values are not in any Krayin list or read (src/krayin/README.md §11): no scan sees them.
 * Leads are diffed for deletions only (their values reach Chatwoot through the watermark poll).
 */
import { scanIntervalMs } from '../../src/config/two-way';
import type { KrayinPerson } from '../../src/krayin/api';
import { KRAYIN_IDS_PAGE_SIZE } from '../../src/reconcile/krayin-deletions';
import type { ScanFigures, ScanKind } from '../../src/two-way/id-scan';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import type { HandedChange } from '../two-way-person-contracts';
import { linkedMissingInPage } from './krayin-ids';
import { krayinValueIsNew } from './two-way';

export interface ScanKrayinInput {
  connectionId: string;
  /** The scan's Krayin calls take what live traffic leaves of the budget. */
  priority: 'background';
  kind: ScanKind;
  /** 1-based page to start at. */
  page: number;
  /** Highest id covered by the earlier pages. */
  afterId: number;
  maxPages: number;
}

export type ScanKrayinResult =
  /** Two-way sync or the scan was switched off meanwhile: nothing was read. */
  | { enabled: false }
  | {
      enabled: true;
      /** Live KRAYIN_SCAN_INTERVAL in ms (null: off). */
      scanIntervalMs: number | null;
      changes: HandedChange[];
      /** Linked ids Krayin deleted (confirmed), for reconcileKrayinMissing. */
      missing: number[];
      /** Where the next call resumes. */
      page: number;
      afterId: number;
      kindDone: boolean;
      figures: ScanFigures;
    };

export function twoWayScanActivities({ store, connections }: KrayinActivityDeps) {
  return {
    async scanKrayinIds(input: ScanKrayinInput): Promise<ScanKrayinResult> {
      return classified(async () => {
        const { connectionId, kind } = input;
        const conn = connections.get(connectionId);
        const twoWay = conn.config.twoWay;
        const interval = scanIntervalMs(twoWay);
        if (!twoWay.enabled || interval === null) return { enabled: false };
        const krayin = conn.krayin;
        const changes: HandedChange[] = [];
        const missing: number[] = [];
        const figures: ScanFigures = { scanned: 0, handed: 0, deleted: 0, calls: 0 };
        let { page, afterId } = input;
        let kindDone = false;
        for (let read = 0; read < input.maxPages && !kindDone; read++) {
          figures.calls++;
          let rows: KrayinPerson[] = [];
          let listed: { ids: number[]; last: boolean };
          if (kind === 'person') {
            const p = await krayin.listPersonsByIdPage(page, KRAYIN_IDS_PAGE_SIZE);
            rows = p.rows;
            listed = { ids: p.rows.map((r) => r.id), last: p.last };
          } else {
            listed = await krayin.listIdPage('leads', page, KRAYIN_IDS_PAGE_SIZE);
          }
          figures.scanned += listed.ids.length;
          const diff = await linkedMissingInPage({ store, krayin }, connectionId, kind, afterId, listed);
          figures.calls += diff.confirmCalls;
          missing.push(...diff.missing);
          const linked = new Set(diff.linkedListed);
          for (const person of rows) {
            if (!linked.has(person.id)) continue;
            for (const link of await store.links.findContactsByPerson(connectionId, person.id)) {
              // A contact never compared (linked before two-way sync was on) has no agreed values: a scan
              // must not copy all of Krayin into Chatwoot; its first real edit goes through the poll.
              const stored = await store.twoWay.getFields(connectionId, link.contactId);
              if (Object.keys(stored).length === 0) continue;
              if (!(await krayinValueIsNew(store, connectionId, link.contactId, person, conn.config.sync))) continue;
              changes.push({
                contactId: link.contactId,
                change: { personId: person.id, updatedAt: person.updated_at },
              });
            }
          }
          kindDone = diff.done;
          afterId = diff.maxId;
          page++;
        }
        figures.handed = changes.length;
        return { enabled: true, scanIntervalMs: interval, changes, missing, page, afterId, kindDone, figures };
      });
    },
  };
}
