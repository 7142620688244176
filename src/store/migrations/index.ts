/**
 * Every migration, in order. Append new ones at the end (next version, new file); never edit, reorder
 * or remove a shipped one: migrate() refuses to run when an applied migration's checksum changed.
 */
import { migration001 } from './001_contact_links_sync_state_deliveries_audit';
import { migration002 } from './002_conversation_message_links_cursors';
import { migration003 } from './003_conversation_observed_state';
import { migration004 } from './004_held_events';
import { migration005 } from './005_person_identity_hashes';
import { migration006 } from './006_shared_connection_state';
import { migration007 } from './007_inbound_events';
import { migration008 } from './008_krayin_budget_priority';
import { migration009 } from './009_two_way';
import { migration010 } from './010_crm_attribute_state';
import { migration011 } from './011_console_sessions';
import { migration012 } from './012_connection_settings';
import { migration013 } from './013_sync_events';
import { migration014 } from './014_krayin_activity_notes';
import type { Migration } from './types';

export type { Migration } from './types';

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
];
