/**
 * Where the contact workflow's timings come from: the worker's live connection config, read by the
 * `connectionSettings` local activity at the start of each run and after each wake. The result is
 * recorded in history, so replay is deterministic; a config change reaches running workflows at their
 * next wake instead of after their run closes (the activities read the same config).
 *
 * Runs started before this read their settings from their input (frozen at start and carried through
 * continue-as-new). `patched()` keeps their recorded histories on that branch; once such a run is
 * live again, it reads live settings too.
 */
import { patched } from '@temporalio/workflow';
import { settingsActivities } from './activity-proxies';
import type { ContactSyncInput, ContactSyncSettings } from './api';

export const LIVE_SETTINGS_PATCH = 'live-connection-settings';

export async function currentSettings(input: ContactSyncInput): Promise<ContactSyncSettings> {
  if (patched(LIVE_SETTINGS_PATCH) || input.settings === undefined) {
    return settingsActivities().connectionSettings({ connectionId: input.connectionId });
  }
  return input.settings;
}
