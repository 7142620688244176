/**
 * Activities that only touch our own store (Postgres/PGlite): outcomes and what to remember. They run
 * on the main task queue; `connectionSettings` runs there too, as a local activity (it reads config).
 */
import { contactSyncSettings } from '../../src/temporal/workflow-settings';
import type { ContactSyncSettings } from '../../workflows/api';
import type { ActivityDeps, StoreActivityDeps } from '../deps';
import { conversationRecordActivities } from './conversations';
import { mergeRecordActivities } from './merge';
import { outcomeActivities } from './outcomes';

export function createStoreActivities(deps: StoreActivityDeps) {
  return {
    ...outcomeActivities(deps),
    ...conversationRecordActivities(deps),
    ...mergeRecordActivities(deps),
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;

/**
 * The workflow's timings from this worker's connection config: the one live source (called as a
 * local activity at the start of each run and after each wake, so history records what was used).
 */
export function createSettingsActivities({ connections }: Pick<ActivityDeps, 'connections'>) {
  return {
    async connectionSettings({ connectionId }: { connectionId: string }): Promise<ContactSyncSettings> {
      return contactSyncSettings(connections.get(connectionId).config);
    },
  };
}

export type SettingsActivities = ReturnType<typeof createSettingsActivities>;
