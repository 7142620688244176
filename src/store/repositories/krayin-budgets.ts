/**
 * krayin_budgets: one row per connection, read and written under its row lock in one short transaction
 * per Krayin call, so every replica takes slots from the same budget one at a time. The clock is the
 * database's (one clock for every replica, whatever theirs say).
 */
import type { Db } from '../db';
import type { Store, StoredKrayinBudget } from '../types';

interface Row {
  calls: unknown;
  blocked_until: number;
  probe: string;
  probe_expires: number;
  live_waiting_until: number;
  now_ms: number;
}

export function krayinBudgetsRepository(db: Db): Store['krayinBudgets'] {
  return {
    update: (connectionId, fn) =>
      db.transaction(async (tx) => {
        // The row exists from the first call on; creating it here keeps the lock below meaningful.
        await tx.query(
          'INSERT INTO krayin_budgets (connection_id) VALUES ($1) ON CONFLICT (connection_id) DO NOTHING',
          [connectionId],
        );
        const { rows } = await tx.query<Row>(
          `SELECT calls, blocked_until::float8 AS blocked_until, probe, probe_expires::float8 AS probe_expires,
                  live_waiting_until::float8 AS live_waiting_until,
                  floor(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now_ms
           FROM krayin_budgets WHERE connection_id = $1 FOR UPDATE`,
          [connectionId],
        );
        const row = rows[0]!;
        const { state, result } = fn(toBudget(row), row.now_ms);
        await tx.query(
          `UPDATE krayin_budgets SET calls = $2::jsonb, blocked_until = $3, probe = $4, probe_expires = $5,
                  live_waiting_until = $6, updated_at = now()
           WHERE connection_id = $1`,
          [
            connectionId,
            JSON.stringify(state.calls),
            state.blockedUntil,
            state.probe,
            state.probeExpires,
            Math.round(state.liveWaitingUntil ?? 0),
          ],
        );
        return result;
      }),
  };
}

function toBudget(row: Row): StoredKrayinBudget {
  const calls = Array.isArray(row.calls)
    ? row.calls.filter(
        (c): c is [string, number] =>
          Array.isArray(c) && c.length === 2 && typeof c[0] === 'string' && typeof c[1] === 'number',
      )
    : [];
  const probe = row.probe === 'needed' || row.probe === 'inflight' ? row.probe : 'none';
  return {
    calls,
    blockedUntil: row.blocked_until,
    probe,
    probeExpires: row.probe_expires,
    // Absent unless set: a budget no live caller ever waited on reads as before the column existed.
    ...(row.live_waiting_until > 0 ? { liveWaitingUntil: row.live_waiting_until } : {}),
  };
}
