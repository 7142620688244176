/** crm_attribute_state: what the sync last wrote of a contact's Krayin lead onto the Chatwoot contact. */
import type { Db } from '../db';
import type { CrmFactsState, Store } from '../types';
import { jsonParam, toId, toNullableId } from './row-values';

interface Row {
  krayin_lead_id: unknown;
  attributes_hash: string;
  attribute_hashes: unknown;
  labels: unknown;
  stage_id: unknown;
  owner_id: unknown;
}

export function crmFactsRepository(db: Db): Store['crmFacts'] {
  return {
    async get(connectionId, contactId) {
      const { rows } = await db.query<Row>(
        `SELECT krayin_lead_id, attributes_hash, attribute_hashes, labels, stage_id, owner_id
         FROM crm_attribute_state WHERE connection_id = $1 AND chatwoot_contact_id = $2`,
        [connectionId, contactId],
      );
      const row = rows[0];
      return row ? toState(row) : null;
    },

    async set(connectionId, contactId, state) {
      await db.query(
        `INSERT INTO crm_attribute_state
           (connection_id, chatwoot_contact_id, krayin_lead_id, attributes_hash, attribute_hashes, labels, stage_id, owner_id)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8)
         ON CONFLICT (connection_id, chatwoot_contact_id) DO UPDATE
         SET krayin_lead_id = EXCLUDED.krayin_lead_id, attributes_hash = EXCLUDED.attributes_hash,
             attribute_hashes = EXCLUDED.attribute_hashes, labels = EXCLUDED.labels,
             stage_id = EXCLUDED.stage_id, owner_id = EXCLUDED.owner_id, updated_at = now()`,
        [
          connectionId,
          contactId,
          state.leadId,
          state.attributesHash,
          jsonParam(state.attributeHashes),
          jsonParam(state.labels),
          state.stageId,
          state.ownerId,
        ],
      );
    },
  };
}

function toState(row: Row): CrmFactsState {
  const hashes = row.attribute_hashes !== null && typeof row.attribute_hashes === 'object' ? row.attribute_hashes : {};
  return {
    leadId: toId(row.krayin_lead_id, 'krayin_lead_id'),
    attributesHash: row.attributes_hash,
    attributeHashes: Object.fromEntries(
      Object.entries(hashes as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ),
    labels: Array.isArray(row.labels) ? row.labels.filter((l): l is string => typeof l === 'string') : [],
    stageId: toNullableId(row.stage_id, 'stage_id'),
    ownerId: toNullableId(row.owner_id, 'owner_id'),
  };
}
