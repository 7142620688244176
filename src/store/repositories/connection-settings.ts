/**
 * connection_settings, console_connections and settings_version (migration 012): the settings edited in
 * the console (src/settings). Every change runs under a row lock on settings_version and bumps it in the
 * same transaction, so concurrent editors in different replicas apply one after the other, each on the
 * state the previous one left, and every replica sees the change by polling one row.
 */
import type { Db } from '../db';
import type { JsonValue, SettingsSnapshot, SettingsWrite, Store, StoredSetting } from '../types';

interface SettingRow {
  connection_id: string;
  path: string;
  value: JsonValue | null;
  secret_ciphertext: string | null;
  key_id: string | null;
  updated_by: string;
  updated_at: Date;
}

interface ConnectionRow {
  connection_id: string;
  created_at: Date;
  created_by: string;
}

async function readSnapshot(db: Db, lock: boolean): Promise<SettingsSnapshot> {
  const version = await db.query<{ version: number }>(
    `SELECT version FROM settings_version WHERE id = 1${lock ? ' FOR UPDATE' : ''}`,
  );
  const settings = await db.query<SettingRow>(
    `SELECT connection_id, path, value, secret_ciphertext, key_id, updated_by, updated_at
     FROM connection_settings ORDER BY connection_id, path`,
  );
  const connections = await db.query<ConnectionRow>(
    'SELECT connection_id, created_at, created_by FROM console_connections ORDER BY connection_id',
  );
  return {
    version: Number(version.rows[0]?.version ?? 0),
    settings: settings.rows.map(toSetting),
    consoleConnections: connections.rows.map((r) => ({
      connectionId: r.connection_id,
      createdAt: r.created_at,
      createdBy: r.created_by,
    })),
  };
}

function toSetting(r: SettingRow): StoredSetting {
  return {
    connectionId: r.connection_id,
    path: r.path,
    value: r.secret_ciphertext === null ? r.value : null,
    secret:
      r.secret_ciphertext !== null && r.key_id !== null ? { ciphertext: r.secret_ciphertext, keyId: r.key_id } : null,
    updatedBy: r.updated_by,
    updatedAt: r.updated_at,
  };
}

async function applyWrite(db: Db, write: SettingsWrite): Promise<number> {
  if (write.addConnection !== undefined) {
    await db.query('INSERT INTO console_connections (connection_id, created_by) VALUES ($1, $2)', [
      write.addConnection,
      write.by,
    ]);
  }
  if (write.removeConnection !== undefined) {
    await db.query('DELETE FROM connection_settings WHERE connection_id = $1', [write.removeConnection]);
    await db.query('DELETE FROM console_connections WHERE connection_id = $1', [write.removeConnection]);
  }
  for (const d of write.drop ?? []) {
    await db.query('DELETE FROM connection_settings WHERE connection_id = $1 AND path = $2', [d.connectionId, d.path]);
  }
  for (const p of write.put ?? []) {
    await db.query(
      `INSERT INTO connection_settings (connection_id, path, value, secret_ciphertext, key_id, updated_by, updated_at)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, now())
       ON CONFLICT (connection_id, path) DO UPDATE SET value = EXCLUDED.value,
         secret_ciphertext = EXCLUDED.secret_ciphertext, key_id = EXCLUDED.key_id,
         updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`,
      [
        p.connectionId,
        p.path,
        p.secret ? null : JSON.stringify(p.value),
        p.secret?.ciphertext ?? null,
        p.secret?.keyId ?? null,
        write.by,
      ],
    );
  }
  const { rows } = await db.query<{ version: number }>(
    'UPDATE settings_version SET version = version + 1 WHERE id = 1 RETURNING version',
  );
  return Number(rows[0]?.version ?? 0);
}

export function connectionSettingsRepository(db: Db): Store['connectionSettings'] {
  return {
    async version() {
      const { rows } = await db.query<{ version: number }>('SELECT version FROM settings_version WHERE id = 1');
      return Number(rows[0]?.version ?? 0);
    },

    snapshot: () => db.transaction((tx) => readSnapshot(tx, false)),

    change: (fn) =>
      db.transaction(async (tx) => {
        const current = await readSnapshot(tx, true);
        const { write, result } = await fn(current);
        const version = write ? await applyWrite(tx, write) : current.version;
        return { result, version };
      }),
  };
}
