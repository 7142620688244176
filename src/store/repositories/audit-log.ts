/** audit_log: append-only history of what the sync did per contact (ids and actions, no contact data). */
import type { Db } from '../db';
import { redactJson } from '../redact';
import type { AuditRecord, Store } from '../types';
import { jsonParam, toId, toNullableId } from './row-values';

interface AuditRow {
  id: unknown;
  connection_id: string;
  chatwoot_contact_id: unknown;
  action: string;
  detail: Record<string, unknown> | null;
  at: Date;
}

function toAuditRecord(row: AuditRow): AuditRecord {
  const record: AuditRecord = {
    id: toId(row.id, 'id'),
    connectionId: row.connection_id,
    contactId: toNullableId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    action: row.action,
    at: row.at,
  };
  if (row.detail !== null) record.detail = row.detail;
  return record;
}

export function auditLogRepository(db: Db): Store['audit'] {
  return {
    async append(entry) {
      await db.query(
        'INSERT INTO audit_log (connection_id, chatwoot_contact_id, action, detail) VALUES ($1, $2, $3, $4::jsonb)',
        [entry.connectionId, entry.contactId, entry.action, jsonParam(redactJson(entry.detail))],
      );
    },

    async list(connectionId, contactId, limit = 50) {
      const { rows } = await db.query<AuditRow>(
        `SELECT id, connection_id, chatwoot_contact_id, action, detail, at FROM audit_log
         WHERE connection_id = $1 AND chatwoot_contact_id = $2
         ORDER BY id DESC LIMIT $3`,
        [connectionId, contactId, limit],
      );
      return rows.map(toAuditRecord);
    },

    async maxId() {
      const { rows } = await db.query<{ id: unknown }>('SELECT coalesce(max(id), 0) AS id FROM audit_log');
      return toId(rows[0]!.id, 'id');
    },

    async listAfter(connectionId, contactIds, afterId) {
      if (contactIds.length === 0) return [];
      const { rows } = await db.query<AuditRow>(
        `SELECT id, connection_id, chatwoot_contact_id, action, detail, at FROM audit_log
         WHERE connection_id = $1 AND chatwoot_contact_id = ANY($2::bigint[]) AND id > $3
         ORDER BY id`,
        [connectionId, contactIds, afterId],
      );
      return rows.map(toAuditRecord);
    },
  };
}
