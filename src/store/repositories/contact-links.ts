/** contact_links and organization_links: our record of which Krayin records a Chatwoot contact maps to. */
import type { Db } from '../db';
import type { ContactLink, Store } from '../types';
import { buildPatchUpsertSql, patchParams, type PatchColumn } from './patch-upsert';
import { toId, toNullableId } from './row-values';

interface ContactLinkRow {
  connection_id: string;
  chatwoot_contact_id: unknown;
  krayin_person_id: unknown;
  krayin_organization_id: unknown;
  krayin_lead_id: unknown;
  updated_at: Date;
}

const CONTACT_COLUMNS =
  'connection_id, chatwoot_contact_id, krayin_person_id, krayin_organization_id, krayin_lead_id, updated_at';

type ContactPatchKey = 'personId' | 'organizationId' | 'leadId';
const CONTACT_PATCH_COLUMNS: readonly PatchColumn<ContactPatchKey>[] = [
  { key: 'personId', column: 'krayin_person_id', sqlType: 'bigint' },
  { key: 'organizationId', column: 'krayin_organization_id', sqlType: 'bigint' },
  { key: 'leadId', column: 'krayin_lead_id', sqlType: 'bigint' },
];

const UPSERT_CONTACT = buildPatchUpsertSql(
  'contact_links',
  ['connection_id', 'chatwoot_contact_id'],
  CONTACT_PATCH_COLUMNS,
  CONTACT_COLUMNS,
);

/** The contact_links column of each Krayin record kind listLinkedKrayinIds pages through. */
const LINKED_ID_COLUMN = {
  person: 'krayin_person_id',
  lead: 'krayin_lead_id',
  organization: 'krayin_organization_id',
} as const;

function toContactLink(row: ContactLinkRow): ContactLink {
  return {
    connectionId: row.connection_id,
    contactId: toId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    personId: toNullableId(row.krayin_person_id, 'krayin_person_id'),
    organizationId: toNullableId(row.krayin_organization_id, 'krayin_organization_id'),
    leadId: toNullableId(row.krayin_lead_id, 'krayin_lead_id'),
    updatedAt: row.updated_at,
  };
}

export function contactLinksRepository(db: Db): Store['links'] {
  return {
    async getContact(connectionId, contactId) {
      const { rows } = await db.query<ContactLinkRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contact_links WHERE connection_id = $1 AND chatwoot_contact_id = $2`,
        [connectionId, contactId],
      );
      return rows[0] ? toContactLink(rows[0]) : null;
    },

    async upsertContact(connectionId, contactId, patch) {
      const { rows } = await db.query<ContactLinkRow>(UPSERT_CONTACT, [
        connectionId,
        contactId,
        ...patchParams(patch, CONTACT_PATCH_COLUMNS),
      ]);
      const row = rows[0];
      if (!row) throw new Error('contact_links upsert returned no row');
      return toContactLink(row);
    },

    async findContactsByPerson(connectionId, personId) {
      const { rows } = await db.query<ContactLinkRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contact_links
         WHERE connection_id = $1 AND krayin_person_id = $2 ORDER BY chatwoot_contact_id`,
        [connectionId, personId],
      );
      return rows.map(toContactLink);
    },

    async findContactsByLead(connectionId, leadId) {
      const { rows } = await db.query<ContactLinkRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contact_links
         WHERE connection_id = $1 AND krayin_lead_id = $2 ORDER BY chatwoot_contact_id`,
        [connectionId, leadId],
      );
      return rows.map(toContactLink);
    },

    async findContactsByOrganization(connectionId, organizationId) {
      const { rows } = await db.query<ContactLinkRow>(
        `SELECT ${CONTACT_COLUMNS} FROM contact_links
         WHERE connection_id = $1 AND krayin_organization_id = $2 ORDER BY chatwoot_contact_id`,
        [connectionId, organizationId],
      );
      return rows.map(toContactLink);
    },

    async listLinkedContactIds(connectionId, afterId, upToId, limit) {
      const { rows } = await db.query<{ chatwoot_contact_id: unknown }>(
        `SELECT chatwoot_contact_id FROM contact_links
         WHERE connection_id = $1 AND krayin_person_id IS NOT NULL AND chatwoot_contact_id > $2
           AND ($3::bigint IS NULL OR chatwoot_contact_id <= $3::bigint)
         ORDER BY chatwoot_contact_id LIMIT $4`,
        [connectionId, afterId, upToId, limit],
      );
      return rows.map((r) => toId(r.chatwoot_contact_id, 'chatwoot_contact_id'));
    },

    async listLinkedKrayinIds(connectionId, kind, afterId, upToId, limit) {
      // A fixed column per kind (never interpolated from input). Persons and leads have a partial index;
      // organizations none: their query reads the connection's rows once per 500 organizations.
      const column = LINKED_ID_COLUMN[kind];
      const { rows } = await db.query<{ id: unknown }>(
        `SELECT DISTINCT ${column} AS id FROM contact_links
         WHERE connection_id = $1 AND ${column} IS NOT NULL AND ${column} > $2
           AND ($3::bigint IS NULL OR ${column} <= $3::bigint)
         ORDER BY 1 LIMIT $4`,
        [connectionId, afterId, upToId, limit],
      );
      return rows.map((r) => toId(r.id, column));
    },

    async getOrganization(connectionId, nameKey) {
      const { rows } = await db.query<{ krayin_organization_id: unknown }>(
        'SELECT krayin_organization_id FROM organization_links WHERE connection_id = $1 AND name_key = $2',
        [connectionId, nameKey],
      );
      return rows[0] ? toId(rows[0].krayin_organization_id, 'krayin_organization_id') : null;
    },

    async setOrganization(connectionId, nameKey, organizationId) {
      await db.query(
        `INSERT INTO organization_links (connection_id, name_key, krayin_organization_id) VALUES ($1, $2, $3)
         ON CONFLICT (connection_id, name_key)
         DO UPDATE SET krayin_organization_id = EXCLUDED.krayin_organization_id, updated_at = now()`,
        [connectionId, nameKey, organizationId],
      );
    },

    async deleteOrganization(connectionId, nameKey) {
      await db.query('DELETE FROM organization_links WHERE connection_id = $1 AND name_key = $2', [
        connectionId,
        nameKey,
      ]);
    },

    async deleteOrganizationLinksTo(connectionId, organizationId) {
      const { rows } = await db.query<{ name_key: string }>(
        'DELETE FROM organization_links WHERE connection_id = $1 AND krayin_organization_id = $2 RETURNING name_key',
        [connectionId, organizationId],
      );
      return rows.length;
    },
  };
}
