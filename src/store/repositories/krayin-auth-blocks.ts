/**
 * krayin_auth_blocks: a row while Krayin refuses the connection's token. Each statement is atomic on its
 * own, so "who blocked it", "who lifted it" and "who probes now" have exactly one answer across replicas.
 */
import type { Db } from '../db';
import type { Store } from '../types';

export function krayinAuthBlocksRepository(db: Db): Store['authBlocks'] {
  return {
    async get(connectionId) {
      const { rows } = await db.query<{ blocked_since: Date }>(
        'SELECT blocked_since FROM krayin_auth_blocks WHERE connection_id = $1',
        [connectionId],
      );
      return rows[0]?.blocked_since ?? null;
    },

    async block(connectionId) {
      const { rowCount } = await db.query(
        `INSERT INTO krayin_auth_blocks (connection_id) VALUES ($1)
         ON CONFLICT (connection_id) DO NOTHING RETURNING connection_id`,
        [connectionId],
      );
      return rowCount === 1;
    },

    async lift(connectionId) {
      const { rowCount } = await db.query(
        'DELETE FROM krayin_auth_blocks WHERE connection_id = $1 RETURNING connection_id',
        [connectionId],
      );
      return rowCount === 1;
    },

    async claimProbe(connectionId, intervalMs) {
      // The previous claim must be a whole interval old (minus a little, so timer drift between replicas
      // does not skip a round): the first replica to ask in a round gets it, the others see it taken.
      const { rowCount } = await db.query(
        `UPDATE krayin_auth_blocks SET probe_claimed_at = clock_timestamp()
         WHERE connection_id = $1
           AND (probe_claimed_at IS NULL OR probe_claimed_at <= clock_timestamp() - make_interval(secs => $2))
         RETURNING connection_id`,
        [connectionId, Math.max(0, intervalMs * 0.9) / 1000],
      );
      return rowCount === 1;
    },
  };
}
