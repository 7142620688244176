/**
 * CRM_ACTIVITY_NOTES, the Krayin side (docs/two-way-sync.md, "Krayin activities as notes"), on the
 * connection's Krayin queue and within its budget:
 *
 * - pollKrayinActivities: page `GET /activities?type=call,meeting,lunch,note&sort=updated_at&order=desc`
 *   down to the `krayin-poll:activities` watermark minus the poll's lookback, keep the sales users' rows
 *   (not the ones carrying this service's marker), and find which contact each belongs to. Krayin's
 *   activity list returns no lead or person link and cannot filter by one (src/krayin/README.md), so the
 *   poll reads the timelines of the leads (then persons) of contacts with an open conversation: the only
 *   contacts a note can reach. At idle that is the one page; timelines are read only when a sales
 *   activity changed.
 * - readKrayinActivity: the activity as Krayin has it now, for the note.
 */
import { krayinWebBase } from '../../src/config/crm-attributes';
import type { KrayinActivity } from '../../src/krayin/api';
import { parseKrayinTimestamp } from '../../src/krayin/datetime';
import { MAX_PAGES } from '../../src/krayin/paging';
import {
  activityFactsOf,
  activityTargetUrl,
  isSalesActivity,
  SALES_ACTIVITY_TYPES,
} from '../../src/two-way/activity-notes';
import type { KrayinActivityDeps } from '../deps';
import { classified } from '../failures';
import type {
  PollKrayinActivitiesInput,
  PollKrayinActivitiesResult,
  ReadKrayinActivityInput,
  ReadKrayinActivityResult,
} from '../two-way-activity-contracts';
import type { HandedChange } from '../two-way-person-contracts';
import { POLL_LOOKBACK_MS, POLL_PAGE_SIZE } from './two-way';

/** The activities watermark (sync_cursors), next to krayin-poll:persons and krayin-poll:leads. */
export const ACTIVITIES_WATERMARK_CURSOR = 'krayin-poll:activities';
/** Contacts with an open conversation looked at per poll (most recently synced first). */
export const OPEN_CONTACTS_PER_POLL = 25;
/** Timelines (lead or person) read per poll at most, when sales activities changed. */
export const TIMELINES_PER_POLL = 25;

type Target = { leadId: number } | { personId: number };

export function twoWayActivityKrayinActivities(deps: KrayinActivityDeps) {
  const { store, connections } = deps;
  return {
    async pollKrayinActivities({ connectionId }: PollKrayinActivitiesInput): Promise<PollKrayinActivitiesResult> {
      return classified(async () => {
        const krayin = connections.get(connectionId).krayin;
        let calls = 0;
        const stored = (await store.cursors.get(connectionId, ACTIVITIES_WATERMARK_CURSOR))?.value;
        const listed = await changedActivities(
          (page) => {
            calls++;
            return krayin.listActivitiesByUpdate(page, POLL_PAGE_SIZE, SALES_ACTIVITY_TYPES);
          },
          typeof stored === 'string' ? stored : null,
        );
        const wanted = new Map(listed.rows.filter(isSalesActivity).map((a) => [a.id, a]));
        const changes: HandedChange[] = [];
        if (wanted.size === 0) return { changes, watermark: listed.watermark, calls, unmatched: 0 };

        const open = await store.conversations.listOpen(connectionId, OPEN_CONTACTS_PER_POLL);
        // Each lead (then person) once, with every open contact it belongs to.
        const targets = new Map<string, { target: Target; contacts: Set<number> }>();
        const add = (target: Target, contactId: number) => {
          const key = 'leadId' in target ? `lead:${target.leadId}` : `person:${target.personId}`;
          const entry = targets.get(key) ?? { target, contacts: new Set<number>() };
          entry.contacts.add(contactId);
          targets.set(key, entry);
        };
        for (const c of open) if (c.leadId !== null) add({ leadId: c.leadId }, c.contactId);
        for (const c of open) if (c.personId !== null) add({ personId: c.personId }, c.contactId);

        const matched = new Set<number>();
        let timelines = 0;
        for (const { target, contacts } of targets.values()) {
          if (matched.size === wanted.size || timelines >= TIMELINES_PER_POLL) break;
          timelines++;
          calls++;
          const timeline =
            'leadId' in target
              ? await krayin.listLeadActivities(target.leadId)
              : await krayin.listPersonActivities(target.personId);
          for (const row of timeline) {
            const activity = wanted.get(row.id);
            if (!activity) continue;
            matched.add(row.id);
            for (const contactId of contacts)
              changes.push({
                contactId,
                change: { updatedAt: activity.updated_at, activity: { id: row.id, ...target } },
              });
          }
        }
        return { changes, watermark: listed.watermark, calls, unmatched: wanted.size - matched.size };
      });
    },

    async readKrayinActivity({ connectionId, activity }: ReadKrayinActivityInput): Promise<ReadKrayinActivityResult> {
      return classified(async () => {
        const conn = connections.get(connectionId);
        const found = await conn.krayin.getActivity(activity.id);
        if (!found || !isSalesActivity(found)) return { kind: 'gone' };
        const target: Target =
          activity.leadId !== undefined ? { leadId: activity.leadId } : { personId: activity.personId ?? 0 };
        const webBase = krayinWebBase(conn.config.krayin.url, conn.config.crmFacts);
        return { kind: 'found', facts: activityFactsOf(found, activityTargetUrl(webBase, target)) };
      });
    },
  };
}

/**
 * Activities updated at or after `watermark - lookback`, newest first, and the new watermark. Without a
 * watermark (the first poll, or the setting just switched on) nothing is a change: Krayin's history is
 * not replayed into Chatwoot.
 */
async function changedActivities(
  fetchPage: (page: number) => Promise<{ rows: KrayinActivity[]; last: boolean }>,
  watermark: string | null,
): Promise<{ rows: KrayinActivity[]; watermark: string }> {
  const cutoff = watermark === null ? Infinity : Date.parse(watermark) - POLL_LOOKBACK_MS;
  const rows: KrayinActivity[] = [];
  let newest = watermark === null ? 0 : Date.parse(watermark);
  for (let page = 1; page <= MAX_PAGES; page++) {
    const listed = await fetchPage(page);
    let passed = false;
    for (const row of listed.rows) {
      const at = parseKrayinTimestamp(row.updated_at).getTime();
      newest = Math.max(newest, at);
      if (watermark === null || at < cutoff) passed = true;
      else if (!rows.some((r) => r.id === row.id)) rows.push(row);
    }
    if (passed || listed.rows.length === 0 || listed.last) break;
  }
  return { rows, watermark: new Date(newest).toISOString() };
}
