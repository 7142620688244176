/** two_way_fields and two_way_conflicts: the two-way sync's hashes and decided conflicts (no values). */
import type { Db } from '../db';
import type { Store, StoredTwoWayConflict, TwoWayFieldState, TwoWayFieldUpdate } from '../types';
import { toId } from './row-values';

interface FieldRow {
  field: string;
  base_hash: string | null;
  chatwoot_written_hash: string | null;
  chatwoot_written_at: Date | null;
  krayin_written_hash: string | null;
  krayin_written_at: Date | null;
  krayin_seen_hash: string | null;
  krayin_seen_at: Date | null;
}

interface ConflictRow {
  id: unknown;
  connection_id: string;
  chatwoot_contact_id: unknown;
  field: string;
  chatwoot_hash: string;
  krayin_hash: string;
  chatwoot_changed_at: Date | null;
  krayin_changed_at: Date | null;
  owner: string;
  winner: 'chatwoot' | 'krayin';
  decided_at: Date;
}

/** Column of each state key, in parameter order. */
const COLUMNS: readonly [keyof TwoWayFieldState, string, 'text' | 'timestamptz'][] = [
  ['baseHash', 'base_hash', 'text'],
  ['chatwootWrittenHash', 'chatwoot_written_hash', 'text'],
  ['chatwootWrittenAt', 'chatwoot_written_at', 'timestamptz'],
  ['krayinWrittenHash', 'krayin_written_hash', 'text'],
  ['krayinWrittenAt', 'krayin_written_at', 'timestamptz'],
  ['krayinSeenHash', 'krayin_seen_hash', 'text'],
  ['krayinSeenAt', 'krayin_seen_at', 'timestamptz'],
];

// One static statement: $4.. are [given?, value] pairs per column; an absent key keeps the stored value.
const UPSERT_SQL = `INSERT INTO two_way_fields AS t (connection_id, chatwoot_contact_id, field, ${COLUMNS.map((c) => c[1]).join(', ')})
VALUES ($1, $2, $3, ${COLUMNS.map((c, i) => `$${5 + i * 2}::${c[2]}`).join(', ')})
ON CONFLICT (connection_id, chatwoot_contact_id, field) DO UPDATE SET
  ${COLUMNS.map((c, i) => `${c[1]} = CASE WHEN $${4 + i * 2}::boolean THEN EXCLUDED.${c[1]} ELSE t.${c[1]} END`).join(',\n  ')},
  updated_at = now()`;

export function twoWayRepository(db: Db): Store['twoWay'] {
  return {
    async getFields(connectionId, contactId) {
      const { rows } = await db.query<FieldRow>(
        `SELECT field, ${COLUMNS.map((c) => c[1]).join(', ')} FROM two_way_fields
         WHERE connection_id = $1 AND chatwoot_contact_id = $2`,
        [connectionId, contactId],
      );
      const out: Record<string, TwoWayFieldState> = {};
      for (const row of rows) {
        out[row.field] = {
          baseHash: row.base_hash,
          chatwootWrittenHash: row.chatwoot_written_hash,
          chatwootWrittenAt: row.chatwoot_written_at,
          krayinWrittenHash: row.krayin_written_hash,
          krayinWrittenAt: row.krayin_written_at,
          krayinSeenHash: row.krayin_seen_hash,
          krayinSeenAt: row.krayin_seen_at,
        };
      }
      return out;
    },

    async recordFields(connectionId, contactId, updates) {
      // One upsert per field: each is complete on its own (the contact's workflow is the only writer).
      for (const [field, update] of Object.entries(updates)) {
        await db.query(UPSERT_SQL, [connectionId, contactId, field, ...params(update)]);
      }
    },

    async recordConflict(c) {
      await db.query(
        `INSERT INTO two_way_conflicts (connection_id, chatwoot_contact_id, field, chatwoot_hash, krayin_hash,
           chatwoot_changed_at, krayin_changed_at, owner, winner)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          c.connectionId,
          c.contactId,
          c.field,
          c.chatwootHash,
          c.krayinHash,
          c.chatwootChangedAt,
          c.krayinChangedAt,
          c.owner,
          c.winner,
        ],
      );
    },

    async listConflicts(connectionId, opts = {}) {
      const limit = opts.limit ?? 20;
      const { rows } =
        opts.contactId === undefined
          ? await db.query<ConflictRow>(
              'SELECT * FROM two_way_conflicts WHERE connection_id = $1 ORDER BY id DESC LIMIT $2',
              [connectionId, limit],
            )
          : await db.query<ConflictRow>(
              `SELECT * FROM two_way_conflicts WHERE connection_id = $1 AND chatwoot_contact_id = $2
               ORDER BY id DESC LIMIT $3`,
              [connectionId, opts.contactId, limit],
            );
      return rows.map(toConflict);
    },
  };
}

function params(update: TwoWayFieldUpdate): unknown[] {
  return COLUMNS.flatMap(([key]) => {
    const value = update[key];
    return value === undefined ? [false, null] : [true, value];
  });
}

function toConflict(row: ConflictRow): StoredTwoWayConflict {
  return {
    id: toId(row.id, 'id'),
    connectionId: row.connection_id,
    contactId: toId(row.chatwoot_contact_id, 'chatwoot_contact_id'),
    field: row.field,
    chatwootHash: row.chatwoot_hash,
    krayinHash: row.krayin_hash,
    chatwootChangedAt: row.chatwoot_changed_at,
    krayinChangedAt: row.krayin_changed_at,
    owner: row.owner,
    winner: row.winner,
    decidedAt: row.decided_at,
  };
}
