/**
 * Search attributes shown in the Temporal UI (docs/security.md, "What is and is not encrypted"). Never emails, phones or names.
 * Shared by the ingest side (signalWithStart), the workflows and the dev-server launcher.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ConnectionIdKey = defineSearchAttributeKey('ConnectionId', SearchAttributeType.KEYWORD);
export const ChatwootContactIdKey = defineSearchAttributeKey('ChatwootContactId', SearchAttributeType.KEYWORD);
export const KrayinPersonIdKey = defineSearchAttributeKey('KrayinPersonId', SearchAttributeType.KEYWORD);
export const KrayinLeadIdKey = defineSearchAttributeKey('KrayinLeadId', SearchAttributeType.KEYWORD);
export const SyncStatusKey = defineSearchAttributeKey('SyncStatus', SearchAttributeType.KEYWORD);
export const LastSyncedAtKey = defineSearchAttributeKey('LastSyncedAt', SearchAttributeType.DATETIME);

/** Name -> type as the Temporal CLI's `--search-attribute` flag spells it. */
export const SEARCH_ATTRIBUTES: Record<string, 'Keyword' | 'Datetime'> = {
  ConnectionId: 'Keyword',
  ChatwootContactId: 'Keyword',
  KrayinPersonId: 'Keyword',
  KrayinLeadId: 'Keyword',
  SyncStatus: 'Keyword',
  LastSyncedAt: 'Datetime',
};
