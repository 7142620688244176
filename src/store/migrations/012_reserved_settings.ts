import type { Migration } from './types';

/**
 * PLACEHOLDER on branch h-analytics only: version 12 belongs to the settings work (h-settings, connection
 * settings), which had not landed when analytics (013) was written. migrate() wants versions without a
 * gap, so this no-op holds the slot; drop this file when merging, in favour of the real 012.
 */
export const migration012: Migration = {
  version: 12,
  name: 'reserved_settings',
  sql: `SELECT 1;`,
};
