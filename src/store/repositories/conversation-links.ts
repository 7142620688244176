/** conversation_links and message_links: which Krayin activity mirrors a conversation or a message. */
import type { Db } from '../db';
import type { ConversationLink, MessageLink, Store } from '../types';
import { buildPatchUpsertSql, patchParams, type PatchColumn } from './patch-upsert';
import { toId, toNullableId } from './row-values';

interface ConversationLinkRow {
  connection_id: string;
  chatwoot_conversation_id: unknown;
  chatwoot_contact_id: unknown;
  krayin_activity_id: unknown;
  krayin_lead_id: unknown;
  krayin_person_id: unknown;
  last_hash: string | null;
  observed_state: unknown;
  last_message_id: unknown;
  updated_at: Date;
}

interface MessageLinkRow {
  connection_id: string;
  chatwoot_message_id: unknown;
  chatwoot_conversation_id: unknown;
  krayin_activity_id: unknown;
  updated_at: Date;
}

const CONVERSATION_COLUMNS =
  'connection_id, chatwoot_conversation_id, chatwoot_contact_id, krayin_activity_id, krayin_lead_id, ' +
  'krayin_person_id, last_hash, observed_state, last_message_id, updated_at';

type ConversationPatchKey =
  'contactId' | 'activityId' | 'leadId' | 'personId' | 'lastHash' | 'observedState' | 'lastMessageId';
const CONVERSATION_PATCH_COLUMNS: readonly PatchColumn<ConversationPatchKey>[] = [
  { key: 'contactId', column: 'chatwoot_contact_id', sqlType: 'bigint' },
  { key: 'activityId', column: 'krayin_activity_id', sqlType: 'bigint' },
  { key: 'leadId', column: 'krayin_lead_id', sqlType: 'bigint' },
  { key: 'personId', column: 'krayin_person_id', sqlType: 'bigint' },
  { key: 'lastHash', column: 'last_hash', sqlType: 'text' },
  { key: 'observedState', column: 'observed_state', sqlType: 'jsonb' },
  { key: 'lastMessageId', column: 'last_message_id', sqlType: 'bigint' },
];

const UPSERT_CONVERSATION = buildPatchUpsertSql(
  'conversation_links',
  ['connection_id', 'chatwoot_conversation_id'],
  CONVERSATION_PATCH_COLUMNS,
  CONVERSATION_COLUMNS,
);

const MESSAGE_COLUMNS = 'connection_id, chatwoot_message_id, chatwoot_conversation_id, krayin_activity_id, updated_at';

function toConversationLink(row: ConversationLinkRow): ConversationLink {
  return {
    connectionId: row.connection_id,
    conversationId: toId(row.chatwoot_conversation_id, 'chatwoot_conversation_id'),
    contactId: toNullableId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    activityId: toNullableId(row.krayin_activity_id, 'krayin_activity_id'),
    leadId: toNullableId(row.krayin_lead_id, 'krayin_lead_id'),
    personId: toNullableId(row.krayin_person_id, 'krayin_person_id'),
    lastHash: row.last_hash,
    observedState: (row.observed_state ?? null) as ConversationLink['observedState'],
    lastMessageId: toNullableId(row.last_message_id, 'last_message_id'),
    updatedAt: row.updated_at,
  };
}

function toMessageLink(row: MessageLinkRow): MessageLink {
  return {
    connectionId: row.connection_id,
    messageId: toId(row.chatwoot_message_id, 'chatwoot_message_id'),
    conversationId: toId(row.chatwoot_conversation_id, 'chatwoot_conversation_id'),
    activityId: toId(row.krayin_activity_id, 'krayin_activity_id'),
    updatedAt: row.updated_at,
  };
}

export function conversationLinksRepository(db: Db): Store['conversations'] {
  return {
    async get(connectionId, conversationId) {
      const { rows } = await db.query<ConversationLinkRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversation_links
         WHERE connection_id = $1 AND chatwoot_conversation_id = $2`,
        [connectionId, conversationId],
      );
      return rows[0] ? toConversationLink(rows[0]) : null;
    },

    async listByContact(connectionId, contactId) {
      const { rows } = await db.query<ConversationLinkRow>(
        `SELECT ${CONVERSATION_COLUMNS} FROM conversation_links
         WHERE connection_id = $1 AND chatwoot_contact_id = $2 ORDER BY chatwoot_conversation_id`,
        [connectionId, contactId],
      );
      return rows.map(toConversationLink);
    },

    async listOpen(connectionId, limit) {
      const { rows } = await db.query<{
        chatwoot_contact_id: unknown;
        krayin_lead_id: unknown;
        krayin_person_id: unknown;
      }>(
        `SELECT chatwoot_contact_id, krayin_lead_id, krayin_person_id FROM conversation_links
         WHERE connection_id = $1 AND chatwoot_contact_id IS NOT NULL AND observed_state->>'status' = 'open'
           AND (krayin_lead_id IS NOT NULL OR krayin_person_id IS NOT NULL)
         ORDER BY updated_at DESC LIMIT $2`,
        [connectionId, limit],
      );
      return rows.map((r) => ({
        contactId: toId(r.chatwoot_contact_id, 'chatwoot_contact_id'),
        leadId: toNullableId(r.krayin_lead_id, 'krayin_lead_id'),
        personId: toNullableId(r.krayin_person_id, 'krayin_person_id'),
      }));
    },

    async upsert(connectionId, conversationId, patch) {
      const { rows } = await db.query<ConversationLinkRow>(UPSERT_CONVERSATION, [
        connectionId,
        conversationId,
        ...patchParams(patch, CONVERSATION_PATCH_COLUMNS),
      ]);
      const row = rows[0];
      if (!row) throw new Error('conversation_links upsert returned no row');
      return toConversationLink(row);
    },
  };
}

export function messageLinksRepository(db: Db): Store['messages'] {
  return {
    async get(connectionId, messageId) {
      const { rows } = await db.query<MessageLinkRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM message_links WHERE connection_id = $1 AND chatwoot_message_id = $2`,
        [connectionId, messageId],
      );
      return rows[0] ? toMessageLink(rows[0]) : null;
    },

    async upsert(connectionId, messageId, link) {
      const { rows } = await db.query<MessageLinkRow>(
        `INSERT INTO message_links (connection_id, chatwoot_message_id, chatwoot_conversation_id, krayin_activity_id)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (connection_id, chatwoot_message_id) DO UPDATE SET
           chatwoot_conversation_id = EXCLUDED.chatwoot_conversation_id,
           krayin_activity_id = EXCLUDED.krayin_activity_id,
           updated_at = now()
         RETURNING ${MESSAGE_COLUMNS}`,
        [connectionId, messageId, link.conversationId, link.activityId],
      );
      const row = rows[0];
      if (!row) throw new Error('message_links upsert returned no row');
      return toMessageLink(row);
    },
  };
}
