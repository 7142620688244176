/**
 * Main queue, two-way sync: hands the Krayin poll's changes to the contacts' own workflows
 * (signalWithStart, so a change and a webhook for one contact are serialized), then moves the poll's
 * watermarks. In that order: a crash in between hands a change twice (the workflow coalesces it),
 * never loses one.
 */
import type { KrayinChangeDispatcher } from '../src/two-way/dispatch';
import type { StoreActivityDeps } from './deps';
import { WATERMARK_CURSOR } from './krayin/two-way';
import { ACTIVITIES_WATERMARK_CURSOR } from './krayin/two-way-activities';
import type { HandKrayinChangesInput } from './two-way-person-contracts';

export function twoWayActivities({ store, dispatcher }: StoreActivityDeps & { dispatcher: KrayinChangeDispatcher }) {
  return {
    async handKrayinChanges({ connectionId, changes, watermarks }: HandKrayinChangesInput): Promise<number> {
      for (const { contactId, change } of changes)
        await dispatcher.dispatchKrayinChange(connectionId, contactId, change);
      if (watermarks.persons !== null)
        await store.cursors.set(connectionId, WATERMARK_CURSOR.persons, watermarks.persons);
      if (watermarks.leads !== null) await store.cursors.set(connectionId, WATERMARK_CURSOR.leads, watermarks.leads);
      if (watermarks.activities)
        await store.cursors.set(connectionId, ACTIVITIES_WATERMARK_CURSOR, watermarks.activities);
      return changes.length;
    },
  };
}

export type TwoWayActivities = ReturnType<typeof twoWayActivities>;
